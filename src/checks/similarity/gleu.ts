/**
 * `gleu`: Google-BLEU as nltk's `sentence_gleu([reference_tokens], hypothesis_tokens)` computes it (n-grams of
 * orders 1 to 4, tokens from `whitespaceTokens`): matching n-grams / max(n-grams in hypothesis, n-grams in
 * reference), i.e. the smaller of precision and recall. 0 when both texts have no token.
 */
import { countNgrams, overlapCount, totalCount } from './ngram-counts.js';
import { whitespaceTokens } from './tokenize.js';

const MIN_ORDER = 1;
const MAX_ORDER = 4;

function allNgrams(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let order = MIN_ORDER; order <= MAX_ORDER; order++) countNgrams(tokens, order, counts);
  return counts;
}

/** nltk `sentence_gleu([reference.split()], hypothesis.split())`, in [0, 1]. */
export function sentenceGleu(hypothesis: string, reference: string): number {
  const hypothesisNgrams = allNgrams(whitespaceTokens(hypothesis));
  const referenceNgrams = allNgrams(whitespaceTokens(reference));
  const all = Math.max(totalCount(hypothesisNgrams), totalCount(referenceNgrams));
  return all === 0 ? 0 : overlapCount(hypothesisNgrams, referenceNgrams) / all;
}
