/**
 * promptfoo's deterministic assertions as rewardkit checks, with promptfoo's exact semantics
 * (promptfoo/promptfoo src/assertions/contains.ts, equals.ts, regex.ts, json.ts):
 * - contains / icontains: substring of the raw output (icontains lower-cases both); no trimming.
 * - equals: the raw output is exactly the value's text (no trimming, case-sensitive); an object or array value is
 *   compared with JSON.parse(output) by deep equality.
 * - regex: `new RegExp(value)` (case-sensitive, no flags) tested on the raw output.
 * - is-json: JSON.parse(output) succeeds (no fenced blocks), and satisfies the value as a JSON Schema when given.
 * - contains-json: some {…} object found anywhere in the output by promptfoo's lenient rule (the json check's
 *   `extract: anywhere`, checks/json-anywhere.ts) satisfies the value as a JSON Schema (or exists, without one).
 * Every `not-` form is the exact complement in promptfoo (a failed JSON parse passes not-equals, not-is-json and
 * not-contains-json), so it maps to the check's `negate`.
 * A fixed text becomes a regex pattern (a match check compares with a row field, not a literal); a whole var becomes
 * that row field.
 */
import { parse as parseYaml } from 'yaml';
import type { AssertionValue } from './assertion-value.js';
import type { CheckType } from './assertion-types.js';
import type { ConfigPath, ImportProblems } from './import-problems.js';

export interface CheckAssertion {
  type: CheckType;
  negate: boolean;
  value: AssertionValue;
  /** Path of the assertion's `value` in the config. */
  valuePath: ConfigPath;
}

/** The check's own fields (without name and weight), or undefined after recording the problem. */
export function checkOf(
  assertion: CheckAssertion,
  fieldOfVar: (name: string) => string,
  problems: ImportProblems,
): Record<string, unknown> | undefined {
  const { type, negate, value, valuePath } = assertion;
  const negation = negate ? { negate: true } : {};
  if (value.kind === 'unsupported') {
    problems.add(valuePath, `not supported: ${value.reason}`);
    return undefined;
  }
  if (type === 'is-json' || type === 'contains-json') {
    const check = jsonCheckOf(value, valuePath, problems);
    if (!check) return undefined;
    return { ...check, ...(type === 'contains-json' ? { extract: 'anywhere' } : { allow_fenced: false }), ...negation };
  }
  if (value.kind === 'var') {
    const expected = fieldOfVar(value.name);
    switch (type) {
      case 'contains':
      case 'icontains':
        return { type: 'match', mode: 'contains', expected, case_sensitive: type === 'contains', trim: false, ...negation };
      case 'equals':
        return { type: 'match', mode: 'exact', expected, case_sensitive: true, trim: false, ...negation };
      case 'regex':
        return { type: 'match', mode: 'regex', expected, case_sensitive: true, ...negation };
    }
  }
  if (type === 'equals' && value.kind === 'data' && (value.data === null || typeof value.data === 'object')) {
    return { type: 'json', allow_fenced: false, schema: { const: value.data }, ...negation };
  }
  const text = textOf(value);
  if (text === undefined || (type !== 'equals' && text === '')) {
    problems.add(
      valuePath,
      `expected a ${type === 'equals' ? '' : 'non-empty '}string or number value (or "{{ var }}")`,
      value.kind === 'data' ? value.data : undefined,
    );
    return undefined;
  }
  switch (type) {
    case 'contains':
    case 'icontains':
      return { type: 'match', mode: 'regex', pattern: escapeRegex(text), case_sensitive: type === 'contains', ...negation };
    case 'equals':
      return { type: 'match', mode: 'regex', pattern: `^${escapeRegex(text)}$`, case_sensitive: true, ...negation };
    case 'regex': {
      const problem = regexProblem(text);
      if (problem) {
        problems.add(valuePath, problem, text);
        return undefined;
      }
      return { type: 'match', mode: 'regex', pattern: text, case_sensitive: true, ...negation };
    }
  }
}

function textOf(value: AssertionValue): string | undefined {
  if (value.kind === 'text') return value.text;
  if (value.kind === 'data' && typeof value.data === 'number' && !Number.isNaN(value.data)) return String(value.data);
  if (value.kind === 'data' && typeof value.data === 'boolean') return String(value.data);
  return undefined;
}

function jsonCheckOf(value: AssertionValue, valuePath: ConfigPath, problems: ImportProblems): Record<string, unknown> | undefined {
  if (value.kind === 'absent' || (value.kind === 'text' && value.text === '')) return { type: 'json' };
  let schema: unknown;
  if (value.kind === 'data') schema = value.data;
  else if (value.kind === 'text') {
    try {
      schema = parseYaml(value.text) as unknown;
    } catch (error) {
      problems.add(valuePath, `expected a JSON Schema (YAML or JSON): ${(error as Error).message.split('\n')[0]}`, value.text);
      return undefined;
    }
  } else {
    problems.add(valuePath, 'not supported: a JSON Schema taken from a var; write the schema in the assertion');
    return undefined;
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    problems.add(valuePath, 'expected a JSON Schema object', schema);
    return undefined;
  }
  if (usesFormat(schema)) {
    problems.add(
      valuePath,
      'not supported: the "format" keyword — promptfoo validates formats (ajv-formats), rewardkit\'s json check does not; remove it or check the field another way',
    );
    return undefined;
  }
  return { type: 'json', schema };
}

function usesFormat(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(usesFormat);
  if (schema === null || typeof schema !== 'object') return false;
  return Object.entries(schema).some(([key, inner]) => (key === 'format' && typeof inner === 'string') || usesFormat(inner));
}

/** promptfoo compiles the pattern without flags; rewardkit's match check adds the u flag, which rejects some patterns. */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `expected a valid regular expression: ${(error as Error).message}`;
  }
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `not supported: a pattern that is invalid with the u (Unicode) flag rewardkit compiles with (${(error as Error).message}); remove the needless escape or brace`;
  }
  return undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
