/**
 * Makes a verdict's JSON Schema safe to turn into a llama.cpp grammar (llama.createGrammarForJsonSchema), so
 * constrained generation always ends in complete JSON within the call's output-token budget. Pure.
 *
 * What node-llama-cpp 3.22's JSON-schema grammar does and does not enforce, and what we do about it:
 * - it ignores `minimum` / `maximum` (a random model wrote 187070731 for a 1–5 score): an integer scale
 *   becomes an `enum` of its values. The verdict is still validated after parsing like any provider's
 *   (`out_of_scale` stays an error, never clamped);
 * - it enforces `maxLength`, counted in code points: every string gets one. The strings share the budget left
 *   after the JSON skeleton, at MAX_TOKENS_PER_CHARACTER tokens per character — the worst case (a `\uXXXX`
 *   escape is six tokens with a byte-level vocabulary) — so no string can push the verdict past the budget.
 */

/** The most tokens one character of a JSON string can take: the six of a \uXXXX escape, one token per byte. */
export const MAX_TOKENS_PER_CHARACTER = 6;
/** No string is given more characters than this, whatever the budget. */
export const MAX_STRING_CHARACTERS = 2000;
/** Integer ranges wider than this stay integers (an enum of thousands of values helps no one). */
export const MAX_ENUM_SCALE = 101;
/** Whitespace the grammar allows around each structural character: a newline plus 4 spaces per nesting level. */
const INDENT_PER_LEVEL = 4;

type Schema = Record<string, unknown>;

export interface GrammarSafeSchema {
  schema: Schema;
  /** The maxLength given to strings that had none (or a larger one). */
  stringMaxLength: number;
  /** The most tokens the JSON skeleton (keys, punctuation, whitespace, enum values) can take. */
  skeletonTokens: number;
}

export function grammarSafeSchema(schema: Schema, maxOutputTokens: number): GrammarSafeSchema {
  const shape = measure(schema, 0);
  const free = maxOutputTokens - shape.skeleton;
  const perString = shape.strings === 0 ? MAX_STRING_CHARACTERS : Math.floor(free / (shape.strings * MAX_TOKENS_PER_CHARACTER));
  const stringMaxLength = Math.max(1, Math.min(MAX_STRING_CHARACTERS, perString));
  return { schema: rewrite(schema, stringMaxLength), stringMaxLength, skeletonTokens: shape.skeleton };
}

function rewrite(schema: Schema, stringMaxLength: number): Schema {
  const scale = integerScale(schema);
  if (scale) {
    const { type: _type, minimum: _minimum, maximum: _maximum, ...rest } = schema;
    return { ...rest, enum: Array.from({ length: scale.max - scale.min + 1 }, (_, index) => scale.min + index) };
  }
  const next: Schema = { ...schema };
  if (isType(schema, 'string') && !Array.isArray(schema.enum) && schema.const === undefined && schema.format === undefined) {
    const declared = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    next.maxLength = Math.min(declared, stringMaxLength);
  }
  if (isRecord(schema.properties)) {
    next.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [key, isRecord(value) ? rewrite(value, stringMaxLength) : value]),
    );
  }
  if (isRecord(schema.additionalProperties)) next.additionalProperties = rewrite(schema.additionalProperties, stringMaxLength);
  if (isRecord(schema.items)) next.items = rewrite(schema.items, stringMaxLength);
  for (const key of ['oneOf', 'anyOf', 'prefixItems'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) next[key] = list.map((item: unknown) => (isRecord(item) ? rewrite(item, stringMaxLength) : item));
  }
  return next;
}

/** How many free strings the schema holds and how many tokens its skeleton can take at most. */
function measure(schema: Schema, depth: number): { strings: number; skeleton: number } {
  const whitespace = 1 + INDENT_PER_LEVEL * (depth + 1);
  const scale = integerScale(schema);
  if (scale) return { strings: 0, skeleton: Math.max(String(scale.min).length, String(scale.max).length) };
  if (Array.isArray(schema.enum)) return { strings: 0, skeleton: Math.max(1, ...schema.enum.map((value) => JSON.stringify(value).length)) };
  if (schema.const !== undefined) return { strings: 0, skeleton: JSON.stringify(schema.const).length };
  if (isType(schema, 'string')) return schema.format === undefined ? { strings: 1, skeleton: 2 } : { strings: 0, skeleton: 40 };
  if (isType(schema, 'boolean')) return { strings: 0, skeleton: 5 };
  if (isType(schema, 'null')) return { strings: 0, skeleton: 4 };
  if (isType(schema, 'integer') || isType(schema, 'number')) return { strings: 0, skeleton: 24 };
  const alternatives = [schema.oneOf, schema.anyOf].find(Array.isArray) as unknown[] | undefined;
  if (alternatives) {
    const shapes = alternatives.filter(isRecord).map((item) => measure(item, depth));
    return {
      strings: Math.max(0, ...shapes.map((shape) => shape.strings)),
      skeleton: Math.max(0, ...shapes.map((shape) => shape.skeleton)),
    };
  }
  let strings = 0;
  let skeleton = 2 + 2 * whitespace; // the braces and the whitespace after { and before }
  if (isRecord(schema.properties)) {
    for (const [key, value] of Object.entries(schema.properties)) {
      const inner = isRecord(value) ? measure(value, depth + 1) : { strings: 0, skeleton: 24 };
      strings += inner.strings;
      skeleton += JSON.stringify(key).length + 2 + 2 * whitespace + inner.skeleton; // "key": value,
    }
  }
  if (isRecord(schema.items)) {
    const inner = measure(schema.items, depth + 1);
    const count = typeof schema.maxItems === 'number' ? schema.maxItems : 1;
    strings += inner.strings * count;
    skeleton += (inner.skeleton + 1 + whitespace) * count;
  }
  return { strings, skeleton };
}

function integerScale(schema: Schema): { min: number; max: number } | null {
  if (!isType(schema, 'integer') || Array.isArray(schema.enum)) return null;
  const { minimum, maximum } = schema;
  if (typeof minimum !== 'number' || typeof maximum !== 'number' || !Number.isInteger(minimum) || !Number.isInteger(maximum)) return null;
  if (maximum < minimum || maximum - minimum + 1 > MAX_ENUM_SCALE) return null;
  return { min: minimum, max: maximum };
}

function isType(schema: Schema, type: string): boolean {
  return schema.type === type || (Array.isArray(schema.type) && schema.type.length === 1 && schema.type[0] === type);
}

function isRecord(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
