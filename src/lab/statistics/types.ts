/**
 * Shared vocabulary of the statistics core: what a rating is, the items × raters matrix, and the
 * `Statistic` result every coefficient returns — a finite value (with an optional 95% CI) or null
 * with a human-readable reason. Nothing in this module ever hands back NaN or ±Infinity.
 */

/** One rating. `null` (and, defensively, `undefined`, NaN and ±Infinity) means "missing". */
export type Rating = number | string | null;

/** Ratings laid out items × raters: `ratings[item][rater]`. Rows may be ragged; absent cells are missing. */
export type RatingMatrix = readonly (readonly Rating[])[];

/** A defined statistic: a finite value and, when bootstrapped, a 95% percentile interval. */
export interface DefinedStatistic {
  value: number;
  ci95: [number, number] | null;
}

/** A statistic the data cannot support (constant ratings, too few items, …), with the reason why. */
export interface UndefinedStatistic {
  value: null;
  reason: string;
}

export type Statistic = DefinedStatistic | UndefinedStatistic;

/**
 * A defined statistic. A non-finite value is turned into an undefined one, so a NaN can never
 * escape even if a formula meets an input nobody anticipated.
 */
export function defined(value: number, ci95: [number, number] | null = null): Statistic {
  if (!Number.isFinite(value)) return { value: null, reason: `the computation produced a non-finite value (${String(value)})` };
  return { value: value === 0 ? 0 : value, ci95 };
}

/** An undefined statistic with its reason. */
export function undefinedStatistic(reason: string): UndefinedStatistic {
  return { value: null, reason };
}

export function isDefined(statistic: Statistic): statistic is DefinedStatistic {
  return statistic.value !== null;
}
