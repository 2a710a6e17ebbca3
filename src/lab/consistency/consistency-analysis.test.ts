/** analyseConsistency on a hand-sized run: which rows count, per-row spread, flip rate, alpha and ICC worked out by hand. */
import { describe, expect, it } from 'vitest';
import type { ComponentResult, RewardResult } from '../../result.js';
import { analyseConsistency } from './consistency-analysis.js';

const settings = { resamples: 200, seed: 7 };
const source = { kind: 'scored' as const, files: ['run1.jsonl', 'run2.jsonl'] };

function judged(id: string, reward: number, ok: boolean): RewardResult {
  const rubric: ComponentResult = {
    name: 'quality',
    kind: 'judge',
    type: 'rubric',
    score: reward,
    weight: 1,
    status: 'scored',
    details: { items: [{ score: reward, lines: { ok: { pass: ok } } }] },
  };
  return { id, reward, neutral: false, gated_by: null, flags: [], metrics: {}, components: [rubric] };
}
const gated = (id: string): RewardResult => ({
  id,
  reward: 0,
  neutral: false,
  gated_by: 'format',
  flags: ['gated'],
  metrics: {},
  components: [],
});
const judgeFailed = (id: string): RewardResult => ({
  id,
  reward: 0.5,
  neutral: true,
  gated_by: null,
  flags: ['judge_error'],
  metrics: {},
  components: [{ name: 'quality', kind: 'judge', type: 'rubric', score: null, weight: 1, status: 'error' }],
});

describe('analyseConsistency', () => {
  // a: 0.2 then 0.4, verdict pass/pass · b: 0.6 twice, verdict pass then fail · c: gated both times · d: 0.8, then the judge failed
  const result = analyseConsistency({
    source,
    settings,
    ids: ['a', 'b', 'c', 'd'],
    lengths: [10, 20, 30, 40],
    lengthReason: '',
    repeats: [
      [judged('a', 0.2, true), judged('b', 0.6, true), gated('c'), judged('d', 0.8, true)],
      [judged('a', 0.4, true), judged('b', 0.6, false), gated('c'), judgeFailed('d')],
    ],
  });

  it('leaves out rows no judge saw and counts a failed repeat as missing', () => {
    expect(result.rows).toEqual({ total: 4, judged: 3, excluded: { gated: 1, empty: 0, row_error: 0, unjudged: 0 }, judge_errors: 1 });
    expect(result.per_row.map((row) => [row.id, row.status, row.rewards, row.mean, row.std, row.range])).toEqual([
      // std of [0.2, 0.4] with ddof 1 = sqrt(0.02) = 0.141421356… → 0.141421
      ['a', 'judged', [0.2, 0.4], 0.3, 0.141421, 0.2],
      ['b', 'judged', [0.6, 0.6], 0.6, 0, 0],
      ['c', 'gated', [0, 0], 0, 0, 0],
      ['d', 'judged', [0.8, null], 0.8, null, null],
    ]);
  });

  it('computes the reliability over rows × repeats', () => {
    // Pairable units a, b: values 0.2 0.4 0.6 0.6 (n = 4). Do = (2 × 0.04) / 4 = 0.02;
    // De = 2 × (0.04 + 2 × 0.16 + 2 × 0.04) / (4 × 3) = 0.88 / 12; alpha = 1 − 0.02 / (0.88 / 12) = 8/11.
    expect(result.statistics.krippendorff_alpha_interval.value).toBeCloseTo(8 / 11, 12);
    // Complete rows a, b: MSB = 2 × (0.15² + 0.15²) / 1 = 0.09, MSW = (0.01 + 0.01) / 2 = 0.01; ICC(1) = 0.08 / 0.1 = 0.8.
    expect(result.statistics.icc1.value).toBeCloseTo(0.8, 12);
    // Mean of the defined row stds (a: sqrt(0.02), b: 0); d has one rating.
    expect(result.statistics.mean_row_std.value).toBeCloseTo(Math.sqrt(0.02) / 2, 12);
    // a changed, b did not, d cannot tell.
    expect(result.statistics.share_rows_changed.value).toBe(0.5);
  });

  it('gives each verdict line its flip rate over units judged at least twice', () => {
    expect(result.criteria).toHaveLength(1);
    const [line] = result.criteria;
    expect([line!.judge, line!.line, line!.kind, line!.units, line!.changed_units, line!.alpha_level]).toEqual([
      'quality',
      'ok',
      'pass_fail',
      2,
      1,
      'nominal',
    ]);
    expect(line!.statistics.flip_rate.value).toBe(0.5);
  });
});
