import { describe, expect, it } from 'vitest';
import { combinePanel, defaultQuorum } from './panel-combine.js';

describe('combinePanel', () => {
  it('mean: the mean score, passing at the threshold, agreement = share of members on the panel side', () => {
    expect(combinePanel([1, 0.5, 0], 'mean', 0.5)).toEqual({ score: 0.5, passed: true, agreement: 0.666667, score_std: 0.408248 });
    expect(combinePanel([0.8, 0.6], 'mean', 0.75)).toEqual({ score: 0.7, passed: false, agreement: 0.5, score_std: 0.1 });
  });

  it('median: the middle score, or the mean of the two middle ones', () => {
    expect(combinePanel([0.9, 0.1, 0.4], 'median', 0.5)).toMatchObject({ score: 0.4, passed: false, agreement: 0.666667 });
    expect(combinePanel([1, 0, 0.25, 0.75], 'median', 0.5)).toMatchObject({ score: 0.5, passed: true, agreement: 0.5 });
  });

  it('majority: 1 when more than half pass, a tie fails', () => {
    expect(combinePanel([1, 0.6, 0.2], 'majority', 0.5)).toMatchObject({ score: 1, passed: true, agreement: 0.666667 });
    expect(combinePanel([1, 0], 'majority', 0.5)).toMatchObject({ score: 0, passed: false, agreement: 0.5 });
    expect(combinePanel([0.1, 0.2, 0.3], 'majority', 0.5)).toMatchObject({ score: 0, passed: false, agreement: 1 });
  });

  it('unanimity: 1 only when every member passes', () => {
    expect(combinePanel([1, 0.5, 0.7], 'unanimity', 0.5)).toEqual({ score: 1, passed: true, agreement: 1, score_std: 0.20548 });
    expect(combinePanel([1, 1, 0.49], 'unanimity', 0.5)).toMatchObject({ score: 0, passed: false, agreement: 0.333333 });
  });

  it('one member: its own score, full agreement, no spread', () => {
    expect(combinePanel([0.3], 'mean', 0.5)).toEqual({ score: 0.3, passed: false, agreement: 1, score_std: 0 });
  });

  it('no member is a bug', () => {
    expect(() => combinePanel([], 'mean', 0.5)).toThrow('combinePanel needs at least one member score');
  });
});

describe('defaultQuorum', () => {
  it('is a majority of the members', () => {
    expect([1, 2, 3, 4, 5].map(defaultQuorum)).toEqual([1, 2, 2, 3, 3]);
  });
});
