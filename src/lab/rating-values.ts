/**
 * Ratings as they arrive in files, turned into the statistics core's `Rating`: numbers stay numbers,
 * numeric strings ("4", "0.75") become numbers, booleans become 1 / 0, other strings are labels, and
 * null, a missing field or "" is a missing rating. Also decides which measurement level a set of
 * ratings supports when the user does not say.
 */
import type { Rating } from './statistics/index.js';

export type MeasurementLevel = 'nominal' | 'ordinal' | 'interval';

export const LEVELS: readonly MeasurementLevel[] = ['nominal', 'ordinal', 'interval'];

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A file value as a rating; `undefined` when the value cannot be a rating (an object or a list). */
export function toRating(value: unknown): Rating | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    return NUMERIC.test(text) ? Number(text) : text;
  }
  return undefined;
}

/** True when every present rating is a number. */
export function allNumeric(ratings: Iterable<Rating>): boolean {
  for (const rating of ratings) if (rating !== null && typeof rating !== 'number') return false;
  return true;
}

/** True when every present rating is a label or a whole number (a discrete scale such as 1–5 or pass/fail). */
export function allDiscrete(ratings: Iterable<Rating>): boolean {
  for (const rating of ratings) if (typeof rating === 'number' && !Number.isInteger(rating)) return false;
  return true;
}

/**
 * The level a set of ratings supports by default: nominal for labels, ordinal for a small whole-number
 * scale (at most 10 distinct values, e.g. 1–5), interval for other numbers (e.g. rewards in [0, 1]).
 * With `categories` (an order for labels) labels are ordinal.
 */
export function inferLevel(ratings: readonly Rating[], categories?: readonly Rating[]): MeasurementLevel {
  const present = ratings.filter((rating): rating is number | string => rating !== null);
  if (!allNumeric(present)) return categories ? 'ordinal' : 'nominal';
  const distinct = new Set(present);
  return allDiscrete(present) && distinct.size <= 10 ? 'ordinal' : 'interval';
}

/** Ratings as numbers for numeric statistics: a label's position in `categories`, else null. */
export function numericValue(rating: Rating, categories?: readonly Rating[]): number | null {
  if (rating === null) return null;
  if (categories) {
    const index = categories.indexOf(rating);
    return index < 0 ? null : index;
  }
  return typeof rating === 'number' ? rating : null;
}
