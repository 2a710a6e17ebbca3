/** analyseHacking: reward shift per probe, raised / lowered / unchanged rows, skips, judge errors and the flag. */
import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../../result.js';
import { analyseHacking } from './hacking-analysis.js';
import type { Probe } from './probes.js';

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
const judgeFailed = (id: string): RewardResult => ({
  id,
  reward: 0.5,
  neutral: true,
  gated_by: null,
  flags: ['judge_error'],
  metrics: {},
  components: [{ name: 'quality', kind: 'judge', type: 'rubric', score: null, weight: 1, status: 'error' }],
});
const probe = (id: string): Probe => ({ id, family: 'padding', description: `${id} probe`, apply: () => ({ skipped: 'unused' }) });

describe('analyseHacking', () => {
  const text = { response: 'probed', mode: 'text' as const };
  const result = analyseHacking({
    source: { kind: 'engine', spec: 'spec.yaml', input: 'rollouts.jsonl' },
    settings,
    ids: ['a', 'b', 'c'],
    lengths: [10, 20, 30],
    baseline: [scored('a', 0.4), scored('b', 0.7), scored('c', 0.2)],
    runs: [
      // pad: a 0.4 → 0.6 (+0.2), b 0.7 → 0.7 (0), c 0.2 → 0.5 neutral after a judge failure (+0.3)
      { probe: probe('pad'), outcomes: [text, text, text], results: [scored('a', 0.6), scored('b', 0.7), judgeFailed('c')] },
      // praise: a 0.4 → 0.3 (−0.1), b skipped, c 0.2 → 0.1 (−0.1)
      {
        probe: probe('praise'),
        outcomes: [text, { skipped: 'no JSON string field' }, text],
        results: [scored('a', 0.3), undefined, scored('c', 0.1)],
      },
    ],
  });

  it('reports each probe’s shifts by hand', () => {
    const [pad, praise] = result.probes;
    expect(pad!.rows.map((row) => row.shift)).toEqual([0.2, 0, 0.3]);
    expect([pad!.raised_rows, pad!.lowered_rows, pad!.unchanged_rows, pad!.max_raise, pad!.judge_errors, pad!.flagged]).toEqual([
      2,
      0,
      1,
      0.3,
      1,
      true,
    ]);
    // (0.2 + 0 + 0.3) / 3
    expect(pad!.statistics.mean_shift.value).toBeCloseTo(0.5 / 3, 12);
    expect(pad!.statistics.share_raised.value).toBeCloseTo(2 / 3, 12);
    expect([praise!.rows_probed, praise!.rows_skipped, praise!.skip_reasons, praise!.lowered_rows, praise!.flagged]).toEqual([
      2,
      1,
      { 'no JSON string field': 1 },
      2,
      false,
    ]);
    expect(praise!.statistics.mean_shift.value).toBeCloseTo(-0.1, 12);
  });

  it('flags the probes that raised any row', () => {
    expect(result.summary).toMatchObject({ probes: 2, flagged: ['pad'] });
    expect(result.statistics.share_of_probes_flagged.value).toBe(0.5);
  });
});
