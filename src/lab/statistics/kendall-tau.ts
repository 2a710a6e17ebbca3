/**
 * Kendall's tau-b between two raters, corrected for ties in either rater, computed in O(n log n) with
 * Knight's (1966) merge-sort method — the definition and algorithm of scipy.stats.kendalltau.
 */
import type { CorrelationOptions } from './pearson.js';
import { completePairs, toNumbers } from './ratings.js';
import { defined, undefinedStatistic, type Rating, type Statistic } from './types.js';

/**
 * tau-b = (C − D) / √((n0 − n1)(n0 − n2)), n0 = n(n−1)/2, n1 / n2 = pairs tied in x / in y
 * (a pair tied in both counts in both), over complete pairs.
 */
export function kendallTauB(a: readonly Rating[], b: readonly Rating[], options: CorrelationOptions = {}): Statistic {
  const pairs = completePairs(a, b);
  const x = toNumbers(pairs.x, options.categories);
  if (!x.ok) return undefinedStatistic(x.reason);
  const y = toNumbers(pairs.y, options.categories);
  if (!y.ok) return undefinedStatistic(y.reason);
  return kendallTauBOfNumbers(x.values, y.values);
}

/** Kendall's tau-b of two equal-length finite number arrays. */
export function kendallTauBOfNumbers(x: readonly number[], y: readonly number[]): Statistic {
  const n = x.length;
  if (n < 2) return undefinedStatistic(`fewer than 2 complete pairs (${n})`);
  const order = x.map((_, i) => i).sort((i, j) => x[i]! - x[j]! || y[i]! - y[j]!);
  const xs = order.map((i) => x[i]!);
  const ys = order.map((i) => y[i]!);

  const total = (n * (n - 1)) / 2;
  const xTies = tiedPairs(xs);
  const yTies = tiedPairs([...ys].sort((p, q) => p - q));
  let jointTies = 0;
  let run = 1;
  for (let i = 1; i <= n; i += 1) {
    if (i < n && xs[i] === xs[i - 1] && ys[i] === ys[i - 1]) run += 1;
    else {
      jointTies += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  if (xTies === total) return undefinedStatistic('the first rater is constant: every pair is tied');
  if (yTies === total) return undefinedStatistic('the second rater is constant: every pair is tied');
  // Sorted by (x, y), a discordant pair is exactly an inversion (i < j, y_i > y_j) of ys.
  const discordant = countInversions(ys);
  const concordantMinusDiscordant = total - xTies - yTies + jointTies - 2 * discordant;
  const tau = concordantMinusDiscordant / Math.sqrt(total - xTies) / Math.sqrt(total - yTies);
  return defined(Math.max(-1, Math.min(1, tau)));
}

/** Pairs of equal values in a sorted array: Σ t(t−1)/2 over runs of length t. */
function tiedPairs(sorted: readonly number[]): number {
  let ties = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i += 1) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run += 1;
    else {
      ties += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return ties;
}

/** Pairs i < j with values[i] > values[j] (strictly), by bottom-up merge sort. */
function countInversions(values: readonly number[]): number {
  let source = [...values];
  let target = new Array<number>(values.length);
  let inversions = 0;
  for (let width = 1; width < source.length; width *= 2) {
    for (let start = 0; start < source.length; start += 2 * width) {
      const mid = Math.min(start + width, source.length);
      const end = Math.min(start + 2 * width, source.length);
      let i = start;
      let j = mid;
      let k = start;
      while (i < mid && j < end) {
        if (source[j]! < source[i]!) {
          inversions += mid - i;
          target[k++] = source[j++]!;
        } else target[k++] = source[i++]!;
      }
      while (i < mid) target[k++] = source[i++]!;
      while (j < end) target[k++] = source[j++]!;
    }
    [source, target] = [target, source];
  }
  return inversions;
}
