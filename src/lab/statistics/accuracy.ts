/**
 * Accuracy of a judge against reference (e.g. human) labels: the share of items both labelled on which
 * the two labels are identical.
 */
import { completePairs } from './ratings.js';
import { defined, undefinedStatistic, type Rating, type Statistic } from './types.js';

/** (items with actual[i] === predicted[i]) / (items where both are present). */
export function accuracy(actual: readonly Rating[], predicted: readonly Rating[]): Statistic {
  const pairs = completePairs(actual, predicted);
  if (pairs.x.length === 0) return undefinedStatistic('no item has both a reference label and a prediction');
  let correct = 0;
  for (let i = 0; i < pairs.x.length; i += 1) if (pairs.x[i] === pairs.y[i]) correct += 1;
  return defined(correct / pairs.x.length);
}
