/** Kendall's tau-b against the scipy.stats.kendalltau documentation example and a brute-force O(n²) count. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kendallTauB, kendallTauBOfNumbers } from './kendall-tau.js';

/** Direct O(n²) tau-b from its definition, as an independent reference. */
function bruteTauB(x: readonly number[], y: readonly number[]): number | null {
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i += 1) {
    for (let j = i + 1; j < x.length; j += 1) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX += 1;
      else if (dy === 0) tiesY += 1;
      else if (dx === dy) concordant += 1;
      else discordant += 1;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}

describe('kendallTauB', () => {
  it('scipy.stats.kendalltau docs: x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0] → −0.47140452079103173', () => {
    // By hand: C = 2, D = 6, 1 pair tied in x only, 0 in y only, 1 tied in both →
    // tau-b = (2 − 6)/√((8 + 1)(8 + 0)) = −4/√72 = −√2/3.
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]).value).toBeCloseTo(-0.47140452079103173, 15);
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]).value).toBeCloseTo(-Math.SQRT2 / 3, 15);
  });

  it('ties in both variables (scipy 1.17 kendalltau([1,2,2,3,4], [1,3,2,2,5]) → 0.6666666666666666)', () => {
    expect(kendallTauB([1, 2, 2, 3, 4], [1, 3, 2, 2, 5]).value).toBeCloseTo(2 / 3, 15);
  });

  it('is ±1 for monotone relations and undefined for a constant rater', () => {
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40]).value).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]).value).toBe(-1);
    expect(kendallTauB([1, 2, 3], [5, 5, 5])).toEqual({ value: null, reason: 'the second rater is constant: every pair is tied' });
    expect(kendallTauB([2], [5]).value).toBeNull();
  });

  it('agrees with the O(n²) definition on random tied data (property)', () => {
    const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { minLength: 2, maxLength: 60 });
    fc.assert(
      fc.property(pairs, (ps) => {
        const x = ps.map((p) => p[0]);
        const y = ps.map((p) => p[1]);
        const expected = bruteTauB(x, y);
        const actual = kendallTauBOfNumbers(x, y).value;
        if (expected === null) return actual === null;
        return actual !== null && Math.abs(actual - expected) < 1e-12;
      }),
      { numRuns: 500 },
    );
  });
});
