/**
 * Verdicts written as text, not as a JSON object: the pure extraction of a `verdict: {format: …}` from a judge's
 * reply, following the published judges' own rules, under the no-guess rule (no match, or two matches that disagree,
 * is a parse error; the same verdict written twice is that verdict).
 *
 * - `rating`: FastChat llm_judge (fastchat/llm_judge/common.py, run_judge_single): `\[\[(\d+\.?\d*)\]\]`, and only
 *   when that never matches the backup `\[(\d+\.?\d*)\]`. FastChat takes the first match; here every match of the
 *   pattern that counts must give the same number.
 * - `pairwise`: FastChat run_judge_pair tests the substrings `[[A]]`, `[[B]]`, `[[C]]` (C = tie) in that order;
 *   Arena-Hard (arena-hard-auto v0.1 gen_judgment.py get_score) finds `\[\[([AB<>=]+)\]\]` and keeps the verdict only
 *   when the distinct matches are exactly one — several distinct matches are no verdict. Both kinds are read here; two
 *   distinct verdicts are a parse error (where FastChat would pick the first of A, B, C).
 * - `choice`: autoevals (LLMClassifier) scores the chosen label through `choice_scores`, exactly (trimmed, case-sensitive);
 *   an unknown label is an error. As text, the label must stand alone on the reply's last non-empty line (the line the
 *   prompt asks for); two different labels there are a parse error.
 * - `regex`: the user's pattern with a named group (default `verdict`); every match must give the same group value.
 */

import type { VerdictReading } from './judge.js';

export const PAIRWISE_VERDICTS = ['A', 'B', 'C', 'A>>B', 'A>B', 'A=B', 'B>A', 'B>>A'] as const;
export type PairwiseVerdict = (typeof PAIRWISE_VERDICTS)[number];

/** Score of answer A for each pairwise verdict (answer B gets 1 − it); a judge's `scores` overrides any of them. */
export const DEFAULT_PAIRWISE_SCORES: Readonly<Record<PairwiseVerdict, number>> = {
  A: 1,
  B: 0,
  C: 0.5,
  'A>>B': 1,
  'A>B': 0.75,
  'A=B': 0.5,
  'B>A': 0.25,
  'B>>A': 0,
};

/** MT-Bench's single-answer rating pattern and its backup (FastChat one_score_pattern / one_score_pattern_backup). */
export const MT_BENCH_RATING_PATTERNS = [String.raw`\[\[(\d+\.?\d*)\]\]`, String.raw`\[(\d+\.?\d*)\]`] as const;

export type TextVerdictFormat =
  | { format: 'choice'; choices: Record<string, number> }
  | { format: 'rating'; pattern?: string | undefined; scale: readonly [number, number] }
  | { format: 'pairwise'; scores?: Partial<Record<PairwiseVerdict, number>> | undefined }
  | {
      format: 'regex';
      pattern: string;
      group: string;
      scores?: Record<string, number> | undefined;
      scale?: readonly [number, number] | undefined;
    };

/** A verdict read from text: `label` as the judge wrote it, `score` in [0, 1] (pairwise: the score of answer A). */
export interface TextVerdict {
  label: string;
  score: number;
  /** The number read (rating, or regex with a scale). */
  value?: number;
}

export type Extraction<T> = { ok: true; verdict: T } | { ok: false; kind: 'parse_error' | 'out_of_scale'; message: string };

const fail = (message: string, kind: 'parse_error' | 'out_of_scale' = 'parse_error'): Extraction<never> => ({ ok: false, kind, message });

/** The one distinct value among `found`, or a parse error naming what was (not) found. */
function single(found: readonly string[], what: string, plural = `${what}s`): Extraction<string> {
  const distinct = [...new Set(found)];
  if (distinct.length === 0) return fail(`no ${what} found in the reply`);
  if (distinct.length > 1) return fail(`conflicting ${plural} in the reply: ${distinct.map((value) => JSON.stringify(value)).join(', ')}`);
  return { ok: true, verdict: distinct[0]! };
}

/** Group 1 (or the named group) of every match of `pattern`. */
function matchesOf(text: string, pattern: string, group?: string): string[] {
  const regex = new RegExp(pattern, 'gu');
  return [...text.matchAll(regex)]
    .map((match) => (group === undefined ? match[1] : match.groups?.[group]))
    .filter((value): value is string => value !== undefined && value !== '');
}

function normalise(value: number, [low, high]: readonly [number, number]): Extraction<number> {
  if (value < low || value > high) return fail(`rating ${value} outside the scale [${low}, ${high}]`, 'out_of_scale');
  return { ok: true, verdict: (value - low) / (high - low) };
}

export function extractRating(text: string, pattern: string | undefined, scale: readonly [number, number]): Extraction<TextVerdict> {
  const patterns = pattern === undefined ? MT_BENCH_RATING_PATTERNS : [pattern];
  // the backup pattern counts only when the main one never matches (FastChat)
  const found = patterns.map((each) => matchesOf(text, each)).find((list) => list.length > 0) ?? [];
  const picked = single(
    found.map((value) => String(Number(value))),
    'rating',
  );
  if (!picked.ok) return picked;
  const value = Number(picked.verdict);
  if (!Number.isFinite(value)) return fail(`rating ${JSON.stringify(picked.verdict)} is not a number`);
  const score = normalise(value, scale);
  return score.ok ? { ok: true, verdict: { label: picked.verdict, score: score.verdict, value } } : score;
}

const PAIRWISE_PATTERN = /\[\[([ABC]|[AB<>=]+)\]\]/gu;

export function extractPairwise(text: string, scores: Partial<Record<PairwiseVerdict, number>> = {}): Extraction<TextVerdict> {
  const found = [...text.matchAll(PAIRWISE_PATTERN)].map((match) => match[1]!);
  const picked = single(found, 'pairwise verdict');
  if (!picked.ok) return picked;
  const label = picked.verdict;
  if (!(PAIRWISE_VERDICTS as readonly string[]).includes(label)) {
    return fail(`unknown pairwise verdict [[${label}]]; expected one of ${PAIRWISE_VERDICTS.map((each) => `[[${each}]]`).join(', ')}`);
  }
  const key = label as PairwiseVerdict;
  return { ok: true, verdict: { label, score: scores[key] ?? DEFAULT_PAIRWISE_SCORES[key] } };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function extractChoice(text: string, choices: Record<string, number>): Extraction<TextVerdict> {
  const trimmed = text.trim();
  if (Object.hasOwn(choices, trimmed)) return { ok: true, verdict: { label: trimmed, score: choices[trimmed]! } };
  const lines = trimmed.split(/\r?\n/).filter((line) => line.trim() !== '');
  const last = lines.at(-1) ?? '';
  const found = Object.keys(choices).filter((label) =>
    new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegex(label)}(?![\\p{L}\\p{N}_])`, 'u').test(last),
  );
  const picked = single(found, 'choice');
  if (!picked.ok) {
    return fail(
      `${picked.message} (expected one of ${Object.keys(choices)
        .map((label) => JSON.stringify(label))
        .join(', ')} on the last line)`,
    );
  }
  return { ok: true, verdict: { label: picked.verdict, score: choices[picked.verdict]! } };
}

export function extractRegex(
  text: string,
  format: { pattern: string; group: string; scores?: Record<string, number> | undefined; scale?: readonly [number, number] | undefined },
): Extraction<TextVerdict> {
  const picked = single(
    matchesOf(text, format.pattern, format.group).map((value) => value.trim()),
    `match of group "${format.group}"`,
    `matches of group "${format.group}"`,
  );
  if (!picked.ok) return picked;
  const label = picked.verdict;
  if (format.scores) {
    if (!Object.hasOwn(format.scores, label))
      return fail(`unknown verdict ${JSON.stringify(label)}; expected one of ${Object.keys(format.scores).join(', ')}`);
    return { ok: true, verdict: { label, score: format.scores[label]! } };
  }
  const value = Number(label);
  if (label === '' || !Number.isFinite(value)) return fail(`group "${format.group}" matched ${JSON.stringify(label)}, not a number`);
  const score = normalise(value, format.scale ?? [0, 1]);
  return score.ok ? { ok: true, verdict: { label, score: score.verdict, value } } : score;
}

/** Reads a verdict of any text format. */
export function extractVerdict(text: string, format: TextVerdictFormat): Extraction<TextVerdict> {
  switch (format.format) {
    case 'rating':
      return extractRating(text, format.pattern, format.scale);
    case 'pairwise':
      return extractPairwise(text, format.scores);
    case 'choice':
      return extractChoice(text, format.choices);
    case 'regex':
      return extractRegex(text, format);
  }
}

/** `extractVerdict` as a judge's verdict reading (judge.ts runPrompt `{ fromText }`): a failure keeps its kind. */
export function readTextVerdict(text: string, format: TextVerdictFormat): VerdictReading<TextVerdict> {
  const extracted = extractVerdict(text, format);
  return extracted.ok ? extracted : { ok: false, error: { kind: extracted.kind, message: extracted.message } };
}

/** What a template's `{{output_format}}` says for a text verdict. */
export function describeTextFormat(format: TextVerdictFormat): string {
  switch (format.format) {
    case 'rating':
      return format.pattern === undefined
        ? `After your explanation, give your rating from ${format.scale[0]} to ${format.scale[1]} in exactly this format: "Rating: [[N]]", for example "Rating: [[${format.scale[1]}]]".`
        : `After your explanation, give your rating from ${format.scale[0]} to ${format.scale[1]}.`;
    case 'pairwise':
      return 'After your explanation, give your final verdict in exactly this format: "[[A]]" if answer A is better, "[[B]]" if answer B is better, "[[C]]" for a tie.';
    case 'choice':
      return `After your explanation, write on the last line only one of: ${Object.keys(format.choices).join(', ')}.`;
    case 'regex':
      return '';
  }
}
