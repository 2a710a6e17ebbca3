/** Pearson's r against the scipy.stats.pearsonr documentation example, plus degenerate inputs. */
import { describe, expect, it } from 'vitest';
import { pearson } from './pearson.js';

describe('pearson', () => {
  it('scipy.stats.pearsonr docs: x = [1..7], y = [10, 9, 2.5, 6, 4, 3, 2] → −0.828503883588428', () => {
    expect(pearson([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2]).value).toBeCloseTo(-0.828503883588428, 13);
  });

  it('is exactly ±1 for exact linear relations and symmetric in its arguments', () => {
    expect(pearson([1, 2, 3], [2, 4, 6]).value).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3], [3, 2, 1]).value).toBeCloseTo(-1, 15);
    const x = [1, 5, 2, 8, 3];
    const y = [2, 3, 1, 9, 4];
    expect(pearson(x, y).value).toBe(pearson(y, x).value);
  });

  it('drops incomplete pairs', () => {
    expect(pearson([1, 2, null, 3, 9], [2, 4, 100, 6, null]).value).toBeCloseTo(1, 15);
  });

  it('is undefined, with a reason, for constant raters and tiny inputs', () => {
    expect(pearson([1, 2, 3], [5, 5, 5])).toEqual({ value: null, reason: 'the second rater is constant: no variance' });
    expect(pearson([4, 4], [1, 2])).toEqual({ value: null, reason: 'the first rater is constant: no variance' });
    expect(pearson([1], [1])).toEqual({ value: null, reason: 'fewer than 2 complete pairs (1)' });
    expect(pearson([], []).value).toBeNull();
  });

  it('needs numbers, or a category order for labels', () => {
    expect((pearson(['a', 'b'], [1, 2]) as { reason: string }).reason).toMatch(/not a number/);
    // The scale applies to both raters: labels become positions 0, 1, 2.
    expect(pearson(['low', 'high', 'mid'], ['low', 'high', 'high'], { categories: ['low', 'mid', 'high'] }).value).toBeCloseTo(
      0.8660254037844387,
      15,
    );
    expect((pearson(['low'], [1], { categories: ['low'] }) as { reason: string }).reason).toBe(
      'rating 1 is not one of the given categories',
    );
  });
});
