/**
 * Krippendorff's alpha for any number of raters with missing ratings, at the nominal, ordinal,
 * interval and ratio levels, computed from the coincidence matrix exactly as in Krippendorff (2011),
 * "Computing Krippendorff's Alpha-Reliability".
 */
import {
  allRatings,
  categoryPositions,
  describeRating,
  inferCategories,
  isMissing,
  presentRatings,
  toNumbers,
  type PresentRating,
} from './ratings.js';
import { defined, undefinedStatistic, type Rating, type RatingMatrix, type Statistic } from './types.js';

export type AlphaLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface KrippendorffAlphaOptions {
  /**
   * The value scale in order. Needed for ordinal alpha on labels (['low', 'mid', 'high']); for interval
   * and ratio alpha a label's value becomes its position in this list. Numbers need no scale.
   */
  categories?: readonly Rating[];
}

/**
 * α = 1 − D_o / D_e = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, where o_ck is the coincidence
 * matrix (each pairable item with m_u ≥ 2 ratings contributes its m_u(m_u − 1) ordered rating pairs,
 * each weighted 1/(m_u − 1)), n_c its margins and n = Σ n_c. Items with fewer than 2 ratings are
 * dropped. δ² is [c ≠ k] (nominal), (Σ_{g=c..k} n_g − (n_c + n_k)/2)² over the ordered values
 * (ordinal), (c − k)² (interval) or ((c − k)/(c + k))² (ratio). Undefined when no item has two
 * ratings or all pairable ratings are equal (no expected disagreement).
 */
export function krippendorffAlpha(ratings: RatingMatrix, level: AlphaLevel = 'nominal', options: KrippendorffAlphaOptions = {}): Statistic {
  const units: PresentRating[][] = [];
  for (const row of ratings) {
    const present = presentRatings(row);
    if (present.length >= 2) units.push(present);
  }
  if (units.length === 0) return undefinedStatistic('no item has ratings from at least 2 raters');

  // The distinct pairable values, ordered (for ordinal alpha the order is the scale's).
  let values: PresentRating[];
  if (options.categories !== undefined) {
    const position = categoryPositions(options.categories);
    for (const rating of allRatings(ratings)) {
      if (!isMissing(rating) && !position.has(rating))
        return undefinedStatistic(`rating ${describeRating(rating)} is not one of the given categories`);
    }
    const pairable = new Set(units.flat());
    values = [...position.keys()].filter((category) => pairable.has(category));
  } else {
    values = inferCategories(units.flat());
  }
  if (values.length < 2) {
    return undefinedStatistic(
      values.length === 1
        ? `every pairable rating is ${describeRating(values[0]!)}: no variation, alpha is undefined`
        : 'no pairable ratings',
    );
  }

  let numeric: number[] = [];
  if (level === 'ordinal' && options.categories === undefined) {
    const check = toNumbers(values);
    if (!check.ok) return undefinedStatistic(`ordinal alpha needs ordered values: ${check.reason}`);
  }
  if (level === 'interval' || level === 'ratio') {
    const converted = toNumbers(values, options.categories);
    if (!converted.ok) return undefinedStatistic(`${level} alpha needs numeric values: ${converted.reason}`);
    numeric = converted.values;
    if (level === 'ratio' && numeric.some((v) => v < 0)) return undefinedStatistic('ratio alpha needs non-negative values');
  }

  const v = values.length;
  const index = new Map(values.map((value, i) => [value, i]));
  const coincidences = Array.from({ length: v }, () => new Array<number>(v).fill(0));
  for (const unit of units) {
    const counts = new Map<number, number>();
    for (const rating of unit) {
      const at = index.get(rating)!;
      counts.set(at, (counts.get(at) ?? 0) + 1);
    }
    const weight = 1 / (unit.length - 1);
    for (const [c, nc] of counts) {
      for (const [k, nk] of counts) coincidences[c]![k]! += (c === k ? nc * (nc - 1) : nc * nk) * weight;
    }
  }
  const margins = coincidences.map((row) => row.reduce((sum, x) => sum + x, 0));
  const n = margins.reduce((sum, x) => sum + x, 0);

  const delta = distance(level, margins, numeric);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < v; c += 1) {
    for (let k = 0; k < v; k += 1) {
      if (c === k) continue;
      const d = delta(c, k);
      observed += coincidences[c]![k]! * d;
      expected += margins[c]! * margins[k]! * d;
    }
  }
  if (!(expected > 0)) return undefinedStatistic('no expected disagreement: alpha is undefined');
  return defined(1 - ((n - 1) * observed) / expected);
}

/** δ²(c, k) for value indices c, k (values sorted in scale order). */
function distance(level: AlphaLevel, margins: readonly number[], numeric: readonly number[]): (c: number, k: number) => number {
  switch (level) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'ordinal': {
      // cumulative[i] = Σ_{g < i} n_g, so Σ_{g=c..k} n_g = cumulative[k + 1] − cumulative[c] for c ≤ k.
      const cumulative = [0];
      for (const m of margins) cumulative.push(cumulative[cumulative.length - 1]! + m);
      return (c, k) => {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        const d = cumulative[hi + 1]! - cumulative[lo]! - (margins[lo]! + margins[hi]!) / 2;
        return d * d;
      };
    }
    case 'interval':
      return (c, k) => (numeric[c]! - numeric[k]!) ** 2;
    case 'ratio':
      return (c, k) => {
        const sum = numeric[c]! + numeric[k]!;
        return sum === 0 ? 0 : ((numeric[c]! - numeric[k]!) / sum) ** 2;
      };
  }
}
