/**
 * `bleu`: sentence BLEU as sacrebleu's `sentence_bleu(hypothesis, [reference])` computes it with its defaults
 * (tokenizer 13a, no lowercasing, exponential smoothing, effective order, n-grams up to 4), divided by 100.
 */
import { countNgrams, overlapCount, totalCount } from './ngram-counts.js';
import { trimEndPython, whitespaceTokens } from './tokenize.js';

const MAX_ORDER = 4;

/** The 13a tokenizer (mteval-v13a): unescape a few entities, split off ASCII punctuation, keep 1,000.5 whole. */
export function tokenize13a(text: string): string[] {
  let line = text
    .replace(/<skipped>/g, '')
    .replace(/-\n/g, '')
    .replace(/\n/g, ' ');
  if (line.includes('&')) {
    line = line
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  }
  line = ` ${line} `
    // ASCII symbols other than the period, comma, hyphen, apostrophe and digits/letters become their own token.
    .replace(/([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/g, ' $1 ')
    // a period or comma splits off unless it sits between digits
    .replace(/([^0-9])([.,])/g, '$1 $2 ')
    .replace(/([.,])([^0-9])/g, ' $1 $2')
    // a hyphen after a digit splits off
    .replace(/([0-9])(-)/g, '$1 $2 ');
  return whitespaceTokens(line);
}

function ngramCounts(tokens: readonly string[]): Map<string, number>[] {
  return Array.from({ length: MAX_ORDER }, (_, index) => countNgrams(tokens, index + 1));
}

/** sacrebleu `sentence_bleu(hypothesis, [reference]).score / 100`, in [0, 1]. */
export function sentenceBleu(hypothesis: string, reference: string): number {
  const hypothesisTokens = tokenize13a(trimEndPython(hypothesis));
  const referenceTokens = tokenize13a(trimEndPython(reference));
  const hypothesisNgrams = ngramCounts(hypothesisTokens);
  const referenceNgrams = ngramCounts(referenceTokens);
  const matches = hypothesisNgrams.map((counts, order) => overlapCount(counts, referenceNgrams[order]!));
  const totals = hypothesisNgrams.map(totalCount);
  if (matches.every((count) => count === 0)) return 0;

  const hypothesisLength = hypothesisTokens.length;
  const referenceLength = referenceTokens.length;
  const brevityPenalty = hypothesisLength < referenceLength ? Math.exp(1 - referenceLength / hypothesisLength) : 1;

  // Exponential smoothing: the k-th order without a match gets precision 1 / (2^k · total). Orders stop at the
  // first one with no n-gram at all in the hypothesis (the effective order).
  let logSum = 0;
  let effectiveOrder = 0;
  let smoothing = 1;
  for (let order = 0; order < MAX_ORDER; order++) {
    const total = totals[order]!;
    if (total === 0) break;
    effectiveOrder = order + 1;
    let precision: number;
    if (matches[order] === 0) {
      smoothing *= 2;
      precision = 1 / (smoothing * total);
    } else {
      precision = matches[order]! / total;
    }
    logSum += Math.log(precision);
  }
  return Math.min(1, brevityPenalty * Math.exp(logSum / effectiveOrder));
}
