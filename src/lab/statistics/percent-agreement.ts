/**
 * Raw (chance-uncorrected) percent agreement among any number of raters: for each item the share of
 * rater pairs that gave the same rating, averaged over the items with at least two ratings.
 */
import { presentRatings } from './ratings.js';
import { defined, undefinedStatistic, type RatingMatrix, type Statistic } from './types.js';

/**
 * P̄ = mean over items with m_i ≥ 2 ratings of Σ_c n_ic(n_ic − 1) / (m_i(m_i − 1)), where n_ic is the
 * number of raters who put item i in category c. For two raters this is the share of complete pairs
 * that match exactly. Equals Fleiss' P̄ and Gwet's pa (irrCAC `pa.coeff.raw`).
 */
export function percentAgreement(ratings: RatingMatrix): Statistic {
  let sum = 0;
  let items = 0;
  for (const row of ratings) {
    const present = presentRatings(row);
    const m = present.length;
    if (m < 2) continue;
    const counts = new Map<number | string, number>();
    for (const rating of present) counts.set(rating, (counts.get(rating) ?? 0) + 1);
    let agreeingPairs = 0;
    for (const count of counts.values()) agreeingPairs += count * (count - 1);
    sum += agreeingPairs / (m * (m - 1));
    items += 1;
  }
  if (items === 0) return undefinedStatistic('no item has ratings from at least 2 raters');
  return defined(sum / items);
}
