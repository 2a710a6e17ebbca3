/**
 * Pearson's product-moment correlation r between two raters' numeric scores, over the items both
 * rated; undefined (with a reason) for fewer than two pairs or a constant rater.
 */
import { completePairs, toNumbers } from './ratings.js';
import { meanOf } from './descriptive.js';
import { defined, undefinedStatistic, type Rating, type Statistic } from './types.js';

export interface CorrelationOptions {
  /** Order for label ratings: a rating's value becomes its position in this list. */
  categories?: readonly Rating[];
}

/** r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²), over complete pairs. */
export function pearson(a: readonly Rating[], b: readonly Rating[], options: CorrelationOptions = {}): Statistic {
  const pairs = completePairs(a, b);
  const x = toNumbers(pairs.x, options.categories);
  if (!x.ok) return undefinedStatistic(x.reason);
  const y = toNumbers(pairs.y, options.categories);
  if (!y.ok) return undefinedStatistic(y.reason);
  return pearsonOfNumbers(x.values, y.values);
}

/** Pearson's r of two equal-length finite number arrays. */
export function pearsonOfNumbers(x: readonly number[], y: readonly number[]): Statistic {
  const n = x.length;
  if (n < 2) return undefinedStatistic(`fewer than 2 complete pairs (${n})`);
  if (isConstant(x)) return undefinedStatistic('the first rater is constant: no variance');
  if (isConstant(y)) return undefinedStatistic('the second rater is constant: no variance');
  const mx = meanOf(x);
  const my = meanOf(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return undefinedStatistic('no variance left after centring (values too close together)');
  // One square root when the product is representable, so r(x, x) is exactly 1.
  const product = sxx * syy;
  const r = Number.isFinite(product) && product > 0 ? sxy / Math.sqrt(product) : sxy / Math.sqrt(sxx) / Math.sqrt(syy);
  return defined(Math.max(-1, Math.min(1, r)));
}

function isConstant(values: readonly number[]): boolean {
  for (const value of values) if (value !== values[0]) return false;
  return true;
}
