/**
 * Spearman's rank correlation rho: Pearson's r of the average ranks (ties share the mean rank), over
 * the items both raters scored — the same definition as scipy.stats.spearmanr.
 */
import { type CorrelationOptions, pearsonOfNumbers } from './pearson.js';
import { averageRanks } from './ranks.js';
import { completePairs, toNumbers } from './ratings.js';
import { undefinedStatistic, type Rating, type Statistic } from './types.js';

/** rho = pearson(rank(x), rank(y)) over complete pairs, ranks averaged over ties. */
export function spearman(a: readonly Rating[], b: readonly Rating[], options: CorrelationOptions = {}): Statistic {
  const pairs = completePairs(a, b);
  const x = toNumbers(pairs.x, options.categories);
  if (!x.ok) return undefinedStatistic(x.reason);
  const y = toNumbers(pairs.y, options.categories);
  if (!y.ok) return undefinedStatistic(y.reason);
  return pearsonOfNumbers(averageRanks(x.values), averageRanks(y.values));
}
