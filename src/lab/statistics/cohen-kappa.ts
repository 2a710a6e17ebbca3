/**
 * Cohen's kappa between exactly two raters — unweighted, or weighted by linear or quadratic
 * disagreement over an ordered category scale — from paired rating arrays or a contingency table.
 */
import { categoryPositions, completePairs, describeRating, inferCategories, toNumbers, type PresentRating } from './ratings.js';
import { defined, undefinedStatistic, type Rating, type Statistic } from './types.js';

export type KappaWeighting = 'unweighted' | 'linear' | 'quadratic';

export interface CohenKappaOptions {
  /** Default 'unweighted'. */
  weights?: KappaWeighting;
  /**
   * The category scale, in order. For weighted kappa a category's position in this list is its
   * coordinate, so pass the full scale (e.g. [1, 2, 3, 4, 5]) or the labels in order
   * (['bad', 'ok', 'good']). Without it the categories are inferred from the data and, for weighted
   * kappa, numeric ratings are their own coordinates (a 2 and a 4 are 2 apart even if nobody used 3).
   */
  categories?: readonly Rating[];
}

/**
 * κ_w = 1 − Σ w_ij p_ij / Σ w_ij p_i· p_·j over the items both raters rated, with disagreement weights
 * w_ij = [i ≠ j] (unweighted, giving (p_o − p_e)/(1 − p_e)), |x_i − x_j| (linear) or (x_i − x_j)²
 * (quadratic). Undefined when there are no complete pairs or no disagreement is expected by chance
 * (both raters used one and the same category throughout).
 */
export function cohenKappa(a: readonly Rating[], b: readonly Rating[], options: CohenKappaOptions = {}): Statistic {
  const weights = options.weights ?? 'unweighted';
  const pairs = completePairs(a, b);
  if (pairs.x.length === 0) return undefinedStatistic('no item was rated by both raters');

  let categories: PresentRating[];
  let index: Map<PresentRating, number>;
  if (options.categories !== undefined) {
    index = categoryPositions(options.categories);
    categories = [...index.keys()];
    for (const rating of [...pairs.x, ...pairs.y]) {
      if (!index.has(rating)) return undefinedStatistic(`rating ${describeRating(rating)} is not one of the given categories`);
    }
  } else {
    categories = inferCategories([...pairs.x, ...pairs.y]);
    index = new Map(categories.map((category, i) => [category, i]));
  }

  // Coordinates for the weights: positions in a given scale, else the numeric ratings themselves.
  let coordinates: number[] = categories.map((_, i) => i);
  if (weights !== 'unweighted' && options.categories === undefined) {
    const numeric = toNumbers(categories);
    if (!numeric.ok) return undefinedStatistic(`${weights} kappa needs ordered categories: ${numeric.reason}`);
    coordinates = numeric.values;
  }

  const k = categories.length;
  const table = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < pairs.x.length; i += 1) table[index.get(pairs.x[i]!)!]![index.get(pairs.y[i]!)!]! += 1;
  return kappaOfTable(table, weights, coordinates, categories);
}

/**
 * Cohen's kappa from a k × k contingency table (rows: first rater, columns: second rater). For
 * weighted kappa the category coordinates default to 0, 1, …, k − 1.
 */
export function cohenKappaFromTable(
  table: readonly (readonly number[])[],
  weights: KappaWeighting = 'unweighted',
  coordinates?: readonly number[],
): Statistic {
  const k = table.length;
  for (const row of table) {
    if (row.length !== k) throw new RangeError('a kappa contingency table must be square');
    for (const count of row)
      if (!(Number.isFinite(count) && count >= 0)) throw new RangeError('contingency counts must be finite and non-negative');
  }
  if (coordinates !== undefined && coordinates.length !== k) throw new RangeError('one coordinate per category is needed');
  return kappaOfTable(table, weights, coordinates ?? table.map((_, i) => i));
}

function kappaOfTable(
  table: readonly (readonly number[])[],
  weights: KappaWeighting,
  coordinates: readonly number[],
  labels?: readonly PresentRating[],
): Statistic {
  const k = table.length;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  let n = 0;
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j < k; j += 1) {
      const count = table[i]![j]!;
      rows[i]! += count;
      cols[j]! += count;
      n += count;
    }
  }
  if (n === 0) return undefinedStatistic('no item was rated by both raters');
  const weight = (i: number, j: number): number => {
    if (weights === 'unweighted') return i === j ? 0 : 1;
    const d = Math.abs(coordinates[i]! - coordinates[j]!);
    return weights === 'linear' ? d : d * d;
  };
  // κ_w = 1 − n Σ w_ij n_ij / Σ w_ij r_i c_j, in counts so unweighted kappa on integer tables is exact
  // up to the final division.
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j < k; j += 1) {
      const w = weight(i, j);
      if (w === 0) continue;
      observed += w * table[i]![j]!;
      expected += w * rows[i]! * cols[j]!;
    }
  }
  if (expected === 0) {
    const used = labels?.[rows.findIndex((r) => r > 0)];
    const label = used === undefined ? '' : ` (${describeRating(used)})`;
    return undefinedStatistic(`both raters used a single, identical category${label}: no disagreement is expected by chance`);
  }
  return defined(1 - (n * observed) / expected);
}
