/**
 * Finds the verdict object in a judge's reply, defensively: reasoning blocks (<think>…</think>) are
 * dropped; the whole reply, then fenced blocks, then complete {…} objects in the prose (last first), then
 * an object cut off at the end are tried; almost-JSON (trailing commas, comments, single quotes,
 * truncation) is repaired by jsonrepair. Only braces that open a JSON-looking object (`{"`, `{'`, `{}`)
 * count, so prose such as "use {curly braces}" is not mistaken for a verdict.
 * Returns candidates in order of preference so the caller can take the first that reads as a verdict,
 * and an explicit failure with the reason — never a guessed verdict.
 */
import { jsonrepair } from 'jsonrepair';

export type ParsedJudgeJson = { ok: true; value: Record<string, unknown>; repaired: boolean } | { ok: false; error: string };

export interface JsonCandidate {
  value: Record<string, unknown>;
  repaired: boolean;
}

/** The most likely verdict object in the reply, or why there is none. */
export function parseJudgeJson(reply: string): ParsedJudgeJson {
  const found = judgeJsonCandidates(reply);
  if (!found.ok) return found;
  const first = found.candidates[0]!;
  return { ok: true, value: first.value, repaired: first.repaired };
}

/** Every object the reply could mean, most likely first (at least one when ok). */
export function judgeJsonCandidates(reply: string): { ok: true; candidates: JsonCandidate[] } | { ok: false; error: string } {
  const text = stripReasoning(reply).trim();
  if (text === '') return { ok: false, error: 'judge reply is empty' };
  const whole = tryJson(text);
  if (whole !== undefined && !isObject(whole))
    return { ok: false, error: `expected a JSON object in the judge reply, got ${kindOf(whole)}` };

  const candidates: JsonCandidate[] = [];
  const seen = new Set<string>();
  const add = (source: string, allowRepair: boolean) => {
    const key = source.trim();
    if (seen.has(key)) return;
    seen.add(key);
    const parsed = parseObject(key, allowRepair);
    if (parsed) candidates.push(parsed);
  };

  if (isObject(whole)) add(text, false);
  const fences = [...text.matchAll(/```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/g)].map((match) => (match[1] ?? '').trim());
  for (const fence of fences.reverse()) {
    const value = tryJson(fence);
    if (value !== undefined && !isObject(value))
      return { ok: false, error: `expected a JSON object in the judge reply, got ${kindOf(value)}` };
    if (fence.startsWith('{')) add(fence, true);
  }
  const { complete, truncated } = scanObjects(text);
  for (const object of complete.reverse()) add(object, true);
  for (const tail of truncated) add(tail, true);
  if (candidates.length === 0) return { ok: false, error: `no JSON object found in judge reply: ${JSON.stringify(text.slice(0, 120))}` };
  return { ok: true, candidates };
}

function stripReasoning(text: string): string {
  const closed = text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, '');
  // An unclosed reasoning block means the reply was cut off while still thinking: nothing after it counts.
  return closed.replace(/<(think|thinking|reasoning)>[\s\S]*$/i, '');
}

/** A brace that opens something shaped like a JSON object: a quoted or bare `key:`, a comment, or `}`. */
const OBJECT_START = /\{(?=\s*(?:["'}]|\/[/*]|[A-Za-z_$][\w$]*\s*:))/g;

/**
 * Complete objects not nested inside another complete object (in order), and for each JSON-looking
 * brace that never closes, the text from it to the end (outermost first) — a reply cut off mid-object.
 */
function scanObjects(text: string): { complete: string[]; truncated: string[] } {
  const complete: string[] = [];
  const truncated: string[] = [];
  let coveredUntil = -1;
  for (const match of text.matchAll(OBJECT_START)) {
    const start = match.index;
    if (start < coveredUntil) continue;
    const end = balancedEnd(text, start);
    if (end === -1) {
      truncated.push(text.slice(start));
    } else {
      complete.push(text.slice(start, end + 1));
      coveredUntil = end + 1;
    }
  }
  return { complete, truncated };
}

/** Index of the brace closing the object opened at `start`, string-aware; -1 when it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  let escaped = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return -1;
}

function parseObject(candidate: string, allowRepair: boolean): JsonCandidate | null {
  const direct = tryJson(candidate);
  if (isObject(direct)) return { value: direct, repaired: false };
  if (!allowRepair || !candidate.startsWith('{')) return null;
  try {
    const repaired = JSON.parse(jsonrepair(candidate)) as unknown;
    if (isObject(repaired)) return { value: repaired, repaired: true };
  } catch {
    // not repairable: the next candidate may be
  }
  return null;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
