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
  const plan = planMeansBootstrap(columns, options);
  const means = plan.active.map(() => new Float64Array(plan.resamples));
  resampleMeans(plan, 0, plan.resamples, means);
  return meansIntervals(plan, means);
}

/**
 * What the resampling needs, in typed arrays: the columns still to resample (`values`, missing values as 0, with a
 * 0/1 `masks` entry when some are missing) and the intervals already known without resampling. Plain data, so a
 * share of the resamples can be computed in another thread (`resampleMeans` on a copy gives the same numbers).
 */
export interface MeansBootstrapPlan {
  items: number;
  resamples: number;
  seed: number;
  maxUndefinedShare: number;
  /** Per column: its interval when known without resampling, else null. */
  known: Array<BootstrapInterval | null>;
  /** The columns to resample (those with a null `known`), in column order. */
  active: number[];
  values: Float64Array[];
  masks: Array<Float64Array | null>;
}

export function planMeansBootstrap(
  columns: ReadonlyArray<ReadonlyArray<number | null>>,
  options: BootstrapOptions = {},
): MeansBootstrapPlan {
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
  const known: Array<BootstrapInterval | null> = present.map((count) =>
    count < 2 ? { ci95: null, resamples: 0, undefinedResamples: 0, reason: 'fewer than 2 items: nothing to resample' } : null,
  );
  // A complete column whose values are all equal has that value as every resample mean: no resampling needed.
  columns.forEach((column, j) => {
    if (known[j] === null && present[j] === n && column.every((value) => value === column[0]))
      known[j] = { ci95: [column[0]!, column[0]!], resamples, undefinedResamples: 0 };
  });
  const active = columns.flatMap((_column, j) => (known[j] === null ? [j] : []));
  return {
    items: n,
    resamples,
    seed: Math.trunc(Number.isFinite(options.seed) ? options.seed! : DEFAULT_SEED) | 0,
    maxUndefinedShare,
    known,
    active,
    values: active.map((j) => Float64Array.from(columns[j]!, (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0))),
    masks: active.map((j) =>
      present[j]! < n ? Float64Array.from(columns[j]!, (value) => (typeof value === 'number' && Number.isFinite(value) ? 1 : 0)) : null,
    ),
  };
}

/**
 * Computes resamples [from, to) of the plan: resample b's mean of active column a goes to `means[a][b]` — NaN when
 * the resample drew none of the column's values. The generator's state after k draws is seed + k·0x6d2b79f5 (mod
 * 2^32), so a range starts where one pass would be at resample `from`: ranges computed apart (in other threads, in any
 * order) give exactly the means of one pass.
 */
export function resampleMeans(plan: MeansBootstrapPlan, from: number, to: number, means: readonly Float64Array[]): void {
  const { items: n, values, masks } = plan;
  const columns = values.length;
  if (columns === 0 || n === 0) return;
  // Each resample is a count per item (how often it was drawn); a column's resample sum is then one sequential pass
  // of counts × values (and, for a column with missing values, of counts × its 0/1 mask), so each further column
  // costs a pass, not another n random reads. The passes are the "streams"; `sums` gets one sum per stream.
  const streams = [...values];
  /** Per column, the stream of its mask; -1 when it has no missing value (its count is n). */
  const maskStream = masks.map((mask) => (mask === null ? -1 : streams.push(mask) - 1));
  const sums = new Float64Array(streams.length);
  const drawn = new Float64Array(n);
  const last = n - 1;
  let state = (plan.seed + Math.imul((from * n) % 4294967296, 0x6d2b79f5)) | 0;
  for (let b = from; b < to; b += 1) {
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
    weightedSums(drawn, streams, sums);
    for (let a = 0; a < columns; a += 1) {
      const count = maskStream[a]! < 0 ? n : sums[maskStream[a]!]!;
      means[a]![b] = count > 0 ? sums[a]! / count : NaN;
    }
  }
}

/**
 * sums[k] = Σ_i weights[i] · streams[k][i], each sum added in item order. Four streams share a loop: their four
 * running sums are independent, so the processor overlaps the additions that one sum would wait for in turn (about
 * twice as fast), and every sum is still the one a loop of its own computes, to the last bit.
 */
function weightedSums(weights: Float64Array, streams: readonly Float64Array[], sums: Float64Array): void {
  const n = weights.length;
  let k = 0;
  for (; k + 4 <= streams.length; k += 4) {
    const s0 = streams[k]!;
    const s1 = streams[k + 1]!;
    const s2 = streams[k + 2]!;
    const s3 = streams[k + 3]!;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < n; i += 1) {
      const w = weights[i]!;
      a0 += w * s0[i]!;
      a1 += w * s1[i]!;
      a2 += w * s2[i]!;
      a3 += w * s3[i]!;
    }
    sums[k] = a0;
    sums[k + 1] = a1;
    sums[k + 2] = a2;
    sums[k + 3] = a3;
  }
  for (; k < streams.length; k += 1) {
    const stream = streams[k]!;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += weights[i]! * stream[i]!;
    sums[k] = sum;
  }
}

/** The intervals, from every resample's means (`means[a][b]`, as `resampleMeans` writes them). */
export function meansIntervals(plan: MeansBootstrapPlan, means: readonly Float64Array[]): BootstrapInterval[] {
  const { resamples, maxUndefinedShare } = plan;
  const results = [...plan.known];
  plan.active.forEach((j, a) => {
    const definedMeans = means[a]!.filter((mean) => !Number.isNaN(mean));
    const undefinedResamples = resamples - definedMeans.length;
    if (undefinedResamples > maxUndefinedShare * resamples || definedMeans.length === 0) {
      results[j] = {
        ci95: null,
        resamples,
        undefinedResamples,
        reason: `the column had no value in ${undefinedResamples} of ${resamples} resamples (more than ${Math.round(maxUndefinedShare * 1000) / 10}%)`,
      };
      return;
    }
    const sorted = Array.from(definedMeans.sort());
    results[j] = { ci95: [quantile(sorted, 0.025), quantile(sorted, 0.975)], resamples, undefinedResamples };
  });
  return results as BootstrapInterval[];
}

function countPresent(column: ReadonlyArray<number | null>): number {
  let present = 0;
  for (const value of column) if (typeof value === 'number' && Number.isFinite(value)) present += 1;
  return present;
}
