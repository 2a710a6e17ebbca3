/** Spearman's rho against the scipy.stats.spearmanr documentation example and Wikipedia's worked example. */
import { describe, expect, it } from 'vitest';
import { spearman } from './spearman.js';

describe('spearman', () => {
  it('scipy.stats.spearmanr docs: spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) → 0.8207826816681233 (ties in y)', () => {
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).value).toBeCloseTo(0.8207826816681233, 14);
  });

  it('Wikipedia "Spearman\'s rank correlation coefficient" IQ vs hours of TV example: ρ = −29/165 = −0.175757…', () => {
    const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    expect(spearman(iq, tv).value).toBeCloseTo(-29 / 165, 14);
  });

  it('handles ties with average ranks (checked against scipy 1.17 spearmanr: 0.7631578947368421)', () => {
    expect(spearman([1, 2, 2, 3, 4], [1, 3, 2, 2, 5]).value).toBeCloseTo(0.7631578947368421, 14);
  });

  it('is invariant to monotone transforms and undefined for a constant rater', () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 100]).value).toBe(1);
    expect(spearman([1, 2, 3], [7, 7, 7]).value).toBeNull();
    expect(spearman([1, null], [1, 2]).value).toBeNull();
  });
});
