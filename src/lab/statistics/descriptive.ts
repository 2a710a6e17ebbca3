/**
 * Descriptive helpers for reports: mean, standard deviation, median and histogram bins over numeric
 * values, skipping missing ones (null, undefined, NaN, ±Infinity) rather than propagating them.
 */
import { defined, undefinedStatistic, type Statistic } from './types.js';

type MaybeNumber = number | null | undefined;

/** The finite numbers of a list, in order. */
export function finiteValues(values: readonly MaybeNumber[]): number[] {
  const finite: number[] = [];
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) finite.push(value);
  return finite;
}

/** Arithmetic mean of the finite values. Undefined for an empty list. */
export function mean(values: readonly MaybeNumber[]): Statistic {
  const xs = finiteValues(values);
  if (xs.length === 0) return undefinedStatistic('no values');
  return defined(meanOf(xs));
}

/**
 * Standard deviation √(Σ(x − x̄)² / (n − ddof)). `ddof` 1 (default) is the sample standard deviation
 * (Python's statistics.stdev); 0 is the population one (numpy.std's default). Undefined when n ≤ ddof.
 */
export function std(values: readonly MaybeNumber[], options: { ddof?: 0 | 1 } = {}): Statistic {
  const ddof = options.ddof ?? 1;
  const xs = finiteValues(values);
  if (xs.length <= ddof) return undefinedStatistic(ddof === 1 ? 'fewer than 2 values: no sample spread' : 'no values');
  const m = meanOf(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return defined(Math.sqrt(ss / (xs.length - ddof)));
}

/** Median of the finite values (mean of the two middle values for an even count). */
export function median(values: readonly MaybeNumber[]): Statistic {
  const xs = finiteValues(values).sort((a, b) => a - b);
  if (xs.length === 0) return undefinedStatistic('no values');
  const mid = Math.floor(xs.length / 2);
  return defined(xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2);
}

/** Mean of a non-empty list of finite numbers (two-pass, so large offsets do not lose precision). */
export function meanOf(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  const m = sum / xs.length;
  let correction = 0;
  for (const x of xs) correction += x - m;
  return m + correction / xs.length;
}

export interface HistogramOptions {
  /** Number of equal-width bins (default 10). Ignored when `edges` is given. */
  bins?: number;
  /** [low, high] of the binned range; default the data's min and max (numpy's rule). */
  range?: [number, number];
  /** Explicit, strictly increasing bin edges (at least two), e.g. [0.5, 1.5, …, 5.5] for a 1–5 scale. */
  edges?: readonly number[];
}

export interface Histogram {
  /** Bin edges, one more than there are bins. */
  edges: number[];
  /** counts[i] = values in [edges[i], edges[i+1]); the last bin also includes its right edge. */
  counts: number[];
  /** Values that were null / NaN / ±Infinity. */
  missing: number;
  /** Finite values outside [edges[0], edges[last]]. */
  outOfRange: number;
}

/**
 * Histogram with numpy.histogram's conventions: half-open bins except the last, which is closed; by
 * default the range is the data's [min, max], a constant sample v is binned over [v − 0.5, v + 0.5],
 * and an empty sample over [0, 1].
 */
export function histogram(values: readonly MaybeNumber[], options: HistogramOptions = {}): Histogram {
  const xs = finiteValues(values);
  const missing = values.length - xs.length;
  const edges = options.edges !== undefined ? validEdges(options.edges) : equalWidthEdges(xs, options);
  const counts = new Array<number>(edges.length - 1).fill(0);
  const low = edges[0]!;
  const high = edges[edges.length - 1]!;
  let outOfRange = 0;
  for (const x of xs) {
    if (x < low || x > high) {
      outOfRange += 1;
      continue;
    }
    counts[binOf(edges, x)]! += 1;
  }
  return { edges, counts, missing, outOfRange };
}

function validEdges(edges: readonly number[]): number[] {
  if (edges.length < 2) throw new RangeError('a histogram needs at least two edges');
  for (let i = 0; i < edges.length; i += 1) {
    if (!Number.isFinite(edges[i])) throw new RangeError('histogram edges must be finite');
    if (i > 0 && !(edges[i]! > edges[i - 1]!)) throw new RangeError('histogram edges must be strictly increasing');
  }
  return [...edges];
}

function equalWidthEdges(xs: readonly number[], options: HistogramOptions): number[] {
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram bins must be a positive integer (got ${bins})`);
  let [low, high] = options.range ?? dataRange(xs);
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) throw new RangeError('histogram range must be finite with low ≤ high');
  if (low === high) {
    low -= 0.5;
    high += 0.5;
  }
  const edges: number[] = [];
  const width = (high - low) / bins;
  for (let i = 0; i < bins; i += 1) edges.push(low + i * width);
  edges.push(high);
  return edges;
}

function dataRange(xs: readonly number[]): [number, number] {
  if (xs.length === 0) return [0, 1];
  let low = Infinity;
  let high = -Infinity;
  for (const x of xs) {
    if (x < low) low = x;
    if (x > high) high = x;
  }
  return [low, high];
}

/** Index of the bin holding x, given edges[0] ≤ x ≤ edges[last]. */
function binOf(edges: readonly number[], x: number): number {
  const last = edges.length - 2;
  if (x >= edges[last]!) return last;
  let lo = 0;
  let hi = last;
  // Invariant: edges[lo] ≤ x < edges[hi + 1].
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
