/**
 * Finds the verdict object in a judge's reply, defensively: reasoning blocks (<think>…</think>) are
 * dropped; the whole reply, the last ```json fence, or the last balanced {…} is tried; JSON that is
 * almost right (trailing commas, comments, single quotes, cut off at the end) is repaired by jsonrepair.
 * Returns an explicit failure with the reason — never a guessed verdict.
 */
import { jsonrepair } from 'jsonrepair';

export type ParsedJudgeJson = { ok: true; value: Record<string, unknown>; repaired: boolean } | { ok: false; error: string };

export function parseJudgeJson(reply: string): ParsedJudgeJson {
  const text = stripReasoning(reply).trim();
  if (text === '') return { ok: false, error: 'judge reply is empty' };
  for (const candidate of candidates(text)) {
    const parsed = parseObject(candidate);
    if (parsed) return parsed;
  }
  return { ok: false, error: `no JSON object found in judge reply: ${JSON.stringify(text.slice(0, 120))}` };
}

function stripReasoning(text: string): string {
  const closed = text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, '');
  // An unclosed reasoning block means the reply was cut off while still thinking: nothing to parse.
  return /<(think|thinking|reasoning)>/i.test(closed) ? closed.replace(/<(think|thinking|reasoning)>[\s\S]*$/i, '') : closed;
}

function* candidates(text: string): Generator<string> {
  yield text;
  const fences = [...text.matchAll(/```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/g)].map((match) => match[1] ?? '');
  for (const fence of fences.reverse()) if (fence.includes('{')) yield fence.trim();
  const objects = balancedObjects(text);
  for (const object of objects.reverse()) yield object;
  const firstBrace = text.indexOf('{');
  if (firstBrace >= 0) yield text.slice(firstBrace); // an object cut off at the end: let jsonrepair close it
}

/** Top-level balanced {...} spans, string-aware, in order of appearance. */
function balancedObjects(text: string): string[] {
  const spans: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"' && depth > 0) inString = true;
    else if (char === '{') {
      if (depth === 0) start = index;
      depth++;
    } else if (char === '}' && depth > 0) {
      depth--;
      if (depth === 0) spans.push(text.slice(start, index + 1));
    }
  }
  return spans;
}

function parseObject(candidate: string): ParsedJudgeJson | null {
  const direct = tryJson(candidate);
  if (isObject(direct)) return { ok: true, value: direct, repaired: false };
  if (!candidate.trimStart().startsWith('{')) return null; // repair only what is clearly meant as an object
  try {
    const repaired = JSON.parse(jsonrepair(candidate)) as unknown;
    if (isObject(repaired)) return { ok: true, value: repaired, repaired: true };
  } catch {
    // not repairable: try the next candidate
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
