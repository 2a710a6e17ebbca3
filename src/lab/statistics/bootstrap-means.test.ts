/** The joint bootstrap of means: the same draws as bootstrapCi, missing values, coverage, and when it withholds. */
import { describe, expect, it } from 'vitest';
import { bootstrapCi } from './bootstrap.js';
import { bootstrapMeansCi, meansIntervals, planMeansBootstrap, resampleMeans } from './bootstrap-means.js';
import { mean } from './descriptive.js';
import { mulberry32 } from './prng.js';

const data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];

describe('bootstrapMeansCi', () => {
  it('gives the interval bootstrapCi gives for the mean, from the same seed', () => {
    for (const seed of [1, 7, 2024]) {
      const [fast] = bootstrapMeansCi([data], { resamples: 2000, seed });
      const slow = bootstrapCi(data, (sample: readonly number[]) => mean(sample), { resamples: 2000, seed });
      expect(fast!.ci95![0]).toBeCloseTo(slow.ci95![0], 12);
      expect(fast!.ci95![1]).toBeCloseTo(slow.ci95![1], 12);
      expect(fast!.resamples).toBe(2000);
    }
  });

  it('is reproducible from its seed and changes with it', () => {
    const a = bootstrapMeansCi([data], { seed: 3 });
    expect(bootstrapMeansCi([data], { seed: 3 })).toEqual(a);
    expect(bootstrapMeansCi([data], { seed: 4 })[0]!.ci95).not.toEqual(a[0]!.ci95);
  });

  it('resamples the columns jointly: a column that is another plus 1 gets the interval plus 1', () => {
    const [base, shifted] = bootstrapMeansCi([data, data.map((x) => x + 1)], { resamples: 500, seed: 9 });
    expect(shifted!.ci95![0]).toBeCloseTo(base!.ci95![0] + 1, 12);
    expect(shifted!.ci95![1]).toBeCloseTo(base!.ci95![1] + 1, 12);
  });

  it('averages only the present values of a column with missing ones', () => {
    // Missing items contribute nothing: with every present value 2, every resample mean is 2.
    const [column] = bootstrapMeansCi([[2, null, 2, Number.NaN, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]], { resamples: 300 });
    expect(column!.ci95).toEqual([2, 2]);
    expect(column!.undefinedResamples).toBe(0);
  });

  it('covers the true mean about 95% of the time on synthetic normal data', () => {
    // 200 data sets of 60 draws from N(0.3, 1) (Box–Muller on a seeded PRNG): the percentile interval covers the true
    // mean 0.3 in 190 of them (95.0%; for a correct 95% interval the count lies in 184–196 with probability ≈ 0.95).
    const random = mulberry32(42);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let covered = 0;
    for (let set = 0; set < 200; set += 1) {
      const sample = Array.from({ length: 60 }, () => 0.3 + normal());
      const [interval] = bootstrapMeansCi([sample], { resamples: 1000, seed: set + 1 });
      if (interval!.ci95![0] <= 0.3 && 0.3 <= interval!.ci95![1]) covered += 1;
    }
    expect(covered).toBe(190);
  });

  it('withholds the interval for fewer than 2 values, or a column absent from too many resamples', () => {
    expect(bootstrapMeansCi([[1]])[0]).toMatchObject({ ci95: null, reason: 'fewer than 2 items: nothing to resample' });
    const [, sparse] = bootstrapMeansCi(
      [Array.from({ length: 40 }, (_, i) => i), Array.from({ length: 40 }, (_, i) => (i < 2 ? 1 : null))],
      {
        resamples: 400,
      },
    );
    // (38/40)^40 ≈ 12.9% of resamples draw neither of the 2 present items: above the 5% limit
    expect(sparse!.ci95).toBeNull();
    expect(sparse!.reason).toMatch(/^the column had no value in \d+ of 400 resamples \(more than 5%\)$/);
  });

  it('gives the same intervals when the resamples are computed in ranges, in any order (as compare shares them across threads)', () => {
    const columns = [data, data.map((x, i) => (i % 4 === 0 ? null : x * 2)), data.map((x) => x * x)];
    const plan = planMeansBootstrap(columns, { resamples: 1001, seed: 11 });
    const means = plan.active.map(() => new Float64Array(1001));
    // out of order, as two threads taking blocks may compute them
    resampleMeans(plan, 777, 1001, means);
    resampleMeans(plan, 0, 400, means);
    resampleMeans(plan, 400, 777, means);
    const split = meansIntervals(plan, means);
    expect(split).toEqual(bootstrapMeansCi(columns, { resamples: 1001, seed: 11 }));
    expect(split[0]!.ci95).not.toBeNull();
  });

  it('gives each of many columns (summed four at a time) exactly the interval it gets alone', () => {
    const columns = [0, 1, 2, 3, 4, 5].map((j) => data.map((x, i) => ((i + j) % 5 === 0 ? null : x * (j + 1) + j / 7)));
    const together = bootstrapMeansCi(columns, { resamples: 700, seed: 5 });
    columns.forEach((column, j) => expect(together[j]).toEqual(bootstrapMeansCi([column], { resamples: 700, seed: 5 })[0]));
  });

  it('refuses columns of different lengths and a bad B', () => {
    expect(() => bootstrapMeansCi([[1, 2], [1]])).toThrow(RangeError);
    expect(() => bootstrapMeansCi([[1, 2]], { resamples: 0 })).toThrow(RangeError);
  });
});
