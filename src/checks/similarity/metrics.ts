/**
 * The similarity metrics by name, as the `similarity` check's `metric` field spells them (OpenAI's
 * text_similarity grader names), each a pure `(hypothesis, reference) => number` in [0, 1].
 */
import { sentenceBleu } from './bleu.js';
import { fuzzyRatio } from './fuzzy-match.js';
import { sentenceGleu } from './gleu.js';
import { meteorScore } from './meteor.js';
import { rougeL, rougeN } from './rouge.js';

export type SimilarityMetricFunction = (hypothesis: string, reference: string) => number;

export const SIMILARITY_METRIC_FUNCTIONS = {
  fuzzy_match: fuzzyRatio,
  bleu: sentenceBleu,
  gleu: sentenceGleu,
  meteor: (hypothesis, reference) => meteorScore(hypothesis, reference),
  rouge_1: (hypothesis, reference) => rougeN(hypothesis, reference, 1),
  rouge_2: (hypothesis, reference) => rougeN(hypothesis, reference, 2),
  rouge_3: (hypothesis, reference) => rougeN(hypothesis, reference, 3),
  rouge_4: (hypothesis, reference) => rougeN(hypothesis, reference, 4),
  rouge_5: (hypothesis, reference) => rougeN(hypothesis, reference, 5),
  rouge_l: rougeL,
} satisfies Record<string, SimilarityMetricFunction>;

export type SimilarityMetric = keyof typeof SIMILARITY_METRIC_FUNCTIONS;
