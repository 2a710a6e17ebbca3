/** ICC against Shrout & Fleiss (1979), Table 2 example (also R psych::ICC's documented example). */
import { describe, expect, it } from 'vitest';
import { icc } from './icc.js';

/** Shrout & Fleiss (1979), "Intraclass correlations: uses in assessing rater reliability", Table 2: 6 targets × 4 judges. */
const SHROUT_FLEISS = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

describe('icc', () => {
  it('Shrout & Fleiss (1979) Table 4: ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91', () => {
    // Exact (rational arithmetic from the mean squares BMS 11.24, JMS 32.49, EMS 1.02, WMS 6.26):
    // 448/2703, 184/635, 920/1287, 1792/4047, 736/1187, 3680/4047.
    const cases = [
      ['ICC1', 0.17, 448 / 2703],
      ['ICC2', 0.29, 184 / 635],
      ['ICC3', 0.71, 920 / 1287],
      ['ICC1k', 0.44, 1792 / 4047],
      ['ICC2k', 0.62, 736 / 1187],
      ['ICC3k', 0.91, 3680 / 4047],
    ] as const;
    for (const [form, published, exact] of cases) {
      const value = icc(SHROUT_FLEISS, form).value!;
      expect(value, form).toBeCloseTo(published, 2);
      expect(value, form).toBeCloseTo(exact, 13);
    }
  });

  it('drops items with a missing rating (listwise)', () => {
    expect(icc([...SHROUT_FLEISS, [1, null, 3, 4], [2, 3]], 'ICC2').value).toBeCloseTo(184 / 635, 13);
  });

  it('is undefined, with a reason, for constant scores, one rater or one complete item', () => {
    expect(
      icc(
        [
          [3, 3],
          [3, 3],
        ],
        'ICC2',
      ),
    ).toEqual({ value: null, reason: 'no variance between items (all scores equal): ICC is undefined' });
    expect(icc([[1], [2]]).value).toBeNull();
    expect(
      icc([
        [1, 2],
        [3, null],
      ]),
    ).toEqual({ value: null, reason: 'fewer than 2 items rated by all 2 raters (1)' });
    expect(
      (
        icc([
          ['a', 'b'],
          ['c', 'd'],
        ]) as { reason: string }
      ).reason,
    ).toMatch(/ICC needs numeric scores/);
  });

  it('is undefined, not a huge number, when the denominator of a form is zero only up to rounding', () => {
    // found by the permutation property test: ICC2k's denominator is 0 in exact arithmetic here
    const rows = [
      [4, 2, 1],
      [2, 4, 2],
      [1, 1, 5],
      [3, 1, 2],
      [3, 3, 3],
    ];
    const permuted = rows.map((row) => [row[2]!, row[0]!, row[1]!]);
    const reason = 'the denominator of this ICC form is zero for these scores: ICC is undefined';
    expect(icc(rows, 'ICC2k')).toEqual({ value: null, reason });
    expect(icc(permuted, 'ICC2k')).toEqual({ value: null, reason });
  });

  it('is 1 for identical raters with variance', () => {
    expect(
      icc(
        [
          [1, 1, 1],
          [2, 2, 2],
          [5, 5, 5],
        ],
        'ICC1',
      ).value,
    ).toBeCloseTo(1, 15);
    expect(
      icc(
        [
          [1, 1, 1],
          [2, 2, 2],
          [5, 5, 5],
        ],
        'ICC2',
      ).value,
    ).toBeCloseTo(1, 15);
  });
});
