/** Rating hygiene: what is missing, the stable category order, complete pairs and conversion to numbers. */
import { describe, expect, it } from 'vitest';
import { categoryPositions, column, completePairs, inferCategories, isMissing, raterCount, toMatrix, toNumbers } from './ratings.js';

describe('ratings', () => {
  it('treats null, undefined, NaN and ±Infinity as missing, and keeps 0, "" and negative numbers', () => {
    for (const missing of [null, undefined, Number.NaN, Infinity, -Infinity]) expect(isMissing(missing)).toBe(true);
    for (const present of [0, -1, 2.5, '', 'pass']) expect(isMissing(present)).toBe(false);
  });

  it('infers categories numbers-first ascending, then strings, with 4 and "4" distinct', () => {
    expect(inferCategories([3, 'b', null, 1, '4', 4, 'a', 1, Number.NaN, 10])).toEqual([1, 3, 4, 10, '4', 'a', 'b']);
  });

  it('keeps only items both raters rated, in order', () => {
    expect(completePairs([1, null, 3, 4], [5, 6, undefined as unknown as null, 8])).toEqual({ x: [1, 4], y: [5, 8] });
    expect(() => completePairs([1], [])).toThrow(RangeError);
  });

  it('converts between parallel rater arrays and an items × raters matrix', () => {
    const matrix = toMatrix([1, 2, 3], ['a', null, 'c']);
    expect(matrix).toEqual([
      [1, 'a'],
      [2, null],
      [3, 'c'],
    ]);
    expect(column([[1, 2], [3]], 1)).toEqual([2, null]);
    expect(raterCount([[1], [1, 2, 3], []])).toBe(3);
    expect(toMatrix()).toEqual([]);
  });

  it('turns ratings into numbers: scale positions with categories, the numbers themselves without', () => {
    expect(toNumbers(['mid', 'low'], ['low', 'mid', 'high'])).toEqual({ ok: true, values: [1, 0] });
    expect(toNumbers([5, 1])).toEqual({ ok: true, values: [5, 1] });
    expect(toNumbers(['x'])).toEqual({ ok: false, reason: 'rating "x" is not a number; pass categories to give labels an order' });
    expect(toNumbers(['x'], ['a'])).toEqual({ ok: false, reason: 'rating "x" is not one of the given categories' });
  });

  it('rejects malformed category lists', () => {
    expect(() => categoryPositions([1, 1])).toThrow(RangeError);
    expect(() => categoryPositions([1, null])).toThrow(RangeError);
  });
});
