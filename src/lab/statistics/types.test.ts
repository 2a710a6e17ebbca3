/** The Statistic constructors never let a non-finite value through. */
import { describe, expect, it } from 'vitest';
import { defined, isDefined, undefinedStatistic } from './types.js';

describe('Statistic constructors', () => {
  it('wraps finite values and normalises −0 to 0', () => {
    expect(defined(0.5)).toEqual({ value: 0.5, ci95: null });
    expect(defined(0.5, [0.1, 0.9])).toEqual({ value: 0.5, ci95: [0.1, 0.9] });
    expect(Object.is(defined(-0).value, 0)).toBe(true);
  });

  it('turns NaN and ±Infinity into an undefined statistic with a reason', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const statistic = defined(bad);
      expect(statistic.value).toBeNull();
      expect(isDefined(statistic)).toBe(false);
      expect((statistic as { reason: string }).reason).toMatch(/non-finite/);
    }
  });

  it('builds an undefined statistic', () => {
    expect(undefinedStatistic('constant ratings: no variance')).toEqual({ value: null, reason: 'constant ratings: no variance' });
  });
});
