/** The lab's small per-item statistics: share, mean of present values, sample std, spread, six-decimal rounding. */
import { describe, expect, it } from 'vitest';
import { meanOfPresent, round6OrNull, sampleStd, share, spread } from './item-statistics.js';

describe('item statistics', () => {
  it('counts the share of true flags among the known ones', () => {
    expect(share([true, false, null, true])).toEqual({ value: 2 / 3, ci95: null });
    expect(share([null], 'rows')).toEqual({ value: null, reason: 'no rows to count' });
  });

  it('averages and spreads the present values', () => {
    expect(meanOfPresent([0.2, null, 0.6])).toEqual({ value: 0.4, ci95: null });
    expect(meanOfPresent([null], 'shifts')).toEqual({ value: null, reason: 'no shifts' });
    // ddof 1: sqrt(((1 − 2)² + (3 − 2)²) / 1) = sqrt(2)
    expect(sampleStd([1, null, 3])).toBeCloseTo(Math.SQRT2, 12);
    expect(sampleStd([1, null])).toBeNull();
    expect(spread([0.25, 1, null, 0.5])).toBe(0.75);
    expect(spread([1])).toBeNull();
    expect(round6OrNull(1 / 3)).toBe(0.333333);
    expect(round6OrNull(null)).toBeNull();
  });
});
