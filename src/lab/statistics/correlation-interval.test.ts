/** Fisher-z intervals, against values computed by hand (math.atanh / math.tanh, scipy's z_{0.975}). */
import { describe, expect, it } from 'vitest';
import { fisherZInterval, Z_975 } from './correlation-interval.js';

describe('fisherZInterval', () => {
  it('Pearson r = 0.5, n = 28: se = 1/5 on the z scale', () => {
    // atanh(0.5) = 0.5493061443340549; ± 1.959963984540054 · 0.2; tanh back
    const [lo, hi] = fisherZInterval(0.5, 28, 'pearson')!;
    expect(lo).toBeCloseTo(0.15602836252908595, 14);
    expect(hi).toBeCloseTo(0.7358184794439376, 14);
    expect(Math.atanh(hi) - Math.atanh(0.5)).toBeCloseTo(Z_975 * 0.2, 14);
  });

  it('Spearman uses the Fieller–Hartley–Pearson variance 1.06/(n − 3): a wider interval', () => {
    expect(fisherZInterval(0.5, 28, 'spearman')![0]).toBeCloseTo(0.14470202144464853, 14);
    expect(fisherZInterval(0.5, 28, 'spearman')![1]).toBeCloseTo(0.7410874615592804, 14);
    expect(fisherZInterval(0.8, 12, 'spearman')).toEqual([expect.closeTo(0.4019535988047734, 14), expect.closeTo(0.9437460197139682, 14)]);
  });

  it('is symmetric on the z scale for negative r', () => {
    expect(fisherZInterval(-0.3, 103, 'pearson')).toEqual([
      expect.closeTo(-0.4664441315320444, 14),
      expect.closeTo(-0.11303802922252022, 14),
    ]);
  });

  it('collapses at |r| = 1 and is undefined for n ≤ 3 or an impossible r', () => {
    expect(fisherZInterval(1, 50, 'pearson')).toEqual([1, 1]);
    expect(fisherZInterval(0.5, 3, 'pearson')).toBeNull();
    expect(fisherZInterval(1.2, 30, 'spearman')).toBeNull();
    expect(fisherZInterval(Number.NaN, 30, 'spearman')).toBeNull();
  });
});
