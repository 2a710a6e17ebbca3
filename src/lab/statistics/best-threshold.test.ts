/** Pass-threshold search: hand-worked cases, tie-breaking toward the lower threshold, and a brute-force property. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestThreshold, type BinaryLabel } from './best-threshold.js';

describe('bestThreshold', () => {
  it('finds the cut that separates the classes', () => {
    const result = bestThreshold([1, 2, 3, 4, 5], [0, 0, 1, 1, 1]);
    expect(result.threshold).toBe(3);
    expect(result).toMatchObject({ metric: 'accuracy', value: 1, n: 5 });
    expect(result.curve.map((p) => p.accuracy)).toEqual([0.6, 0.8, 1, 0.8, 0.6]);
  });

  it('breaks ties toward the lower threshold', () => {
    // By hand: t = 1 → 2/4, t = 2 → 3/4, t = 3 → 2/4, t = 4 → 3/4; 2 and 4 tie, 2 wins.
    const result = bestThreshold([1, 2, 3, 4], [false, true, false, true]);
    expect(result.threshold).toBe(2);
    expect(result.curve.map((p) => p.accuracy)).toEqual([0.5, 0.75, 0.5, 0.75]);
  });

  it('reports the 2 × 2 counts and kappa at each threshold', () => {
    const result = bestThreshold([1, 2, 3, 4], [false, true, false, true]);
    expect(result.curve[1]).toEqual({
      threshold: 2,
      accuracy: 0.75,
      // tp 2, fp 1, tn 1, fn 0: p_o = 3/4, p_e = (3·2 + 1·2)/16 = 1/2 → κ = 1/2.
      cohenKappa: 0.5,
      truePositives: 2,
      falsePositives: 1,
      trueNegatives: 1,
      falseNegatives: 0,
    });
  });

  it("can maximise Cohen's kappa instead, skipping thresholds where it is undefined", () => {
    // Humans pass everything: kappa is 0 where the judge fails something and undefined where it passes all.
    const skewed = bestThreshold([1, 2, 3], [1, 1, 1], { metric: 'cohen_kappa' });
    expect(skewed.threshold).toBe(2);
    expect(skewed).toMatchObject({ value: 0 });
    const allSame = bestThreshold([2, 2], [1, 1], { metric: 'cohen_kappa' });
    expect(allSame.threshold).toBeNull();
    expect((allSame as { reason: string }).reason).toMatch(/undefined at every threshold/);
  });

  it('uses caller candidates, e.g. a cut above every score (nothing passes)', () => {
    const result = bestThreshold([1, 2, 3], [0, 0, 0], { candidates: [1, 2, 3, 4] });
    expect(result.threshold).toBe(4);
    expect(result).toMatchObject({ value: 1 });
  });

  it('skips items missing a score or label; undefined when none remain', () => {
    expect(bestThreshold([1, null, 3, Number.NaN], [0, 1, 1, 0]).n).toBe(2);
    expect(bestThreshold([null], [1])).toMatchObject({ threshold: null, reason: 'no item has both a score and a label' });
    expect(() => bestThreshold([1, 2], [1])).toThrow(RangeError);
  });

  it('matches a brute-force search (property)', () => {
    const data = fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.boolean()), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(data, (rows) => {
        const scores = rows.map((r) => r[0]);
        const labels: BinaryLabel[] = rows.map((r) => r[1]);
        const result = bestThreshold(scores, labels);
        let bestT = Infinity;
        let bestAcc = -1;
        for (const t of [...new Set(scores)].sort((a, b) => a - b)) {
          const acc = rows.filter(([s, l]) => s >= t === l).length / rows.length;
          if (acc > bestAcc) {
            bestAcc = acc;
            bestT = t;
          }
        }
        return result.threshold === bestT && (result as { value: number }).value === bestAcc;
      }),
      { numRuns: 300 },
    );
  });
});
