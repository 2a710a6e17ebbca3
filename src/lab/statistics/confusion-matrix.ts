/**
 * Confusion matrix of predicted against actual labels, rows = actual, columns = predicted (scikit-learn's
 * convention), over labels given or inferred in a stable order.
 */
import { categoryPositions, completePairs, inferCategories, type PresentRating } from './ratings.js';
import type { Rating } from './types.js';

export interface ConfusionMatrix {
  /** Row / column labels, in order. */
  labels: PresentRating[];
  /** matrix[i][j] = items whose actual label is labels[i] and predicted label is labels[j]. */
  matrix: number[][];
  /** Items counted in the matrix. */
  total: number;
  /** Items skipped because either label was missing. */
  missing: number;
  /** Complete items skipped because a label was not among the given `labels`. */
  unlisted: number;
}

/**
 * Counts actual/predicted label pairs. Without `labels`, the labels are every label seen in either
 * array, numbers ascending then strings in code-unit order (scikit-learn's sorted order).
 */
export function confusionMatrix(
  actual: readonly Rating[],
  predicted: readonly Rating[],
  options: { labels?: readonly Rating[] } = {},
): ConfusionMatrix {
  const pairs = completePairs(actual, predicted);
  const labels = options.labels !== undefined ? [...categoryPositions(options.labels).keys()] : inferCategories([...pairs.x, ...pairs.y]);
  const index = new Map(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  let total = 0;
  let unlisted = 0;
  for (let i = 0; i < pairs.x.length; i += 1) {
    const row = index.get(pairs.x[i]!);
    const col = index.get(pairs.y[i]!);
    if (row === undefined || col === undefined) {
      unlisted += 1;
      continue;
    }
    matrix[row]![col]! += 1;
    total += 1;
  }
  return { labels, matrix, total, missing: actual.length - pairs.x.length, unlisted };
}
