/** analyseCalibration on four 0–1 scores against human labels: pass/fail at 0.5, errors, Spearman, the best threshold. */
import { describe, expect, it } from 'vitest';
import { analyseCalibration } from './calibration-analysis.js';

const settings = { resamples: 200, seed: 7 };

describe('analyseCalibration', () => {
  const result = analyseCalibration({
    source: { kind: 'external', input: 'verdicts.jsonl' },
    settings,
    judgeName: 'gpt',
    humanName: 'human',
    ids: ['a', 'b', 'c', 'd'],
    judge: [0.9, 0.2, 0.3, 0.4],
    human: [1, 0, 0.3, 0.6],
    lengths: null,
    lengthReason: 'no lengths',
    options: {},
  });

  it('cuts scores in [0, 1] into pass/fail at 0.5', () => {
    expect(result.mode).toBe('pass_fail');
    expect(result.thresholds).toEqual({ judge: { value: 0.5, source: 'unit_interval' }, human: { value: 0.5, source: 'unit_interval' } });
    // judge: pass fail fail fail · human: pass fail fail pass
    expect(result.per_item.map((item) => [item.judge_label, item.human_label])).toEqual([
      ['pass', 'pass'],
      ['fail', 'fail'],
      ['fail', 'fail'],
      ['fail', 'pass'],
    ]);
  });

  it('computes the statistics by hand', () => {
    expect(result.statistics.accuracy.value).toBe(0.75);
    // po = 0.75; judge (pass 1, fail 3), human (pass 2, fail 2): pe = (1 × 2 + 3 × 2) / 16 = 0.5; kappa = 0.5.
    expect(result.statistics.cohen_kappa_unweighted.value).toBeCloseTo(0.5, 12);
    // judge − human: −0.1, 0.2, 0, −0.2
    expect(result.statistics.mean_signed_error.value).toBeCloseTo(-0.025, 12);
    expect(result.statistics.mean_absolute_error.value).toBeCloseTo(0.125, 12);
    // Both sides rank the items 4, 1, 2, 3.
    expect(result.statistics.spearman.value).toBeCloseTo(1, 12);
  });

  it('finds the judge threshold that reproduces the humans', () => {
    // pass iff score ≥ 0.4 gets all four right (0.2: 2/4, 0.3: 3/4, 0.9: 3/4).
    expect(result.best_threshold).toMatchObject({ threshold: 0.4, metric: 'accuracy', accuracy: 1, n: 4 });
  });
});
