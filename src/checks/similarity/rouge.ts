/**
 * `rouge_1` … `rouge_5` and `rouge_l`: the F-measure of Google's rouge-score `RougeScorer([...],
 * use_stemmer=False).score(reference, hypothesis)`. Its tokenizer lowercases, turns every run of characters other
 * than ASCII letters and digits into a space and splits there, so accented letters and CJK text are dropped (a
 * text in those scripts alone has no token and scores 0).
 */
import { lcsLength } from './lcs.js';
import { countNgrams, overlapCount, totalCount } from './ngram-counts.js';

/** rouge-score's default tokenizer without stemming: lowercase ASCII alphanumeric runs. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token !== '');
}

function fMeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** ROUGE-N F-measure on n-grams of order `n` (precision and recall are 0 when a side has no n-gram). */
export function rougeN(hypothesis: string, reference: string, n: number): number {
  const hypothesisNgrams = countNgrams(rougeTokens(hypothesis), n);
  const referenceNgrams = countNgrams(rougeTokens(reference), n);
  const overlap = overlapCount(referenceNgrams, hypothesisNgrams);
  const precision = overlap / Math.max(totalCount(hypothesisNgrams), 1);
  const recall = overlap / Math.max(totalCount(referenceNgrams), 1);
  return fMeasure(precision, recall);
}

/** ROUGE-L F-measure: longest common token subsequence over each side's length; 0 if a side has no token. */
export function rougeL(hypothesis: string, reference: string): number {
  const hypothesisTokens = rougeTokens(hypothesis);
  const referenceTokens = rougeTokens(reference);
  if (hypothesisTokens.length === 0 || referenceTokens.length === 0) return 0;
  const common = lcsLength(hypothesisTokens, referenceTokens);
  return fMeasure(common / hypothesisTokens.length, common / referenceTokens.length);
}
