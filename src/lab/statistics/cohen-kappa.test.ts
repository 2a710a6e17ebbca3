/**
 * Cohen's kappa (unweighted, linear, quadratic) against Wikipedia's worked examples, the SAS PROC FREQ
 * agreement printout and R irr::kappa2 values recorded in statsmodels' tests, plus hand-checked values.
 */
import { describe, expect, it } from 'vitest';
import { cohenKappa, cohenKappaFromTable } from './cohen-kappa.js';
import type { Rating } from './types.js';

/** Expands a two-rater contingency table (rows: rater A, columns: rater B) into paired arrays. */
function pairsFromTable(table: readonly (readonly number[])[], labels: readonly Rating[]): [Rating[], Rating[]] {
  const a: Rating[] = [];
  const b: Rating[] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let c = 0; c < count; c += 1) {
        a.push(labels[i]!);
        b.push(labels[j]!);
      }
    }),
  );
  return [a, b];
}

/** R irr `anxiety` data (raters 2 and 3 of 20 subjects, scores 1–6), transcribed in statsmodels' test_inter_rater.py. */
const ANXIETY_RATER2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
const ANXIETY_RATER3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];

describe('cohenKappa — published values', () => {
  it('Wikipedia "Cohen\'s kappa" 50-item yes/no example: p_o = 0.7, p_e = 0.5, κ = 0.4', () => {
    const [a, b] = pairsFromTable(
      [
        [20, 5],
        [10, 15],
      ],
      ['yes', 'no'],
    );
    expect(cohenKappa(a, b).value).toBeCloseTo(0.4, 15);
    expect(
      cohenKappaFromTable([
        [20, 5],
        [10, 15],
      ]).value,
    ).toBeCloseTo(0.4, 15);
  });

  it('Wikipedia "Same percentages but different numbers": κ = 0.1304 and κ = 0.2593', () => {
    // Exactly 3/23 and 7/27 (verified by hand: p_o = 0.60 / 0.60, p_e = 0.54 / 0.46).
    expect(
      cohenKappaFromTable([
        [45, 15],
        [25, 15],
      ]).value,
    ).toBeCloseTo(3 / 23, 15);
    expect(
      cohenKappaFromTable([
        [45, 15],
        [25, 15],
      ]).value,
    ).toBeCloseTo(0.1304, 4);
    expect(
      cohenKappaFromTable([
        [25, 35],
        [5, 35],
      ]).value,
    ).toBeCloseTo(7 / 27, 15);
    expect(
      cohenKappaFromTable([
        [25, 35],
        [5, 35],
      ]).value,
    ).toBeCloseTo(0.2593, 4);
  });

  it('SAS PROC FREQ agreement printout (statsmodels test_inter_rater.py table10): simple κ 0.4842, weighted κ 0.4701', () => {
    // SAS's default weighted kappa uses Cicchetti–Allison weights 1 − |i − j|/(k − 1), i.e. linear weights.
    const table = [
      [0, 4, 1],
      [0, 8, 0],
      [0, 1, 5],
    ];
    expect(cohenKappaFromTable(table).value).toBeCloseTo(0.4842, 4);
    expect(cohenKappaFromTable(table, 'linear').value).toBeCloseTo(0.4701, 4);
    // Exact fractions, by hand: 107/221 and 118/251; quadratic (not in the printout) 140/311.
    expect(cohenKappaFromTable(table).value).toBeCloseTo(107 / 221, 15);
    expect(cohenKappaFromTable(table, 'linear').value).toBeCloseTo(118 / 251, 15);
    expect(cohenKappaFromTable(table, 'quadratic').value).toBeCloseTo(140 / 311, 15);
    // The same through paired arrays with labelled categories.
    const [a, b] = pairsFromTable(table, ['low', 'mid', 'high']);
    expect(cohenKappa(a, b, { weights: 'linear', categories: ['low', 'mid', 'high'] }).value).toBeCloseTo(118 / 251, 15);
  });

  it('R irr::kappa2 on anxiety[, 2:3] (recorded in statsmodels test_cohens_kappa_irr): −0.006289308, equal 0.1459075, squared 0.2520325', () => {
    // irr builds its weights over the levels actually observed (1, 2, 3, 4, 6 — nobody used 5), so the
    // scale is passed explicitly as those levels to reproduce it.
    const observedLevels = [1, 2, 3, 4, 6];
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3).value).toBeCloseTo(-0.006289308, 9);
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3, { weights: 'linear', categories: observedLevels }).value).toBeCloseTo(0.1459075, 7);
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3, { weights: 'quadratic', categories: observedLevels }).value).toBeCloseTo(
      0.2520325,
      7,
    );
    // Exact: −1/159, 41/281, 31/123.
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3).value).toBeCloseTo(-1 / 159, 15);
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3, { weights: 'quadratic', categories: observedLevels }).value).toBeCloseTo(
      31 / 123,
      15,
    );
  });

  it('default weighted kappa uses the numeric values as coordinates (= the full 1–6 scale), unlike irr', () => {
    // Independent computation (exact fractions, Python): with coordinates 1..6, linear κ = 13/103,
    // quadratic κ = 91/396 — the same as passing the full scale.
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3, { weights: 'linear' }).value).toBeCloseTo(13 / 103, 15);
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3, { weights: 'quadratic' }).value).toBeCloseTo(91 / 396, 15);
    expect(cohenKappa(ANXIETY_RATER2, ANXIETY_RATER3, { weights: 'quadratic', categories: [1, 2, 3, 4, 5, 6] }).value).toBeCloseTo(
      91 / 396,
      15,
    );
  });
});

describe('cohenKappa — edge cases', () => {
  it('hand-checked 3-point example: x = [1,2,3,1], y = [1,3,3,2]', () => {
    // Table over 1..3: p_o = 2/4, row margins (2,1,1)/4, column margins (1,1,2)/4; p_e = (2·1 + 1·1 + 1·2)/16 = 5/16
    // → κ = (1/2 − 5/16)/(1 − 5/16) = 3/11. Linear: observed mean |x_i − y_i| = (0+1+0+1)/4 = 1/2; chance
    // mean over all 16 (x_i, y_j) of |x_i − y_j| = (5+3+3+5)/16 = 1 → κ_lin = 1 − (1/2)/1 = 1/2. Quadratic:
    // observed 1/2, chance (9+3+5+9)/16 = 26/16 → κ_quad = 1 − 8/26 = 9/13.
    const x = [1, 2, 3, 1];
    const y = [1, 3, 3, 2];
    expect(cohenKappa(x, y).value).toBeCloseTo(3 / 11, 15);
    expect(cohenKappa(x, y, { weights: 'linear' }).value).toBeCloseTo(1 / 2, 15);
    expect(cohenKappa(x, y, { weights: 'quadratic' }).value).toBeCloseTo(9 / 13, 15);
  });

  it('drops items either rater left blank', () => {
    expect(cohenKappa([1, 2, null, 2, 1], [1, 2, 1, 2, null]).value).toBe(1);
  });

  it('is undefined with a reason when both raters used one identical category', () => {
    const result = cohenKappa([3, 3, 3], [3, 3, 3]);
    expect(result.value).toBeNull();
    expect(result).toHaveProperty('reason', 'both raters used a single, identical category (3): no disagreement is expected by chance');
  });

  it('is 0, not undefined, when each rater is constant on a different category', () => {
    expect(cohenKappa(['a', 'a'], ['b', 'b']).value).toBe(0);
  });

  it('is undefined with a reason when nothing is paired', () => {
    expect(cohenKappa([1, null], [null, 2])).toEqual({ value: null, reason: 'no item was rated by both raters' });
    expect(cohenKappa([], []).value).toBeNull();
  });

  it('weighted kappa on unordered labels asks for categories', () => {
    const result = cohenKappa(['a', 'b'], ['b', 'a'], { weights: 'linear' });
    expect(result.value).toBeNull();
    expect((result as { reason: string }).reason).toMatch(/needs ordered categories/);
  });

  it('reports a rating outside the given categories', () => {
    expect(cohenKappa([1, 7], [1, 2], { categories: [1, 2, 3] })).toEqual({
      value: null,
      reason: 'rating 7 is not one of the given categories',
    });
  });

  it('treats the number 4 and the string "4" as different categories', () => {
    expect(cohenKappa([4, 5, 4, 5], ['4', 5, '4', 5]).value).toBeLessThan(1);
  });

  it('throws on arrays of different lengths (a caller bug)', () => {
    expect(() => cohenKappa([1, 2], [1])).toThrow(RangeError);
    expect(() => cohenKappaFromTable([[1, 2]])).toThrow(RangeError);
  });
});
