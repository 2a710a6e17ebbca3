/** Percent agreement, against Wikipedia's Cohen's kappa example and Gwet's irrCAC output. */
import { describe, expect, it } from 'vitest';
import { percentAgreement } from './percent-agreement.js';
import { toMatrix } from './ratings.js';
import type { Rating } from './types.js';

/**
 * Krippendorff (2011) example C, 12 units × 4 observers with missing data — the same data as irrCAC's
 * `cac.raw4raters` (Gwet 2014, Handbook of Inter-Rater Reliability, p. 120).
 */
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

describe('percentAgreement', () => {
  it('two raters: Wikipedia "Cohen\'s kappa" 50-item yes/no example, p_o = (20 + 15)/50 = 0.7', () => {
    // 20 yes/yes, 5 A-yes/B-no, 10 A-no/B-yes, 15 no/no.
    const a: Rating[] = [...Array<Rating>(25).fill('yes'), ...Array<Rating>(25).fill('no')];
    const b: Rating[] = [
      ...Array<Rating>(20).fill('yes'),
      ...Array<Rating>(5).fill('no'),
      ...Array<Rating>(10).fill('yes'),
      ...Array<Rating>(15).fill('no'),
    ];
    expect(percentAgreement(toMatrix(a, b)).value).toBeCloseTo(0.7, 15);
  });

  it('many raters with missing data: irrCAC README, pa.coeff.raw(cac.raw4raters) → 0.8181818 (= 9/11)', () => {
    // Source: irrCAC package README (github.com/kgwet/irrCAC), "Computing agreement coefficients from raw ratings".
    expect(percentAgreement(KRIPPENDORFF_2011_C).value).toBeCloseTo(9 / 11, 14);
    expect(percentAgreement(KRIPPENDORFF_2011_C).value).toBeCloseTo(0.8181818, 7);
  });

  it('is undefined, with a reason, when no item has two ratings', () => {
    expect(percentAgreement([[1, null], [null, 2], []])).toEqual({ value: null, reason: 'no item has ratings from at least 2 raters' });
    expect(percentAgreement([]).value).toBeNull();
  });

  it('is 1 for identical raters and 0 when every pair disagrees', () => {
    expect(
      percentAgreement([
        ['a', 'a', 'a'],
        ['b', 'b', null],
      ]).value,
    ).toBe(1);
    expect(
      percentAgreement([
        ['a', 'b'],
        ['b', 'a'],
      ]).value,
    ).toBe(0);
  });
});
