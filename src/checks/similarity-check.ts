/**
 * `similarity` check: OpenAI's text_similarity metrics computed locally — fuzzy_match, bleu, gleu, meteor,
 * rouge_1 … rouge_5, rouge_l — between the response (or a field) and the reference. The score is the metric value
 * in [0, 1]. Without a reference text (missing or blank in the row) it is undetermined and marked no_reference.
 * The metrics themselves, each checked against its Python reference library, live in `similarity/`.
 */
import type { z } from 'zod';
import type { SimilarityCheckSchema } from '../spec/schema.js';
import { NO_REFERENCE } from '../result.js';
import { selectedText, type Check } from './check.js';
import { fuzzyMatch } from './similarity/fuzzy-match.js';
import { SIMILARITY_METRIC_FUNCTIONS, type SimilarityMetricFunction } from './similarity/metrics.js';

type SimilarityCheckSpec = z.output<typeof SimilarityCheckSchema>;

function metricFunction(spec: SimilarityCheckSpec): SimilarityMetricFunction {
  if (spec.metric === 'fuzzy_match' && spec.scorer) {
    const scorer = spec.scorer;
    return (hypothesis, reference) => fuzzyMatch(hypothesis, reference, scorer);
  }
  return SIMILARITY_METRIC_FUNCTIONS[spec.metric];
}

export function similarityCheck(spec: SimilarityCheckSpec): Check {
  const score = metricFunction(spec);
  const metric = spec.metric === 'fuzzy_match' && spec.scorer ? `fuzzy_match (${spec.scorer})` : spec.metric;
  return (context) => {
    const reference = selectedText(context, spec.reference);
    if (reference.trim() === '') {
      const message = `no reference text: ${spec.reference} is missing or empty in this row`;
      return { score: null, message, details: { [NO_REFERENCE]: true, missing: spec.reference } };
    }
    const value = score(selectedText(context, spec.field), reference);
    return { score: value, message: `${metric} ${value.toFixed(4)}`, details: { metric, value } };
  };
}
