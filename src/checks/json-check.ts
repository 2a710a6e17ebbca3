/**
 * `json` check: the response must parse as JSON (optionally from a fenced block) and, when a schema is
 * given, satisfy it (ajv, all errors reported). Score 1 or 0.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { z } from 'zod';
import type { JsonCheckSchema } from '../spec/schema.js';
import { parseResponseJson } from '../input/response-json.js';
import type { Check } from './check.js';

type JsonCheckSpec = z.output<typeof JsonCheckSchema>;

export function jsonCheck(spec: JsonCheckSpec): Check {
  let validate: ValidateFunction | undefined;
  if (spec.schema) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(spec.schema);
  }
  return (context) => {
    // Strictness is this check's own: other components read response_json with fences allowed.
    const parsed = spec.allow_fenced ? context.responseJson() : parseResponseJson(context.view.response, false);
    if (!parsed.ok) return { score: 0, message: parsed.error };
    if (validate && !validate(parsed.value)) {
      const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
      return {
        score: 0,
        message: `schema: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (+${errors.length - 5} more)` : ''}`,
        details: { schema_errors: errors },
      };
    }
    return { score: 1, message: parsed.fenced ? 'valid JSON (from a fenced block)' : 'valid JSON', details: { fenced: parsed.fenced } };
  };
}
