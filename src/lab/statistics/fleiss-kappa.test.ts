/**
 * Fleiss' kappa against Fleiss (1971) as computed by R irr, Wikipedia's worked example, and Gwet's
 * irrCAC output for a data set with a varying number of raters per item.
 */
import { describe, expect, it } from 'vitest';
import { fleissKappa, fleissKappaFromCounts } from './fleiss-kappa.js';
import type { Rating } from './types.js';

/**
 * Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1: 30 patients × 6
 * diagnoses (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other), as
 * distributed in R's irr package (`diagnoses`) and transcribed in statsmodels' test_inter_rater.py.
 */
const FLEISS_1971: Rating[][] = [
  [4, 4, 4, 4, 4, 4],
  [2, 2, 2, 5, 5, 5],
  [2, 3, 3, 3, 3, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 2, 2, 4, 4, 4],
  [1, 1, 3, 3, 3, 3],
  [3, 3, 3, 3, 5, 5],
  [1, 1, 3, 3, 3, 4],
  [1, 1, 4, 4, 4, 4],
  [5, 5, 5, 5, 5, 5],
  [1, 4, 4, 4, 4, 4],
  [1, 2, 4, 4, 4, 4],
  [2, 2, 2, 3, 3, 3],
  [1, 4, 4, 4, 4, 4],
  [2, 2, 4, 4, 4, 5],
  [3, 3, 3, 3, 3, 5],
  [1, 1, 1, 4, 5, 5],
  [1, 1, 1, 1, 1, 2],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 5, 5, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 4, 4, 4, 4, 4],
  [2, 2, 4, 5, 5, 5],
  [1, 1, 4, 4, 4, 4],
  [1, 4, 4, 4, 4, 5],
  [2, 2, 2, 2, 2, 4],
  [1, 1, 1, 1, 5, 5],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 3, 3, 3],
  [5, 5, 5, 5, 5, 5],
];

/** Wikipedia, "Fleiss' kappa", worked example: 10 subjects × 14 raters as counts over 5 categories. */
const WIKIPEDIA_COUNTS = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

/** Krippendorff (2011) example C = irrCAC `cac.raw4raters`: 12 units × 4 raters, 1–4 ratings per unit. */
const KRIPPENDORFF_2011_C: Rating[][] = [
  [1, 1, null, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [null, 5, 5, 5],
  [null, null, 1, 1],
  [null, 3, null, null],
];

describe('fleissKappa — published values', () => {
  it('Fleiss (1971) psychiatric diagnoses: κ = 0.430 (R irr::kappam.fleiss → 0.4302445)', () => {
    // Column totals 26, 26, 30, 55, 43 (statsmodels test_aggregate_raters) confirm the transcription.
    const totals = [1, 2, 3, 4, 5].map((c) => FLEISS_1971.flat().filter((r) => r === c).length);
    expect(totals).toEqual([26, 26, 30, 55, 43]);
    expect(fleissKappa(FLEISS_1971).value).toBeCloseTo(0.4302445, 7);
    // Exact (rational arithmetic): P̄ = 5/9, P̄e = 3563/16200 = 0.21994, κ = 5437/12637 = 0.43024452….
    expect(fleissKappa(FLEISS_1971).value).toBeCloseTo(5437 / 12637, 15);
  });

  it('Wikipedia worked example: P̄ = 0.378, P̄e = 0.213, κ ≈ 0.210 (exactly 4211/20059 = 0.20993…)', () => {
    expect(fleissKappaFromCounts(WIKIPEDIA_COUNTS).value).toBeCloseTo(0.21, 3);
    expect(fleissKappaFromCounts(WIKIPEDIA_COUNTS).value).toBeCloseTo(4211 / 20059, 15);
    // Same data as an items × raters matrix.
    const labels = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const matrix = WIKIPEDIA_COUNTS.map((row) => row.flatMap((count, c) => Array<Rating>(count).fill(labels[c]!)));
    expect(fleissKappa(matrix).value).toBeCloseTo(4211 / 20059, 15);
  });

  it('varying raters per item: irrCAC README, fleiss.kappa.raw(cac.raw4raters) → pa 0.8181818, pe 0.2387153, κ 0.76117', () => {
    // Source: irrCAC package README (github.com/kgwet/irrCAC). Gwet's generalisation: P̄ over items with
    // ≥ 2 ratings; π_c = mean over all rated items (the last unit has one rating) of n_ic / m_i.
    // Exact by hand: P̄ = 9/11, P̄e = 0.23871527…, κ = 7343/9647 = 0.761169….
    const result = fleissKappa(KRIPPENDORFF_2011_C);
    expect(result.value).toBeCloseTo(0.76117, 5);
    expect(result.value).toBeCloseTo(7343 / 9647, 14);
  });
});

describe('fleissKappa — edge cases', () => {
  it('is 1 when every item gets one category from all raters and categories vary', () => {
    expect(
      fleissKappa([
        ['a', 'a', 'a'],
        ['b', 'b', 'b'],
        ['c', 'c', null],
      ]).value,
    ).toBe(1);
  });

  it('is undefined with a reason when every rating is the same category', () => {
    expect(
      fleissKappa([
        [2, 2, 2],
        [2, 2, 2],
      ]),
    ).toEqual({
      value: null,
      reason: 'every rating is in the same category: chance agreement is 1, kappa is undefined',
    });
  });

  it('is undefined with a reason when no item has two ratings', () => {
    expect(
      fleissKappa([
        [1, null, null],
        [null, 2, null],
      ]),
    ).toEqual({ value: null, reason: 'no item has ratings from at least 2 raters' });
    expect(fleissKappa([]).value).toBeNull();
  });

  it('accepts a category list, including unused categories, and reports ratings outside it', () => {
    expect(fleissKappa(FLEISS_1971, { categories: [1, 2, 3, 4, 5, 6] }).value).toBeCloseTo(5437 / 12637, 15);
    expect(fleissKappa([[1, 9]], { categories: [1, 2] })).toEqual({ value: null, reason: 'rating 9 is not one of the given categories' });
  });

  it('rejects malformed count tables', () => {
    expect(() => fleissKappaFromCounts([[1, 2], [1]])).toThrow(RangeError);
    expect(() => fleissKappaFromCounts([[1.5, 2]])).toThrow(RangeError);
  });
});
