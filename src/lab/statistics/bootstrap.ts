/**
 * Percentile bootstrap 95% confidence intervals over items, driven by the seeded mulberry32 PRNG so the
 * same data, statistic and seed always give the same interval.
 */
import { mulberry32, randomIndex } from './prng.js';
import { defined, type Rating, type Statistic } from './types.js';

export interface BootstrapOptions {
  /** Number of resamples B (default 1000). */
  resamples?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /**
   * Largest share of resamples in which the statistic may be undefined before the interval is withheld
   * (default 0.05). See {@link bootstrapCi}.
   */
  maxUndefinedShare?: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 1;
export const DEFAULT_MAX_UNDEFINED_SHARE = 0.05;

export interface BootstrapInterval {
  /** The 2.5th and 97.5th percentiles of the defined resample values, or null (see `reason`). */
  ci95: [number, number] | null;
  resamples: number;
  /** Resamples in which the statistic was undefined (e.g. every resampled rating equal). */
  undefinedResamples: number;
  /** Why `ci95` is null. */
  reason?: string;
}

/**
 * Draws B resamples of the items with replacement (each the same size as the data), evaluates the
 * statistic on each, and returns the 2.5th and 97.5th percentiles (linear interpolation between order
 * statistics, numpy's default) of the defined values.
 *
 * The interval is null when there are fewer than 2 items (every resample is the data itself), or when
 * the statistic is undefined in more than `maxUndefinedShare` of the resamples: the percentiles would
 * then describe only the resamples that happened to be well-behaved — a conditional distribution that
 * is systematically narrower and shifted (typically toward agreement) — so no interval is better than
 * a misleading one. Undefined resamples below that share are dropped.
 */
export function bootstrapCi<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => Statistic,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const maxUndefinedShare = options.maxUndefinedShare ?? DEFAULT_MAX_UNDEFINED_SHARE;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer (got ${resamples})`);
  if (!(maxUndefinedShare >= 0 && maxUndefinedShare <= 1))
    throw new RangeError(`maxUndefinedShare must be in [0, 1] (got ${maxUndefinedShare})`);
  const n = items.length;
  if (n < 2) return { ci95: null, resamples: 0, undefinedResamples: 0, reason: 'fewer than 2 items: nothing to resample' };

  const random = mulberry32(options.seed ?? DEFAULT_SEED);
  const values: number[] = [];
  let undefinedResamples = 0;
  const sample = new Array<T>(n);
  for (let b = 0; b < resamples; b += 1) {
    for (let i = 0; i < n; i += 1) sample[i] = items[randomIndex(random, n)]!;
    const result = statistic(sample);
    if (result.value === null) undefinedResamples += 1;
    else values.push(result.value);
  }
  if (undefinedResamples > maxUndefinedShare * resamples || values.length === 0) {
    return {
      ci95: null,
      resamples,
      undefinedResamples,
      reason: `the statistic was undefined in ${undefinedResamples} of ${resamples} resamples (more than ${formatShare(maxUndefinedShare)})`,
    };
  }
  values.sort((a, b) => a - b);
  return { ci95: [quantile(values, 0.025), quantile(values, 0.975)], resamples, undefinedResamples };
}

/** The statistic on all items, with its bootstrap interval attached when both are defined. */
export function withBootstrapCi<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => Statistic,
  options: BootstrapOptions = {},
): Statistic {
  const point = statistic(items);
  if (point.value === null) return point;
  return defined(point.value, bootstrapCi(items, statistic, options).ci95);
}

/**
 * Bootstrap for a two-rater statistic on parallel arrays: items (index-aligned pairs) are resampled
 * together, so a pairwise statistic such as `(x, y) => spearman(x, y)` gets a CI in one call.
 */
export function withBootstrapCiPaired(
  a: readonly Rating[],
  b: readonly Rating[],
  statistic: (a: readonly Rating[], b: readonly Rating[]) => Statistic,
  options: BootstrapOptions = {},
): Statistic {
  if (a.length !== b.length) throw new RangeError(`paired ratings must have the same length (got ${a.length} and ${b.length})`);
  const pairs = a.map((rating, i): [Rating, Rating] => [rating, b[i] ?? null]);
  return withBootstrapCi(
    pairs,
    (sample) =>
      statistic(
        sample.map((pair) => pair[0]),
        sample.map((pair) => pair[1]),
      ),
    options,
  );
}

/** Quantile of an ascending, non-empty array by linear interpolation (numpy's default, R's type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const fraction = position - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * fraction;
}

function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
