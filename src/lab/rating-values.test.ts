/** File values as ratings, and the default measurement level. */
import { describe, expect, it } from 'vitest';
import { inferLevel, numericValue, toRating } from './rating-values.js';

describe('toRating', () => {
  it('keeps numbers and labels, reads numeric strings and booleans, and treats null, missing and "" as missing', () => {
    expect([4, 0.5, '4', ' 0.75 ', '1e2', true, false, 'good', null, undefined, '', '  ', Number.NaN].map(toRating)).toEqual([
      4,
      0.5,
      4,
      0.75,
      100,
      1,
      0,
      'good',
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(toRating({ score: 4 })).toBeUndefined();
    expect(toRating([1])).toBeUndefined();
  });
});

describe('inferLevel', () => {
  it('is nominal for labels, ordinal for a small whole-number scale or ordered labels, interval otherwise', () => {
    expect(inferLevel(['a', 'b', null])).toBe('nominal');
    expect(inferLevel(['a', 'b'], ['a', 'b'])).toBe('ordinal');
    expect(inferLevel([1, 2, 3, 4, 5, null])).toBe('ordinal');
    expect(inferLevel([0.5, 0.75, 1])).toBe('interval');
    expect(inferLevel(Array.from({ length: 11 }, (_unused, i) => i))).toBe('interval');
  });

  it('maps labels to positions when categories are given', () => {
    expect(numericValue('ok', ['bad', 'ok', 'good'])).toBe(1);
    expect(numericValue('meh', ['bad', 'ok', 'good'])).toBeNull();
    expect(numericValue(3)).toBe(3);
    expect(numericValue('3')).toBeNull();
  });
});
