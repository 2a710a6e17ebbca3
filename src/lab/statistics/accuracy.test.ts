/** Accuracy against scikit-learn's accuracy_score documentation example. */
import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';

describe('accuracy', () => {
  it('scikit-learn accuracy_score docs: y_true = [0, 1, 2, 3], y_pred = [0, 2, 1, 3] → 0.5', () => {
    expect(accuracy([0, 1, 2, 3], [0, 2, 1, 3]).value).toBe(0.5);
  });

  it('skips items missing either label and is undefined when none remain', () => {
    expect(accuracy(['pass', null, 'fail', 'pass'], ['pass', 'fail', 'pass', null]).value).toBe(0.5);
    expect(accuracy([null], ['pass'])).toEqual({ value: null, reason: 'no item has both a reference label and a prediction' });
  });
});
