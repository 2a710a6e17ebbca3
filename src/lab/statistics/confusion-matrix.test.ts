/** Confusion matrix against scikit-learn's confusion_matrix documentation examples. */
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix.js';

describe('confusionMatrix', () => {
  it('scikit-learn docs: y_true = [2, 0, 2, 2, 0, 1], y_pred = [0, 0, 2, 2, 0, 2] → [[2,0,0],[0,0,1],[1,0,2]]', () => {
    const result = confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
    expect(result.labels).toEqual([0, 1, 2]);
    expect(result.matrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(result.total).toBe(6);
  });

  it('scikit-learn docs: string labels with labels = ["ant", "bird", "cat"] → [[2,0,0],[0,0,1],[1,0,2]]', () => {
    const actual = ['cat', 'ant', 'cat', 'cat', 'ant', 'bird'];
    const predicted = ['ant', 'ant', 'cat', 'cat', 'ant', 'cat'];
    expect(confusionMatrix(actual, predicted, { labels: ['ant', 'bird', 'cat'] }).matrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    // Inferred labels come out in the same (sorted) order.
    expect(confusionMatrix(actual, predicted).labels).toEqual(['ant', 'bird', 'cat']);
  });

  it('orders inferred mixed labels numbers-first and counts missing and unlisted items', () => {
    const result = confusionMatrix([2, 'x', 1, null, 3], [1, 'x', 1, 2, 3], { labels: [1, 2, 'x'] });
    expect(result.labels).toEqual([1, 2, 'x']);
    expect(result.matrix).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(result).toMatchObject({ total: 3, missing: 1, unlisted: 1 });
    expect(confusionMatrix(['b', 10, 'a', 2], ['b', 10, 'a', 2]).labels).toEqual([2, 10, 'a', 'b']);
  });

  it('is an empty matrix for no complete items', () => {
    expect(confusionMatrix([null], [null])).toEqual({ labels: [], matrix: [], total: 0, missing: 1, unlisted: 0 });
  });
});
