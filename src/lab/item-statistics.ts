/**
 * Small statistics the lab commands share on top of the core: the share of items where something holds,
 * and the mean of per-item values — both as core `Statistic`s so they bootstrap like the rest.
 */
import { round6 } from '../round6.js';
import { defined, finiteValues, mean, std, undefinedStatistic, type Statistic } from './statistics/index.js';

/** Share of the non-null flags that are true; undefined when there is none. */
export function share(flags: readonly (boolean | null)[], what = 'items'): Statistic {
  let yes = 0;
  let n = 0;
  for (const flag of flags) {
    if (flag === null) continue;
    n += 1;
    if (flag) yes += 1;
  }
  if (n === 0) return undefinedStatistic(`no ${what} to count`);
  return defined(yes / n);
}

/** Mean of the finite values (the core's `mean`), with the reason reworded for the lab. */
export function meanOfPresent(values: readonly (number | null)[], what = 'values'): Statistic {
  const result = mean(values);
  return result.value === null ? undefinedStatistic(`no ${what}`) : result;
}

/** Sample standard deviation (the core's `std`, ddof 1) of a row's present values; null with fewer than two. */
export function sampleStd(values: readonly (number | null)[]): number | null {
  return std(values).value;
}

/** max − min of the present values; null with fewer than two. */
export function spread(values: readonly (number | null)[]): number | null {
  const xs = finiteValues(values);
  if (xs.length < 2) return null;
  return Math.max(...xs) - Math.min(...xs);
}

/** The one six-decimal rounding (src/round6.ts) for display-oriented fields (per-row means); statistics keep full precision. */
export function round6OrNull(value: number | null): number | null {
  return value === null ? null : round6(value);
}
