/**
 * Finds where the response starts in an OpenRLHF query (`tokenizer.decode(prompt_ids + response_ids)`), given the
 * prompt string. The decode does not always give the prompt back as it was:
 * - tokenizers with the legacy sentencepiece layout (Llama-2, Mistral-7B v0.1/v0.2, Mixtral) decode the text after a
 *   special token with a leading space (`<s> [INST] …` for the prompt `<s>[INST] …`);
 * - OpenRLHF left-truncates prompts longer than its prompt budget, so the query starts with a tail of the prompt.
 * The split is tried in this order, and the way it was made is reported:
 *   exact            the query starts with the prompt;
 *   whitespace       it does once whitespace next to special tokens (`<s>`, `<|…|>`, `[INST]`, …) is ignored;
 *   truncated        it starts with a tail of the prompt (at least MIN_TAIL_CHARS long), same whitespace rule;
 *   assistant_marker the response is the text after the query's last assistant-turn marker of a known chat template.
 * Pure: no I/O.
 */

export const PROMPT_MATCHES = ['exact', 'whitespace', 'truncated', 'assistant_marker'] as const;
export type PromptMatch = (typeof PROMPT_MATCHES)[number];

export interface QuerySplit {
  /** The query after the prompt (end tokens not yet removed). */
  response: string;
  match: PromptMatch;
}

/** The shortest prompt tail accepted as the start of a left-truncated query (characters, whitespace rule applied). */
export const MIN_TAIL_CHARS = 32;
/** Candidate tail starts tried at most (bounds the work on pathological, highly repetitive prompts). */
const MAX_TAIL_CANDIDATES = 256;

/**
 * Special tokens of common tokenizers: `<|…|>` (Llama-3, ChatML, Phi, gpt-oss), `<｜…｜>` (DeepSeek), `<s>`, `</s>`,
 * `<bos>`, `<start_of_turn>`-style tags, and Mistral's `[INST]`, `[/INST]`, `[TOOL_CALLS]`, ….
 */
const SPECIAL_TOKEN = /<\|[^<>|\s]{1,64}\|>|<｜[^<>｜]{1,64}｜>|<\/?[A-Za-z][\w.-]{0,31}>|\[\/?[A-Z][A-Z_]{1,31}\]/g;

/** Assistant-turn markers of known chat templates, with the whitespace the template puts after them. */
export const ASSISTANT_MARKERS: ReadonlyArray<{ template: string; pattern: RegExp }> = [
  { template: 'Llama-2 / Mistral / Mixtral', pattern: /\[\/INST\]/g },
  { template: 'Llama-3', pattern: /<\|start_header_id\|>\s*assistant\s*<\|end_header_id\|>(?:\n\n)?/g },
  { template: 'ChatML (Qwen, Yi, …)', pattern: /<\|im_start\|>\s*assistant\n?/g },
  { template: 'Gemma', pattern: /<start_of_turn>\s*model\n?/g },
  { template: 'Phi-3 / Zephyr', pattern: /<\|assistant\|>\n?/g },
  { template: 'DeepSeek', pattern: /<｜Assistant｜>/g },
  { template: 'gpt-oss (harmony)', pattern: /<\|start\|>\s*assistant(?:<\|channel\|>[^<]*)?<\|message\|>/g },
];

/** The split of `query` at `prompt`, or undefined when none of the ways above finds it. */
export function splitQuery(query: string, prompt: string): QuerySplit | undefined {
  if (query.startsWith(prompt)) return { response: query.slice(prompt.length), match: 'exact' };
  const normalQuery = normalise(query);
  const normalPrompt = normalise(prompt);
  if (normalPrompt.text !== '' && normalQuery.text.startsWith(normalPrompt.text)) {
    return { response: afterPrompt(query, normalQuery, 0, normalPrompt, 0), match: 'whitespace' };
  }
  const tail = longestPromptTail(normalQuery, normalPrompt);
  if (tail) return { response: afterPrompt(query, normalQuery, tail.queryStart, normalPrompt, tail.promptStart), match: 'truncated' };
  const marker = lastAssistantMarkerEnd(query);
  if (marker !== undefined) return { response: query.slice(marker), match: 'assistant_marker' };
  return undefined;
}

/** A string with the whitespace next to special tokens left out, and where each kept run came from. */
interface Normalised {
  text: string;
  /** Kept runs, in order: `text.slice(at, at + (sourceEnd - sourceStart))` is `source.slice(sourceStart, sourceEnd)`. */
  runs: Array<{ at: number; sourceStart: number; sourceEnd: number }>;
  /** The source's length. */
  length: number;
}

function normalise(source: string): Normalised {
  const dropped: Array<[number, number]> = [];
  for (const token of source.matchAll(SPECIAL_TOKEN)) {
    let before = token.index;
    while (before > 0 && isWhitespace(source[before - 1]!)) before--;
    let after = token.index + token[0].length;
    const tokenEnd = after;
    while (after < source.length && isWhitespace(source[after]!)) after++;
    if (before < token.index) dropped.push([before, token.index]);
    if (after > tokenEnd) dropped.push([tokenEnd, after]);
  }
  const runs: Normalised['runs'] = [];
  const parts: string[] = [];
  let at = 0;
  let cursor = 0;
  const keep = (end: number) => {
    if (end <= cursor) return;
    runs.push({ at, sourceStart: cursor, sourceEnd: end });
    parts.push(source.slice(cursor, end));
    at += end - cursor;
  };
  for (const [start, end] of dropped) {
    keep(start);
    cursor = Math.max(cursor, end);
  }
  keep(source.length);
  return { text: parts.join(''), runs, length: source.length };
}

/** Where `text[index]` of a normalised string was in its source. */
function sourceIndex(normal: Normalised, index: number): number {
  let low = 0;
  let high = normal.runs.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (normal.runs[middle]!.at <= index) low = middle;
    else high = middle - 1;
  }
  const run = normal.runs[low]!;
  return run.sourceStart + (index - run.at);
}

const WHITESPACE = /\s/;

function isWhitespace(char: string): boolean {
  return WHITESPACE.test(char);
}

/** The longest tail of the prompt the query starts with (leading whitespace of the query aside), if long enough. */
function longestPromptTail(query: Normalised, prompt: Normalised): { queryStart: number; promptStart: number } | undefined {
  const queryStart = query.text.search(/\S/);
  if (queryStart < 0) return undefined;
  const probe = query.text.slice(queryStart, queryStart + MIN_TAIL_CHARS);
  if (probe.length < MIN_TAIL_CHARS) return undefined;
  let tried = 0;
  // the earliest start in the prompt is the longest tail; start 0 would be the whole prompt (already tried)
  for (
    let start = prompt.text.indexOf(probe, 1);
    start !== -1 && tried < MAX_TAIL_CANDIDATES;
    start = prompt.text.indexOf(probe, start + 1), tried++
  ) {
    if (query.text.startsWith(prompt.text.slice(start), queryStart)) return { queryStart, promptStart: start };
  }
  return undefined;
}

/**
 * The query text after the matched prompt. Whitespace the prompt ends with next to a special token (Llama-3's
 * `<|end_header_id|>\n\n`) was left out of the comparison; as much of it is skipped at the start of the response.
 */
function afterPrompt(query: string, normalQuery: Normalised, queryStart: number, normalPrompt: Normalised, promptStart: number): string {
  const matched = normalPrompt.text.length - promptStart;
  const end = sourceIndex(normalQuery, queryStart + matched - 1) + 1;
  const promptTrailing = normalPrompt.length - (sourceIndex(normalPrompt, normalPrompt.text.length - 1) + 1);
  let skip = 0;
  while (skip < promptTrailing && end + skip < query.length && isWhitespace(query[end + skip]!)) skip++;
  return query.slice(end + skip);
}

function lastAssistantMarkerEnd(query: string): number | undefined {
  let best: number | undefined;
  for (const { pattern } of ASSISTANT_MARKERS) {
    for (const match of query.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (best === undefined || end > best) best = end;
    }
  }
  return best;
}
