/** Percentile bootstrap: reproducibility from the seed, percentile definition, and when the interval is withheld. */
import { describe, expect, it } from 'vitest';
import { bootstrapCi, quantile, withBootstrapCi, withBootstrapCiPaired } from './bootstrap.js';
import { cohenKappa } from './cohen-kappa.js';
import { krippendorffAlpha } from './krippendorff-alpha.js';
import { spearman } from './spearman.js';
import { mean } from './descriptive.js';
import { toMatrix } from './ratings.js';
import type { Rating, Statistic } from './types.js';

const meanOfItems = (sample: readonly number[]): Statistic => mean(sample);

describe('quantile (numpy default / R type 7)', () => {
  it('numpy.percentile docs: a = [[10, 7, 4], [3, 2, 1]], np.percentile(a, 50) → 3.5', () => {
    expect(quantile([1, 2, 3, 4, 7, 10], 0.5)).toBe(3.5);
  });

  it('interpolates linearly between order statistics', () => {
    // Position (5 − 1)·0.025 = 0.1 → 10 + 0.1·(20 − 10) = 11; (5 − 1)·0.975 = 3.9 → 40 + 0.9·10 = 49.
    expect(quantile([10, 20, 30, 40, 50], 0.025)).toBeCloseTo(11, 12);
    expect(quantile([10, 20, 30, 40, 50], 0.975)).toBeCloseTo(49, 12);
  });
});

describe('bootstrapCi', () => {
  const data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];

  it('is reproducible from its seed and changes with it', () => {
    const a = bootstrapCi(data, meanOfItems, { seed: 11 });
    const b = bootstrapCi(data, meanOfItems, { seed: 11 });
    const c = bootstrapCi(data, meanOfItems, { seed: 12 });
    expect(a).toEqual(b);
    expect(a.ci95).not.toEqual(c.ci95);
    expect(a.resamples).toBe(1000);
  });

  it('brackets the sample mean and honours a configurable B', () => {
    const result = bootstrapCi(data, meanOfItems, { resamples: 200 });
    const [lo, hi] = result.ci95!;
    const m = mean(data).value!;
    expect(lo).toBeLessThan(m);
    expect(hi).toBeGreaterThan(m);
    expect(lo).toBeGreaterThanOrEqual(1);
    expect(hi).toBeLessThanOrEqual(9);
    expect(result.resamples).toBe(200);
  });

  it('gives a degenerate interval for constant data', () => {
    expect(bootstrapCi([4, 4, 4], meanOfItems).ci95).toEqual([4, 4]);
  });

  it('withholds the interval for fewer than 2 items', () => {
    expect(bootstrapCi([4], meanOfItems)).toMatchObject({ ci95: null, reason: 'fewer than 2 items: nothing to resample' });
  });

  it('withholds the interval when the statistic is undefined in too many resamples', () => {
    // 19 items both raters call 'a', one both call 'b': κ = 1, but ~36% of resamples ((19/20)^20) miss
    // the 'b' item, where kappa is undefined.
    const a: Rating[] = [...Array<Rating>(19).fill('a'), 'b'];
    const result = withBootstrapCiPaired(a, a, (x, y) => cohenKappa(x, y));
    expect(result).toEqual({ value: 1, ci95: null });
    const detail = bootstrapCi(toMatrix(a, a), (rows) =>
      cohenKappa(
        rows.map((r) => r[0]!),
        rows.map((r) => r[1]!),
      ),
    );
    expect(detail.ci95).toBeNull();
    expect(detail.undefinedResamples).toBeGreaterThan(250);
    expect(detail.reason).toMatch(/undefined in \d+ of 1000 resamples \(more than 5%\)/);
    // A tolerant caller can accept them.
    expect(
      bootstrapCi(
        toMatrix(a, a),
        (rows) =>
          cohenKappa(
            rows.map((r) => r[0]!),
            rows.map((r) => r[1]!),
          ),
        { maxUndefinedShare: 0.5 },
      ).ci95,
    ).toEqual([1, 1]);
  });

  it('passes an undefined point estimate through untouched', () => {
    expect(
      withBootstrapCi(
        [
          [1, 1],
          [1, 1],
        ] as Rating[][],
        (rows) => krippendorffAlpha(rows),
      ),
    ).toMatchObject({ value: null });
  });

  it('paired helper equals resampling zipped rows with the same seed', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9];
    const paired = withBootstrapCiPaired(x, y, (p, q) => spearman(p, q), { seed: 5, resamples: 300 });
    const rows = withBootstrapCi(
      toMatrix(x, y),
      (s) =>
        spearman(
          s.map((r) => r[0]!),
          s.map((r) => r[1]!),
        ),
      { seed: 5, resamples: 300 },
    );
    expect(paired).toEqual(rows);
    expect(paired.value).toBeCloseTo(1 - (6 * 10) / (10 * 99), 14); // Σd² = 10 → ρ = 1 − 6·10/(10·99)
  });

  it('rejects invalid options', () => {
    expect(() => bootstrapCi(data, meanOfItems, { resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapCi(data, meanOfItems, { maxUndefinedShare: 2 })).toThrow(RangeError);
  });
});
