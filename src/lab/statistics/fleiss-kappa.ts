/**
 * Fleiss' kappa for many raters (Fleiss 1971), generalised to items rated by different numbers of
 * raters as in Gwet (2014) / irrCAC `fleiss.kappa.raw`. Accepts an items × raters matrix or an
 * items × categories count table (Fleiss' own layout).
 */
import { allRatings, categoryPositions, describeRating, inferCategories, isMissing, type PresentRating } from './ratings.js';
import { defined, undefinedStatistic, type Rating, type RatingMatrix, type Statistic } from './types.js';

export interface FleissKappaOptions {
  /** The categories to count over; default the distinct ratings present. Order does not matter. */
  categories?: readonly Rating[];
}

/**
 * κ = (P̄ − P̄e) / (1 − P̄e) where, with n_ic the raters putting item i in category c and m_i = Σ_c n_ic,
 * P̄ = mean over items with m_i ≥ 2 of Σ_c n_ic(n_ic − 1) / (m_i(m_i − 1)) and P̄e = Σ_c π_c² with
 * π_c = mean over items with m_i ≥ 1 of n_ic / m_i. With the same number of raters on every item this is
 * exactly Fleiss (1971). Undefined when no item has two ratings or every rating is in one category.
 */
export function fleissKappa(ratings: RatingMatrix, options: FleissKappaOptions = {}): Statistic {
  const categories: readonly PresentRating[] =
    options.categories !== undefined ? [...categoryPositions(options.categories).keys()] : inferCategories(allRatings(ratings));
  const index = new Map(categories.map((category, i) => [category, i]));
  const counts: number[][] = [];
  for (const row of ratings) {
    const itemCounts = new Array<number>(categories.length).fill(0);
    for (const rating of row) {
      if (isMissing(rating)) continue;
      const at = index.get(rating);
      if (at === undefined) return undefinedStatistic(`rating ${describeRating(rating)} is not one of the given categories`);
      itemCounts[at]! += 1;
    }
    counts.push(itemCounts);
  }
  return fleissKappaFromCounts(counts);
}

/**
 * Fleiss' kappa from an items × categories table of counts (how many raters put item i in category c).
 * Rows may sum to different totals; rows summing to 0 are ignored.
 */
export function fleissKappaFromCounts(counts: readonly (readonly number[])[]): Statistic {
  const k = counts[0]?.length ?? 0;
  for (const row of counts) {
    if (row.length !== k) throw new RangeError('every row of a Fleiss count table needs one count per category');
    for (const count of row)
      if (!(Number.isInteger(count) && count >= 0)) throw new RangeError('Fleiss counts must be non-negative integers');
  }
  let agreementSum = 0;
  let pairedItems = 0;
  let ratedItems = 0;
  const proportions = new Array<number>(k).fill(0);
  for (const row of counts) {
    let m = 0;
    for (const count of row) m += count;
    if (m === 0) continue;
    ratedItems += 1;
    for (let c = 0; c < k; c += 1) proportions[c]! += row[c]! / m;
    if (m < 2) continue;
    let agreeing = 0;
    for (const count of row) agreeing += count * (count - 1);
    agreementSum += agreeing / (m * (m - 1));
    pairedItems += 1;
  }
  if (pairedItems === 0) return undefinedStatistic('no item has ratings from at least 2 raters');
  const used = proportions.filter((p) => p > 0).length;
  if (used < 2) return undefinedStatistic('every rating is in the same category: chance agreement is 1, kappa is undefined');
  const observed = agreementSum / pairedItems;
  let chance = 0;
  for (const total of proportions) chance += (total / ratedItems) ** 2;
  return defined((observed - chance) / (1 - chance));
}
