/**
 * Krippendorff's alpha against Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"
 * (examples A, B, C), Wikipedia's computational example, irrCAC and the fast-krippendorff test suite.
 */
import { describe, expect, it } from 'vitest';
import { krippendorffAlpha } from './krippendorff-alpha.js';
import { toMatrix } from './ratings.js';
import type { Rating } from './types.js';

const _ = null;

/**
 * Krippendorff (2011) example C: 4 observers × 12 units, values 1–5, missing data. The paper prints it
 * observers × units; here it is units × observers. Also irrCAC's `cac.raw4raters`.
 */
const EXAMPLE_C: Rating[][] = [
  [1, 1, _, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [_, 5, 5, 5],
  [_, _, 1, 1],
  [_, 3, _, _],
];

/** Wikipedia, "Krippendorff's alpha", computational example: 3 coders × 15 units (transposed to units × coders). */
const WIKIPEDIA = toMatrix(
  [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
  [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
  [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
);

describe('krippendorffAlpha — Krippendorff (2011)', () => {
  it('example C, 4 observers with missing data: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797', () => {
    // Exact values, verified independently with rational arithmetic: 113/152, 108577/133160, 951/1120,
    // 18222619/22852465. The paper prints them to 3 decimals.
    const nominal = krippendorffAlpha(EXAMPLE_C, 'nominal').value!;
    const ordinal = krippendorffAlpha(EXAMPLE_C, 'ordinal').value!;
    const interval = krippendorffAlpha(EXAMPLE_C, 'interval').value!;
    const ratio = krippendorffAlpha(EXAMPLE_C, 'ratio').value!;
    expect(nominal).toBeCloseTo(0.743, 3);
    expect(ordinal).toBeCloseTo(0.815, 3);
    expect(interval).toBeCloseTo(0.849, 3);
    expect(ratio).toBeCloseTo(0.797, 3);
    expect(nominal).toBeCloseTo(113 / 152, 14); // 0.7434210526315789
    expect(ordinal).toBeCloseTo(108577 / 133160, 14); // 0.8153875037548813
    expect(interval).toBeCloseTo(951 / 1120, 14); // 0.8491071428571428
    expect(ratio).toBeCloseTo(18222619 / 22852465, 14); // 0.797402774711612
  });

  it('example A, binary data, two observers, no missing data: α = 0.095 (= 2/21)', () => {
    const alpha = krippendorffAlpha(toMatrix([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0])).value!;
    expect(alpha).toBeCloseTo(0.095, 3);
    expect(alpha).toBeCloseTo(2 / 21, 15);
  });

  it('example B, nominal data, two observers (Ben, Gerry), no missing data: α = 0.692 (= 155/224)', () => {
    const ben = 'aabbdcccedda'.split('');
    const gerry = 'babbbcccdddd'.split('');
    gerry[8] = 'e';
    const alpha = krippendorffAlpha(toMatrix(ben, gerry)).value!;
    expect(alpha).toBeCloseTo(0.692, 3);
    expect(alpha).toBeCloseTo(155 / 224, 15);
  });
});

describe('krippendorffAlpha — other published values', () => {
  it('Wikipedia computational example: nominal α = 0.691, interval α = 0.811', () => {
    // Exact: 56/81 = 0.691358 and 643/793 = 0.810845 (also asserted by fast-krippendorff's tests).
    expect(krippendorffAlpha(WIKIPEDIA, 'nominal').value).toBeCloseTo(56 / 81, 14);
    expect(krippendorffAlpha(WIKIPEDIA, 'interval').value).toBeCloseTo(643 / 793, 14);
    expect(krippendorffAlpha(WIKIPEDIA, 'nominal').value).toBeCloseTo(0.691, 3);
    expect(krippendorffAlpha(WIKIPEDIA, 'interval').value).toBeCloseTo(0.811, 3);
  });

  it('irrCAC README: krippen.alpha.raw(cac.raw4raters) → 0.74342 (example C, nominal)', () => {
    expect(krippendorffAlpha(EXAMPLE_C, 'nominal').value).toBeCloseTo(0.74342, 5);
  });

  it('labels with an ordered scale (fast-krippendorff test_string_labels_ordinal_with_domain): 0.815', () => {
    const scale = ['very low', 'low', 'mid', 'high', 'very high'];
    const labelled = EXAMPLE_C.map((row) => row.map((r) => (r === null ? null : scale[(r as number) - 1]!)));
    expect(krippendorffAlpha(labelled, 'ordinal', { categories: scale }).value).toBeCloseTo(108577 / 133160, 14);
    // Interval on labels uses scale positions, which are equally spaced like 1..5.
    expect(krippendorffAlpha(labelled, 'interval', { categories: scale }).value).toBeCloseTo(951 / 1120, 14);
  });
});

describe('krippendorffAlpha — edge cases', () => {
  it('drops items with fewer than 2 ratings (adding singletons changes nothing)', () => {
    const withSingletons = [...EXAMPLE_C, [_, _, 9, _], [_, _, _, _], []];
    expect(krippendorffAlpha(withSingletons, 'interval').value).toBeCloseTo(951 / 1120, 14);
  });

  it('is undefined with a reason for constant ratings', () => {
    expect(
      krippendorffAlpha(
        [
          [3, 3],
          [3, 3, 3],
        ],
        'interval',
      ),
    ).toEqual({
      value: null,
      reason: 'every pairable rating is 3: no variation, alpha is undefined',
    });
  });

  it('is undefined with a reason when no item has 2 ratings', () => {
    expect(
      krippendorffAlpha([
        [1, _],
        [_, 2],
      ]),
    ).toEqual({ value: null, reason: 'no item has ratings from at least 2 raters' });
  });

  it('ordinal and interval alpha on unordered labels ask for a scale', () => {
    const data = [
      ['a', 'b'],
      ['b', 'b'],
      ['a', 'a'],
    ];
    expect(krippendorffAlpha(data, 'nominal').value).not.toBeNull();
    expect((krippendorffAlpha(data, 'ordinal') as { reason: string }).reason).toMatch(/ordinal alpha needs ordered values/);
    expect((krippendorffAlpha(data, 'interval') as { reason: string }).reason).toMatch(/interval alpha needs numeric values/);
  });

  it('ratio alpha handles zeros (fast-krippendorff test_ratio_metric_with_zeros) and refuses negatives', () => {
    expect(krippendorffAlpha(toMatrix([0, 1, 2], [0, 1, 2]), 'ratio').value).toBe(1);
    expect(krippendorffAlpha(toMatrix([-1, 1, 2], [0, 1, 2]), 'ratio').value).toBeNull();
  });

  it('perfect agreement is 1 at every level', () => {
    const data = toMatrix([1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]);
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const)
      expect(krippendorffAlpha(data, level).value).toBeCloseTo(1, 15);
  });
});
