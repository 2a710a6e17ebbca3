/** Exact two-sided binomial test against scipy.stats.binomtest (documented example and local scipy values). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialPmf, binomialTest } from './binomial-test.js';

describe('binomialTest', () => {
  it('scipy.stats.binomtest docs example: k = 3, n = 15, p = 0.1 → 0.18406106910639106 (two-sided)', () => {
    // The docs show alternative='greater' (0.18406106910639114); the two-sided p-value is the same
    // sum here because no outcome below k = 3 is as unlikely as P(X = 3). scipy 1.17.1 two-sided:
    // 0.18406106910639106. Exact rational value: Σ_{x ≥ 3} C(15, x) 0.1^x 0.9^(15−x) = 0.184061069106391.
    const result = binomialTest(3, 15, 0.1);
    expect(result.pValue).toBeCloseTo(0.18406106910639106, 14);
    expect(result.proportion).toBe(0.2);
  });

  it('position bias at p = 0.5 (values from scipy 1.17.1 binomtest, two-sided)', () => {
    expect(binomialTest(30, 40).pValue).toBeCloseTo(0.0022214337732293643, 15);
    expect(binomialTest(0, 10).pValue).toBeCloseTo(0.001953125, 15); // 2 / 2^10 exactly
    expect(binomialTest(12, 12).pValue).toBeCloseTo(0.00048828125, 15); // 2 / 2^12 exactly
    expect(binomialTest(5, 10).pValue).toBe(1);
  });

  it('asymmetric p (scipy 1.17.1: binomtest(7, 20, 0.3) → 0.6294979666766769, binomtest(682, 925, 0.75) → 0.3824915595748517)', () => {
    expect(binomialTest(7, 20, 0.3).pValue).toBeCloseTo(0.6294979666766769, 13);
    expect(binomialTest(682, 925, 0.75).pValue).toBeCloseTo(0.3824915595748517, 13);
  });

  it('stays accurate for large n (scipy 1.17.1: binomtest(50300, 100000) → 0.058197353110190364, binomtest(49000, 100000) → 2.5887160383468943e-10)', () => {
    const moderate = binomialTest(50300, 100000).pValue!;
    const extreme = binomialTest(49000, 100000).pValue!;
    expect(Math.abs(moderate / 0.058197353110190364 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(extreme / 2.5887160383468943e-10 - 1)).toBeLessThan(1e-12);
  });

  it('handles degenerate p and no trials', () => {
    expect(binomialTest(0, 5, 0).pValue).toBe(1);
    expect(binomialTest(1, 5, 0).pValue).toBe(0);
    expect(binomialTest(5, 5, 1).pValue).toBe(1);
    expect(binomialTest(0, 0)).toEqual({ k: 0, n: 0, p: 0.5, proportion: null, pValue: null, reason: 'no trials' });
  });

  it('rejects impossible arguments', () => {
    expect(() => binomialTest(3, 2)).toThrow(RangeError);
    expect(() => binomialTest(1.5, 3)).toThrow(RangeError);
    expect(() => binomialTest(1, 3, 1.5)).toThrow(RangeError);
  });

  it('the pmf sums to 1', () => {
    const total = binomialPmf(50, 0.37).reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(1, 13);
  });

  it('always returns a p-value in [0, 1], never NaN (property)', () => {
    const args = fc
      .integer({ min: 1, max: 300 })
      .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n), fc.double({ min: 0, max: 1, noNaN: true })));
    fc.assert(
      fc.property(args, ([k, n, p]) => {
        const { pValue } = binomialTest(k, n, p);
        return pValue !== null && Number.isFinite(pValue) && pValue >= 0 && pValue <= 1;
      }),
      { numRuns: 500 },
    );
  });
});
