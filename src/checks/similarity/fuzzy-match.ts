/**
 * `fuzzy_match`: rapidfuzz's `fuzz` ratios (3.x, no processor: case, accents and punctuation count), as fractions
 * in [0, 1] instead of percentages. Strings are compared by Unicode code point, as Python does, so an emoji is one
 * character. `partial_ratio` is not offered: rapidfuzz switches to a heuristic alignment for needles over 64
 * characters, which a re-implementation would have to reproduce bug for bug.
 */
import { lcsLength } from './lcs.js';
import { whitespaceTokens } from './tokenize.js';

export const FUZZY_SCORERS = ['ratio', 'token_sort_ratio', 'token_set_ratio'] as const;
export type FuzzyScorer = (typeof FUZZY_SCORERS)[number];

function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Python's string order (by code point); the default JS sort compares UTF-16 units and differs above U+FFFF. */
function byCodePoint(a: string, b: string): number {
  const left = codePoints(a);
  const right = codePoints(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** Normalized Indel similarity from a distance: 1 − distance / (sum of lengths); 1 when both are empty. */
function indelSimilarity(distance: number, lengthSum: number): number {
  return lengthSum === 0 ? 1 : 1 - distance / lengthSum;
}

/** Indel distance (insertions and deletions only) between two code point sequences. */
function indelDistance(a: readonly string[], b: readonly string[]): number {
  return a.length + b.length - 2 * lcsLength(a, b);
}

/** `fuzz.ratio / 100`: 1 − Indel distance / total length. `ratio('', '')` is 1. */
export function fuzzyRatio(hypothesis: string, reference: string): number {
  const a = codePoints(hypothesis);
  const b = codePoints(reference);
  return indelSimilarity(indelDistance(a, b), a.length + b.length);
}

/** `fuzz.token_sort_ratio / 100`: the ratio of the whitespace tokens sorted and joined by one space. */
export function tokenSortRatio(hypothesis: string, reference: string): number {
  const sorted = (text: string) => whitespaceTokens(text).sort(byCodePoint).join(' ');
  return fuzzyRatio(sorted(hypothesis), sorted(reference));
}

/**
 * `fuzz.token_set_ratio / 100`. With the distinct tokens of each side split into the common part and each side's
 * own part: 0 when a side has no token, 1 when one token set contains the other (and they share a token), else
 * the best of three ratios: own parts against each other, and the common part against the common part plus each
 * side's own part. (Unlike `ratio`, two empty texts score 0, as in rapidfuzz.)
 */
export function tokenSetRatio(hypothesis: string, reference: string): number {
  const tokensA = new Set(whitespaceTokens(hypothesis));
  const tokensB = new Set(whitespaceTokens(reference));
  if (tokensA.size === 0 || tokensB.size === 0) return 0;
  const common = [...tokensA].filter((token) => tokensB.has(token));
  const onlyA = [...tokensA].filter((token) => !tokensB.has(token)).sort(byCodePoint);
  const onlyB = [...tokensB].filter((token) => !tokensA.has(token)).sort(byCodePoint);
  if (common.length > 0 && (onlyA.length === 0 || onlyB.length === 0)) return 1;

  const joinedA = codePoints(onlyA.join(' '));
  const joinedB = codePoints(onlyB.join(' '));
  const commonLength = codePoints(common.join(' ')).length;
  const separator = commonLength > 0 ? 1 : 0;
  // "common + ' ' + own part" for each side, as lengths only: those strings differ from `common` by the suffix.
  const commonPlusA = commonLength + separator + joinedA.length;
  const commonPlusB = commonLength + separator + joinedB.length;
  const ownParts = indelSimilarity(indelDistance(joinedA, joinedB), commonPlusA + commonPlusB);
  if (commonLength === 0) return ownParts;
  const commonVsA = indelSimilarity(separator + joinedA.length, commonLength + commonPlusA);
  const commonVsB = indelSimilarity(separator + joinedB.length, commonLength + commonPlusB);
  return Math.max(ownParts, commonVsA, commonVsB);
}

const SCORERS: Record<FuzzyScorer, (hypothesis: string, reference: string) => number> = {
  ratio: fuzzyRatio,
  token_sort_ratio: tokenSortRatio,
  token_set_ratio: tokenSetRatio,
};

/** The `fuzzy_match` metric with the chosen rapidfuzz scorer (default `ratio`). */
export function fuzzyMatch(hypothesis: string, reference: string, scorer: FuzzyScorer = 'ratio'): number {
  return SCORERS[scorer](hypothesis, reference);
}
