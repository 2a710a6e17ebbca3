/** Regression expectations against hand-made results: ranges, tolerance, verdict lines, missing values. */
import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../../result.js';
import { describeRange, evaluateExpectations, inRange } from './expectations.js';

const result: RewardResult = {
  id: 'x',
  reward: 0.75,
  neutral: false,
  gated_by: null,
  flags: ['response_cut_for_judge'],
  metrics: {},
  components: [
    { name: 'format', kind: 'check', type: 'json', score: 1, weight: 0, status: 'scored' },
    {
      name: 'quality',
      kind: 'judge',
      type: 'rubric',
      score: 0.5,
      weight: 1,
      status: 'scored',
      details: {
        items: [
          { score: 1, lines: { cites: { pass: true, rationale: '' }, depth: { score: 4, rationale: '' } } },
          { score: 0, lines: { cites: { pass: false, rationale: '' }, depth: { score: 2, rationale: '' } } },
        ],
      },
    },
    {
      name: 'pair',
      kind: 'judge',
      type: 'preference',
      score: 1,
      weight: 1,
      status: 'scored',
      details: { winner: 'response', per_order: {}, position_flip: false },
    },
  ],
};

describe('evaluateExpectations', () => {
  it('checks reward, flags, components and verdict lines, and explains each outcome', () => {
    const outcomes = evaluateExpectations(
      result,
      {
        reward: { min: 0.7, max: 0.8 },
        neutral: false,
        gated_by: null,
        flags: ['response_cut_for_judge'],
        not_flags: ['judge_error'],
        components: { format: 1, quality: { max: 0.4, status: 'scored' } },
        verdicts: { quality: { cites: 'pass', depth: { min: 3 } }, pair: { winner: 'response' } },
      },
      1e-6,
    );
    expect(outcomes).toEqual([
      { what: 'reward', expected: 'in [0.7, 0.8]', actual: 0.75, ok: true },
      { what: 'neutral', expected: 'false', actual: false, ok: true },
      { what: 'gated_by', expected: 'no gate failed', actual: null, ok: true },
      { what: 'flags', expected: 'includes response_cut_for_judge', actual: ['response_cut_for_judge'], ok: true },
      { what: 'flags', expected: 'excludes judge_error', actual: ['response_cut_for_judge'], ok: true },
      { what: 'components.format', expected: '= 1', actual: 1, ok: true },
      { what: 'components.quality.status', expected: 'scored', actual: 'scored', ok: true },
      { what: 'components.quality', expected: '≤ 0.4', actual: 0.5, ok: false },
      { what: 'verdicts.quality.cites', expected: 'pass (every item)', actual: '1/2 pass', ok: false },
      { what: 'verdicts.quality.depth', expected: '≥ 3', actual: 3, ok: true },
      { what: 'verdicts.pair.winner', expected: 'winner response', actual: 'response', ok: true },
    ]);
  });

  it('never lets a missing verdict or component satisfy an expectation', () => {
    expect(evaluateExpectations(result, { verdicts: { quality: { tone: { min: 0 } } }, components: { nope: { max: 1 } } }, 0)).toEqual([
      { what: 'components.nope', expected: 'a component of this name', actual: null, ok: false },
      { what: 'verdicts.quality.tone', expected: '≥ 0', actual: null, ok: false },
    ]);
    expect(evaluateExpectations({ ...result, reward: null }, { reward: { max: 1 } }, 0)[0]!.ok).toBe(false);
  });

  it('applies the tolerance to exact numbers and to bounds', () => {
    expect(inRange(0.8000001, 0.8, 1e-6)).toBe(true);
    expect(inRange(0.801, 0.8, 1e-6)).toBe(false);
    expect(inRange(0.9999995, { min: 1 }, 1e-6)).toBe(true);
    expect([describeRange(2), describeRange({ min: 1 }), describeRange({ max: 3 })]).toEqual(['= 2', '≥ 1', '≤ 3']);
  });
});
