/**
 * Percentile bootstrap 95% CIs of several means at once, over one set of resampled items: a fast, allocation-free
 * special case of `bootstrapCi` for the mean, where each item carries one value per column (a paired difference,
 * per-component differences, …) and every column is resampled with the same draws. A column may have missing
 * values (null or non-finite): its resample mean is over the drawn items that have one.
 */
import {
  DEFAULT_MAX_UNDEFINED_SHARE,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  quantile,
  type BootstrapInterval,
  type BootstrapOptions,
} from './bootstrap.js';

/**
 * One interval per column. `columns[j][i]` is item i's value in column j; all columns have the same length (the
 * items). The draws are those of `bootstrapCi` with the same seed (resample b draws n item indices with
 * `randomIndex`), so a column without missing values gets the interval `bootstrapCi(items, mean)` gives, up to
 * the rounding of the sum. A column's interval is null when it has fewer than 2 values, or when more than
 * `maxUndefinedShare` of the resamples drew none of its values.
 */
export function bootstrapMeansCi(
  columns: ReadonlyArray<ReadonlyArray<number | null>>,
  options: BootstrapOptions = {},
): BootstrapInterval[] {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const maxUndefinedShare = options.maxUndefinedShare ?? DEFAULT_MAX_UNDEFINED_SHARE;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer (got ${resamples})`);
  if (!(maxUndefinedShare >= 0 && maxUndefinedShare <= 1))
    throw new RangeError(`maxUndefinedShare must be in [0, 1] (got ${maxUndefinedShare})`);
  const n = columns[0]?.length ?? 0;
  columns.forEach((column, j) => {
    if (column.length !== n)
      throw new RangeError(`every column must have one value per item (column 0 has ${n}, column ${j} has ${column.length})`);
  });

  const present = columns.map(countPresent);
  const results: Array<BootstrapInterval | null> = present.map((count) =>
    count < 2 ? { ci95: null, resamples: 0, undefinedResamples: 0, reason: 'fewer than 2 items: nothing to resample' } : null,
  );
  if (results.every((result) => result !== null)) return results;

  // A complete column whose values are all equal has that value as every resample mean: no resampling needed.
  columns.forEach((column, j) => {
    if (results[j] === null && present[j] === n && column.every((value) => value === column[0]))
      results[j] = { ci95: [column[0]!, column[0]!], resamples, undefinedResamples: 0 };
  });
  const active = columns.flatMap((_column, j) => (results[j] === null ? [j] : []));
  if (active.length === 0) return results as BootstrapInterval[];

  // Each resample is a count per item (how often it was drawn); a column's resample sum is then one sequential pass
  // of counts × values, so each further column costs a pass, not another n random reads.
  const values = active.map((j) =>
    Float64Array.from(columns[j]!, (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)),
  );
  const masks = active.map((j) =>
    present[j]! < n ? Float64Array.from(columns[j]!, (value) => (typeof value === 'number' && Number.isFinite(value) ? 1 : 0)) : null,
  );
  const means = active.map(() => new Float64Array(resamples));
  const definedCounts = new Int32Array(active.length);
  const drawn = new Float64Array(n);
  const last = n - 1;
  let state = Math.trunc(Number.isFinite(options.seed) ? options.seed! : DEFAULT_SEED) | 0;
  for (let b = 0; b < resamples; b += 1) {
    drawn.fill(0);
    for (let i = 0; i < n; i += 1) {
      // mulberry32 (prng.ts) on 32-bit integers, then randomIndex: the same stream as bootstrapCi's, inlined
      // because this loop runs n × B times
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const index = (((t ^ (t >>> 14)) >>> 0) * 2.3283064365386963e-10 * n) | 0;
      drawn[index < last ? index : last]! += 1;
    }
    for (let a = 0; a < active.length; a += 1) {
      const column = values[a]!;
      const mask = masks[a];
      let sum = 0;
      for (let i = 0; i < n; i += 1) sum += drawn[i]! * column[i]!;
      let count = n;
      if (mask) {
        count = 0;
        for (let i = 0; i < n; i += 1) count += drawn[i]! * mask[i]!;
      }
      if (count > 0) means[a]![definedCounts[a]!++] = sum / count;
    }
  }
  active.forEach((j, a) => {
    const defined = definedCounts[a]!;
    const undefinedResamples = resamples - defined;
    if (undefinedResamples > maxUndefinedShare * resamples || defined === 0) {
      results[j] = {
        ci95: null,
        resamples,
        undefinedResamples,
        reason: `the column had no value in ${undefinedResamples} of ${resamples} resamples (more than ${Math.round(maxUndefinedShare * 1000) / 10}%)`,
      };
      return;
    }
    const sorted = Array.from(means[a]!.subarray(0, defined).sort());
    results[j] = { ci95: [quantile(sorted, 0.025), quantile(sorted, 0.975)], resamples, undefinedResamples };
  });
  return results as BootstrapInterval[];
}

function countPresent(column: ReadonlyArray<number | null>): number {
  let present = 0;
  for (const value of column) if (typeof value === 'number' && Number.isFinite(value)) present += 1;
  return present;
}
