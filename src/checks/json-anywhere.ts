/**
 * JSON objects found anywhere in a text, by promptfoo's `contains-json` rule (promptfoo 0.121.20, src/util/json.ts
 * extractJsonObjects and convertSlashCommentsToHash; MIT), re-implemented here so the json check's
 * `extract: anywhere` decides as promptfoo does:
 * - every `{` starts a candidate; braces are counted naively (a brace inside a string counts too) and the candidate
 *   is tried each time its braces balance — a failed balanced candidate is given up — and once more where the text
 *   (or 100 000 characters) ends, with the missing `}` added;
 * - a candidate is read as YAML (so unquoted keys, single quotes, trailing commas and `#` comments are accepted)
 *   after `//` comments are turned into `#` comments, line by line, outside quotes and URLs;
 * - once a candidate reads as a mapping, the search goes on after it (objects nested in it are not tried apart).
 * The YAML reading follows promptfoo's js-yaml schema with the project's `yaml` package: YAML 1.2 core types, plus
 * merge keys, timestamps (a Date) and the !!binary, !!omap, !!pairs and !!set tags; a repeated key keeps the last
 * value; more than one document, an unknown tag or any syntax error is no object.
 */
import {
  CST,
  isScalar,
  Lexer,
  parseDocument,
  Scalar,
  visit,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';

/** promptfoo stops a candidate this many characters after its `{`. */
export const MAX_CANDIDATE_CHARS = 100_000;

/**
 * Bounds of our own, not promptfoo's: a check runs on every rollout, and hostile text (a thousand unclosed `{`) would
 * otherwise cost minutes of YAML parsing. A candidate that needs more than MAX_UNCLOSED braces added is not tried, and
 * the search stops once MAX_PARSED_CHARS characters have been handed to the parser (or MAX_SCANNED_CHARS walked) in
 * all; `searchStopped` says so.
 */
export const MAX_PARSED_CHARS = 200_000;
export const MAX_UNCLOSED = 32;
/** Characters walked while counting braces, over all candidates (cheap, but quadratic in the number of `{`). */
export const MAX_SCANNED_CHARS = 20_000_000;

export interface JsonObjectsFound {
  objects: Array<Record<string, unknown>>;
  /** True when a bound above cut the search short (the objects found before are kept). */
  searchStopped: boolean;
}

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  customTags: ['binary', 'timestamp', 'omap', 'pairs', 'set'],
  merge: true,
  uniqueKeys: false,
  prettyErrors: false,
  logLevel: 'silent',
};

/** Every JSON object promptfoo's rule finds in `text`, in order, within the bounds above. */
export function findJsonObjects(text: string): JsonObjectsFound {
  const search: Search = { objects: [], parsedChars: 0, scannedChars: 0, halted: false, searchStopped: false };
  for (let start = 0; start < text.length && !search.halted; start++) {
    if (text[start] !== '{') continue;
    const end = readObjectAt(text, start, search);
    if (end !== undefined) start = end - 1;
  }
  return { objects: search.objects, searchStopped: search.searchStopped };
}

interface Search {
  objects: Array<Record<string, unknown>>;
  parsedChars: number;
  scannedChars: number;
  /** A total bound was reached: no further candidate is tried. */
  halted: boolean;
  /** Some candidate was not tried because of a bound. */
  searchStopped: boolean;
}

/** Tries the candidates that start at `start`; on success pushes the object and returns where it ends. */
function readObjectAt(text: string, start: number, search: Search): number | undefined {
  const stop = Math.min(start + MAX_CANDIDATE_CHARS, text.length);
  let open = 1;
  let closed = 0;
  for (let end = start + 1; end < stop && open > closed;) {
    if (text[end] === '{') open++;
    else if (text[end] === '}') closed++;
    end++;
    const balanced = open === closed;
    if (!balanced && end !== stop) continue;
    search.scannedChars += end - start;
    if (open - closed > MAX_UNCLOSED) {
      search.searchStopped = true;
      search.halted = search.scannedChars > MAX_SCANNED_CHARS;
      return undefined;
    }
    search.parsedChars += end - start;
    if (search.parsedChars > MAX_PARSED_CHARS || search.scannedChars > MAX_SCANNED_CHARS) {
      search.searchStopped = search.halted = true;
      return undefined;
    }
    const value = readLenient(text.slice(start, end) + '}'.repeat(open - closed));
    if (value !== undefined) {
      search.objects.push(value);
      return end;
    }
    if (balanced) return undefined;
  }
  return undefined;
}

/** The candidate as a mapping, or undefined when it does not read as one. */
function readLenient(candidate: string): Record<string, unknown> | undefined {
  const yamlText = slashCommentsToHash(candidate);
  if (!separatedAsJsYamlNeeds(yamlText)) return undefined;
  const document = parseDocument(yamlText, YAML_OPTIONS);
  if (document.errors.length > 0 || document.warnings.some((warning) => warning.code === 'TAG_RESOLVE_FAILED')) return undefined;
  if (!keysAsJsYamlReadsThem(document)) return undefined;
  let value: unknown;
  try {
    value = asPromptfooValue(document.toJS({ maxAliasCount: -1 }));
  } catch {
    return undefined; // an alias before its anchor, a merge of something other than a mapping
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Token types that may follow a quoted scalar in a flow collection, after optional spaces, line breaks and comments. */
const AFTER_QUOTED = new Set(['map-value-ind', 'comma', 'flow-map-end', 'flow-seq-end']);
const GAP = new Set(['space', 'newline', 'comment']);

/**
 * Two separations js-yaml demands where the `yaml` package is lenient: a quoted scalar is followed only by `:`, `,` or
 * the end of its collection (so `{"a"&x}`, `{"a" "b"}` and `{"a"#c}` are errors), and an explicit key `?` by a space
 * (so `{?}` is an error).
 */
function separatedAsJsYamlNeeds(text: string): boolean {
  const types = [...new Lexer().lex(text)].map((token) => CST.tokenType(token));
  for (let index = 0; index < types.length; index++) {
    const type = types[index];
    if (type === 'explicit-key-ind' && types[index + 1] !== 'space' && types[index + 1] !== 'newline') return false;
    if (type !== 'single-quoted-scalar' && type !== 'double-quoted-scalar') continue;
    if (types[index + 1] === 'comment') return false;
    let next = index + 1;
    while (next < types.length && GAP.has(types[next]!)) next++;
    if (next < types.length && !AFTER_QUOTED.has(types[next]!)) return false;
  }
  return true;
}

/**
 * js-yaml (promptfoo's reader) refuses a mapping key that is a collection, a timestamp or binary data, and writes a
 * null key as "null" (the `yaml` package would write "" and stringify the others): false for a refused key; a null key
 * is rewritten as the text "null".
 */
function keysAsJsYamlReadsThem(document: Document): boolean {
  let refused = false;
  visit(document, {
    Pair(_key, pair) {
      const key = pair.key;
      if (key === null || (isScalar(key) && key.value === null)) {
        pair.key = new Scalar('null');
        return;
      }
      if (!isScalar(key) || (key.value !== null && typeof key.value === 'object')) {
        refused = true;
        return visit.BREAK;
      }
    },
  });
  return !refused;
}

/**
 * The values js-yaml gives where the `yaml` package differs: a !!set is an object whose values are null, an !!omap
 * a list of one-key objects, !!binary a plain Uint8Array.
 */
function asPromptfooValue(value: unknown): unknown {
  if (value instanceof Set) return Object.fromEntries([...value].map((item) => [String(item), null]));
  if (value instanceof Map) return [...value].map(([key, item]) => ({ [String(key)]: asPromptfooValue(item) }));
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(asPromptfooValue);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asPromptfooValue(item)]));
}

const LETTER = /[a-zA-Z]/;

/**
 * `//` comments as YAML `#` comments, line by line: outside double quotes, and outside single quotes (a `'` right after
 * a letter is an apostrophe, not a quote; one right before a letter does not close), a run of N slashes becomes
 * ⌊N/2⌋ `#` and the rest of the line is kept; a `//` in a word holding `://` (a URL) stays.
 */
export function slashCommentsToHash(text: string): string {
  return text.split('\n').map(convertLine).join('\n');
}

function convertLine(line: string): string {
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote !== undefined) {
      const closes = char === quote && !escaped(line, index) && (quote === '"' || !LETTER.test(line[index + 1] ?? ''));
      if (closes) quote = undefined;
      continue;
    }
    if (char === '"' || (char === "'" && !LETTER.test(line[index - 1] ?? ''))) {
      quote = char;
      continue;
    }
    if (char !== '/' || line[index + 1] !== '/') continue;
    const wordStart = line.slice(0, index).search(/\S*$/);
    if (line.slice(wordStart, index + 2).includes('://')) continue;
    let slashes = 2;
    while (line[index + slashes] === '/') slashes++;
    return line.slice(0, index) + '#'.repeat(Math.floor(slashes / 2)) + line.slice(index + slashes);
  }
  return line;
}

/** An odd number of backslashes right before `index`. */
function escaped(line: string, index: number): boolean {
  let count = 0;
  for (let at = index - 1; at >= 0 && line[at] === '\\'; at--) count++;
  return count % 2 === 1;
}
