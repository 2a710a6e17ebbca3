/** analyseRegression: pass / fail / error per case, the pass rate, and what moved against a baseline. */
import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../../result.js';
import { analyseRegression } from './regression-analysis.js';
import type { SuiteCase } from './judge-suite.js';

const settings = { resamples: 200, seed: 7 };

function scored(id: string, reward: number): RewardResult {
  return {
    id,
    reward,
    neutral: false,
    gated_by: null,
    flags: [],
    metrics: {},
    components: [{ name: 'quality', kind: 'judge', type: 'rubric', score: reward, weight: 1, status: 'scored' }],
  };
}
const judgeFailed: RewardResult = {
  id: 'c3',
  reward: 0.5,
  neutral: true,
  gated_by: null,
  flags: ['judge_error'],
  metrics: {},
  components: [
    {
      name: 'quality',
      kind: 'judge',
      type: 'rubric',
      score: null,
      weight: 1,
      status: 'error',
      error: { kind: 'timeout', message: 'no answer in 30 s' },
    },
  ],
};

const cases: SuiteCase[] = [
  { name: 'good answer scores high', row_id: 'c1', expect: { reward: { min: 0.8 } } },
  { name: 'vague answer scores low', row_id: 'c2', expect: { reward: { max: 0.3 } } },
  { name: 'judge failure', row_id: 'c3', expect: { reward: { min: 0 } } },
];

describe('analyseRegression', () => {
  const result = analyseRegression({
    source: { kind: 'engine', spec: 'spec.yaml' },
    settings,
    suite: 'suite.yaml',
    cases,
    results: [scored('c1', 0.9), scored('c2', 0.45), judgeFailed],
    lengths: [100, 200, 300],
    tolerance: 1e-6,
    baseline: {
      path: 'before.json',
      cases: new Map([
        ['good answer scores high', { status: 'pass' as const, reward: 0.895 }],
        ['vague answer scores low', { status: 'pass' as const, reward: 0.25 }],
      ]),
    },
  });

  it('passes, fails and errors cases, and never passes one the judge could not judge', () => {
    expect(result.cases.map((entry) => [entry.name, entry.status, entry.reward])).toEqual([
      ['good answer scores high', 'pass', 0.9],
      ['vague answer scores low', 'fail', 0.45],
      ['judge failure', 'error', 0.5],
    ]);
    expect(result.cases[1]!.expectations).toEqual([{ what: 'reward', expected: '≤ 0.3', actual: 0.45, ok: false }]);
    expect(result.cases[2]!.error).toBe('judge quality: timeout — no answer in 30 s');
    // 1 of 3 cases passes.
    expect(result.statistics.pass_rate.value).toBeCloseTo(1 / 3, 12);
  });

  it('compares with the baseline: a shift within 0.01 has not moved, a new failure has', () => {
    // c1: 0.9 − 0.895 = 0.005 ≤ 0.01, same status · c2: 0.45 − 0.25 = 0.2 and pass → fail · c3: not in the baseline
    expect(result.cases.map((entry) => [entry.reward_delta, entry.moved])).toEqual([
      [0.005, false],
      [0.2, true],
      [null, false],
    ]);
    expect(result.summary).toEqual({ cases: 3, passed: 1, failed: 1, errored: 1, moved: 1, newly_failing: 1 });
  });
});
