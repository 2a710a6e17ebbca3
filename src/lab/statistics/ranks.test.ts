/** Average ranks, against scipy.stats.rankdata's documented example. */
import { describe, expect, it } from 'vitest';
import { averageRanks } from './ranks.js';

describe('averageRanks', () => {
  it('matches scipy.stats.rankdata docs: rankdata([0, 2, 3, 2]) → [1, 2.5, 4, 2.5]', () => {
    expect(averageRanks([0, 2, 3, 2])).toEqual([1, 2.5, 4, 2.5]);
  });

  it('handles all-tied, single and empty inputs', () => {
    expect(averageRanks([7, 7, 7])).toEqual([2, 2, 2]);
    expect(averageRanks([3])).toEqual([1]);
    expect(averageRanks([])).toEqual([]);
  });
});
