/**
 * `json` check: the response must parse as JSON (optionally from a fenced block) and, when a schema is
 * given, satisfy it (ajv, all errors reported). Score 1 or 0. With `extract: anywhere` the JSON is any object found in
 * the text by promptfoo's contains-json rule (json-anywhere.ts), and the check passes when one of them satisfies the
 * schema. `negate` scores 1 − that.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { z } from 'zod';
import type { RowContext } from '../input/row-view.js';
import type { JsonCheckSchema } from '../spec/schema.js';
import { parseResponseJson } from '../input/response-json.js';
import type { Check, CheckOutcome } from './check.js';
import { findJsonObjects, MAX_PARSED_CHARS, MAX_UNCLOSED } from './json-anywhere.js';

type JsonCheckSpec = z.output<typeof JsonCheckSchema>;

export function jsonCheck(spec: JsonCheckSpec): Check {
  let validate: ValidateFunction | undefined;
  if (spec.schema) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(spec.schema);
  }
  const check = (context: RowContext): CheckOutcome => {
    if (spec.extract === 'anywhere') return anywhereOutcome(context.view.response, validate);
    // Strictness is this check's own: other components read response_json with fences allowed.
    const parsed = spec.allow_fenced ? context.responseJson() : parseResponseJson(context.view.response, false);
    if (!parsed.ok) return { score: 0, message: parsed.error };
    if (validate && !validate(parsed.value)) return schemaFailure(validate, '');
    return { score: 1, message: parsed.fenced ? 'valid JSON (from a fenced block)' : 'valid JSON', details: { fenced: parsed.fenced } };
  };
  if (!spec.negate) return check;
  return (context) => negated(check(context));
}

/** Every object found in the text; the first that satisfies the schema passes (promptfoo reports the last one's errors). */
function anywhereOutcome(response: string, validate: ValidateFunction | undefined): CheckOutcome {
  const { objects, searchStopped } = findJsonObjects(response);
  const stopped = searchStopped ? { search_stopped: true } : {};
  const note = searchStopped
    ? ` (search stopped early: over ${MAX_PARSED_CHARS} characters to parse or ${MAX_UNCLOSED} unclosed braces)`
    : '';
  if (objects.length === 0)
    return { score: 0, message: `no JSON object found in the response${note}`, details: { objects: 0, ...stopped } };
  if (!validate) return { score: 1, message: `found ${countText(objects.length)}`, details: { objects: objects.length, ...stopped } };
  const index = objects.findIndex((object) => validate(object));
  if (index >= 0) {
    return {
      score: 1,
      message: `object ${index + 1} of ${objects.length} satisfies the schema`,
      details: { objects: objects.length, matched: index + 1, ...stopped },
    };
  }
  validate(objects.at(-1));
  const failure = schemaFailure(validate, `none of ${countText(objects.length)} satisfies the schema${note}; the last: `);
  return { ...failure, details: { objects: objects.length, ...stopped, ...failure.details } };
}

function schemaFailure(validate: ValidateFunction, prefix: string): CheckOutcome {
  const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
  return {
    score: 0,
    message: `${prefix}schema: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (+${errors.length - 5} more)` : ''}`,
    details: { schema_errors: errors },
  };
}

function negated(outcome: CheckOutcome): CheckOutcome {
  return { ...outcome, score: outcome.score === null ? null : 1 - outcome.score, message: `negated: ${outcome.message}` };
}

function countText(count: number): string {
  return count === 1 ? '1 JSON object' : `${count} JSON objects`;
}
