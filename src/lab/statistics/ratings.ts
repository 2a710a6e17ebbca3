/**
 * Rating hygiene shared by every statistic: what counts as missing, how categories are ordered and
 * inferred, how two raters' arrays become complete pairs, and how ratings become numbers when a
 * statistic needs them (a `categories` position, or the rating itself when it is a number).
 */
import type { Rating, RatingMatrix } from './types.js';

/** A present rating: a finite number or a string. */
export type PresentRating = number | string;

/** True for null, undefined, NaN and ±Infinity — every value the core treats as "no rating". */
export function isMissing(rating: unknown): rating is null | undefined {
  if (rating === null || rating === undefined) return true;
  if (typeof rating === 'number') return !Number.isFinite(rating);
  return typeof rating !== 'string';
}

/**
 * The stable order used whenever categories are inferred: numbers first, ascending; then strings in
 * code-unit order. The number 4 and the string "4" are different categories.
 */
export function compareRatings(a: PresentRating, b: PresentRating): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct present ratings, in the stable order of {@link compareRatings}. */
export function inferCategories(ratings: Iterable<Rating | undefined>): PresentRating[] {
  const seen = new Set<PresentRating>();
  for (const rating of ratings) if (!isMissing(rating)) seen.add(rating);
  return [...seen].sort(compareRatings);
}

/** Every rating of a matrix, row by row. */
export function* allRatings(ratings: RatingMatrix): Generator<Rating | undefined> {
  for (const row of ratings) for (const rating of row) yield rating;
}

/** The present ratings of one item. */
export function presentRatings(row: readonly Rating[]): PresentRating[] {
  const present: PresentRating[] = [];
  for (const rating of row) if (!isMissing(rating)) present.push(rating);
  return present;
}

/** Complete pairs of two raters' parallel arrays (an item missing from either rater is dropped). */
export interface Pairs<T extends Rating = Rating> {
  x: Exclude<T, null>[];
  y: Exclude<T, null>[];
}

/** Throws when two raters' arrays are not parallel — a caller's bug, not a property of the data. */
export function assertSameLength(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`paired ratings must have the same length (got ${a.length} and ${b.length})`);
}

/** The items both raters rated, in input order. */
export function completePairs<T extends Rating>(a: readonly T[], b: readonly T[]): Pairs<T> {
  assertSameLength(a, b);
  const x: Exclude<T, null>[] = [];
  const y: Exclude<T, null>[] = [];
  for (let i = 0; i < a.length; i += 1) {
    const u = a[i];
    const v = b[i];
    if (isMissing(u) || isMissing(v)) continue;
    x.push(u as Exclude<T, null>);
    y.push(v as Exclude<T, null>);
  }
  return { x, y };
}

/** One rater's column of a matrix (absent cells read as null). */
export function column(ratings: RatingMatrix, rater: number): Rating[] {
  return ratings.map((row) => {
    const rating = row[rater];
    return rating === undefined ? null : rating;
  });
}

/** Parallel rater arrays zipped into an items × raters matrix (the shape the bootstrap resamples). */
export function toMatrix(...raters: readonly (readonly Rating[])[]): Rating[][] {
  const first = raters[0];
  if (first === undefined) return [];
  for (const rater of raters) assertSameLength(first, rater);
  return first.map((_, item) => raters.map((rater) => rater[item] ?? null));
}

/** The number of rater columns of a matrix (its longest row). */
export function raterCount(ratings: RatingMatrix): number {
  let count = 0;
  for (const row of ratings) count = Math.max(count, row.length);
  return count;
}

/** Display form of a rating inside a reason string. */
export function describeRating(rating: PresentRating): string {
  return typeof rating === 'string' ? JSON.stringify(rating) : String(rating);
}

/** The result of turning ratings into numbers: the numbers, or why that is impossible. */
export type NumericResult = { ok: true; values: number[] } | { ok: false; reason: string };

/**
 * Ratings as numbers. With `categories`, a rating's number is its position in that list (0, 1, …) and
 * a rating outside the list is an error; without, every rating must already be a finite number.
 */
export function toNumbers(ratings: readonly PresentRating[], categories?: readonly Rating[]): NumericResult {
  if (categories !== undefined) {
    const position = categoryPositions(categories);
    const values: number[] = [];
    for (const rating of ratings) {
      const at = position.get(rating);
      if (at === undefined) return { ok: false, reason: `rating ${describeRating(rating)} is not one of the given categories` };
      values.push(at);
    }
    return { ok: true, values };
  }
  const values: number[] = [];
  for (const rating of ratings) {
    if (typeof rating !== 'number') {
      return { ok: false, reason: `rating ${describeRating(rating)} is not a number; pass categories to give labels an order` };
    }
    values.push(rating);
  }
  return { ok: true, values };
}

/** Position of each category in a given order. Duplicate or missing entries are a caller's bug. */
export function categoryPositions(categories: readonly Rating[]): Map<PresentRating, number> {
  const position = new Map<PresentRating, number>();
  for (const category of categories) {
    if (isMissing(category)) throw new RangeError('categories must not contain missing values');
    if (position.has(category)) throw new RangeError(`categories lists ${describeRating(category)} twice`);
    position.set(category, position.size);
  }
  return position;
}
