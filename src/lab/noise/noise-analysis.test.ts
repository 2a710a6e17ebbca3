/** analyseNoise on a hand-made run: 2 groups × 3 rows × 3 repeats (plus left-out rows), every value worked out by hand. */
import { describe, expect, it } from 'vitest';
import type { ComponentResult, RewardResult } from '../../result.js';
import { analyseNoise } from './noise-analysis.js';

const settings = { resamples: 200, seed: 7 };
const source = { kind: 'engine' as const, spec: 'spec.yaml', input: 'rows.jsonl' };

/** The group judge's details for its group in one repeat (every member carries the same). */
interface GroupDetails {
  key: string;
  tau: number | null;
  bySlot: number[];
}

function judged(id: string, quality: number | 'error', ranker: number, group: GroupDetails): RewardResult {
  const rubric: ComponentResult =
    quality === 'error'
      ? { name: 'quality', kind: 'judge', type: 'rubric', score: null, weight: 1, status: 'error' }
      : { name: 'quality', kind: 'judge', type: 'rubric', score: quality, weight: 1, status: 'scored' };
  const ranking: ComponentResult = {
    name: 'ranker',
    kind: 'judge',
    type: 'group',
    score: ranker,
    weight: 0,
    status: 'scored',
    details: {
      group: { key: group.key },
      kendall_tau: group.tau,
      ...(group.tau === null ? { kendall_tau_reason: 'one order' } : {}),
      position_bias: { mean_by_slot: group.bySlot },
    },
  };
  // The reward is the rubric's score (the group judge has weight 0); a failed rubric gives the neutral 0.5.
  return {
    id,
    reward: quality === 'error' ? 0.5 : quality,
    neutral: quality === 'error',
    gated_by: null,
    flags: quality === 'error' ? ['judge_error'] : [],
    metrics: {},
    components: [rubric, ranking],
  };
}
const gated = (id: string): RewardResult => ({
  id,
  reward: 0,
  neutral: false,
  gated_by: 'format',
  flags: ['gated'],
  metrics: {},
  components: [
    { name: 'quality', kind: 'judge', type: 'rubric', score: null, weight: 1, status: 'skipped' },
    { name: 'ranker', kind: 'judge', type: 'group', score: null, weight: 0, status: 'skipped' },
  ],
});
const unreadable = (id: string): RewardResult => ({
  id,
  reward: null,
  neutral: false,
  gated_by: null,
  flags: ['row_error'],
  metrics: {},
  components: [],
  error: { field: 'messages', message: 'expected a non-empty array' },
});

// Rewards (= quality) per repeat:            ranker (the same every repeat):
//   g1: a 0.2 0.4 0.3   σ 0.1                  a 0.2  b 0.5  c 0.8
//       b 0.5 0.5 0.5   σ 0                    τ 1, 1, 0   mean_by_slot [0.6, 0.5, 0.4]
//       c 0.8 0.6 0.7   σ 0.1
//       g gated (left out)
//   g2: d 0.3 0.7 0.5   σ 0.2                  d 0.4  e 0.6  f 0.5
//       e 0.7 0.3 0.5   σ 0.2                  τ 1, 0, 0   mean_by_slot [0.7, 0.5, 0.3]
//       f 0.5 0.5 error σ 0 (two values)
//   g3: h 0.9 0.9 0.9   a singleton: no spread
//   k:  unreadable in every repeat
const QUALITY: Record<string, Array<number | 'error'>> = {
  a: [0.2, 0.4, 0.3],
  b: [0.5, 0.5, 0.5],
  c: [0.8, 0.6, 0.7],
  d: [0.3, 0.7, 0.5],
  e: [0.7, 0.3, 0.5],
  f: [0.5, 0.5, 'error'],
  h: [0.9, 0.9, 0.9],
};
const RANKER: Record<string, number> = { a: 0.2, b: 0.5, c: 0.8, d: 0.4, e: 0.6, f: 0.5, h: 0.9 };
const GROUP_OF: Record<string, string> = { a: 'g1', b: 'g1', c: 'g1', g: 'g1', d: 'g2', e: 'g2', f: 'g2', h: 'g3' };
const DETAILS: Record<string, GroupDetails[]> = {
  g1: [
    { key: 'k1', tau: 1, bySlot: [0.6, 0.5, 0.4] },
    { key: 'k1', tau: 1, bySlot: [0.6, 0.5, 0.4] },
    { key: 'k1', tau: 0, bySlot: [0.6, 0.5, 0.4] },
  ],
  g2: [
    { key: 'k2', tau: 1, bySlot: [0.7, 0.5, 0.3] },
    { key: 'k2', tau: 0, bySlot: [0.7, 0.5, 0.3] },
    { key: 'k2', tau: 0, bySlot: [0.7, 0.5, 0.3] },
  ],
  g3: [0, 1, 2].map(() => ({ key: 'k3', tau: null, bySlot: [0.9] })),
};
const IDS = ['a', 'b', 'c', 'g', 'd', 'e', 'f', 'h', 'k'];
const repeats = [0, 1, 2].map((r) =>
  IDS.map((id) => {
    if (id === 'g') return gated(id);
    if (id === 'k') return unreadable(id);
    return judged(id, QUALITY[id]![r]!, RANKER[id]!, DETAILS[GROUP_OF[id]!]![r]!);
  }),
);

const result = analyseNoise({
  source,
  settings,
  ids: IDS,
  groups: IDS.map((id) => GROUP_OF[id] ?? null),
  lengths: [10, 20, 30, 40, 50, 60, 70, 80, null],
  repeats,
  noiseSource: 'sample',
  callsSent: 27,
});

// noise_sd: g1 sqrt((0.01 + 0 + 0.01) / 3) = sqrt(0.02 / 3); g2 sqrt((0.04 + 0.04 + 0) / 3) = sqrt(0.08 / 3).
// group_sd: g1 mean(sd(0.2,0.5,0.8), sd(0.4,0.5,0.6), sd(0.3,0.5,0.7)) = mean(0.3, 0.1, 0.2) = 0.2;
//           g2 mean(sd(0.3,0.7,0.5), sd(0.7,0.3,0.5), sd(0.5,0.5)) = mean(0.2, 0.2, 0) = 2/15.
// snr = mean(0.2, 2/15) / sqrt(mean(0.02/3, 0.08/3)) = (1/6) / sqrt(1/60) = sqrt(60) / 6.
const G1_NOISE = Math.sqrt(0.02 / 3);
const G2_NOISE = Math.sqrt(0.08 / 3);

describe('analyseNoise', () => {
  it('counts rows, groups and calls; rows no judge saw are left out, a failed repeat is missing', () => {
    expect(result.command).toBe('noise');
    expect(result.repeats).toBe(3);
    expect(result.noise_source).toBe('sample');
    expect(result.rows).toEqual({ total: 9, judged: 7, excluded: { gated: 1, empty: 0, row_error: 1, unjudged: 0 }, judge_errors: 1 });
    expect(result.groups).toEqual({ total: 3, judged: 2, singletons: 1 });
    expect(result.calls).toEqual({ sent: 27, per_rollout: 1 });
    expect(result.per_row.map((row) => [row.id, row.group, row.status, row.scores, row.sd])).toEqual([
      ['a', 'g1', 'judged', [0.2, 0.4, 0.3], 0.1],
      ['b', 'g1', 'judged', [0.5, 0.5, 0.5], 0],
      ['c', 'g1', 'judged', [0.8, 0.6, 0.7], 0.1],
      ['g', 'g1', 'gated', [null, null, null], null],
      ['d', 'g2', 'judged', [0.3, 0.7, 0.5], 0.2],
      ['e', 'g2', 'judged', [0.7, 0.3, 0.5], 0.2],
      ['f', 'g2', 'judged', [0.5, 0.5, null], 0],
      ['h', 'g3', 'judged', [0.9, 0.9, 0.9], 0],
      ['k', null, 'row_error', [null, null, null], null],
    ]);
  });

  it('gives each group its noise, spread and signal-to-noise ratio', () => {
    expect(result.per_group).toEqual([
      { key: 'g1', ids: ['a', 'b', 'c'], noise_sd: 0.08165, group_sd: 0.2, snr: 2.44949, within_noise: false },
      { key: 'g2', ids: ['d', 'e', 'f'], noise_sd: 0.163299, group_sd: 0.133333, snr: 0.816497, within_noise: true },
    ]);
  });

  it('computes the reward SNR and the share of groups within the noise over groups', () => {
    const { statistics } = result;
    expect(statistics.reward_snr.value).toBeCloseTo(Math.sqrt(60) / 6, 12); // 1.290994
    expect(statistics.reward_noise_sd.value).toBeCloseTo(Math.sqrt((G1_NOISE ** 2 + G2_NOISE ** 2) / 2), 12); // sqrt(1/60)
    expect(statistics.reward_group_sd.value).toBeCloseTo(1 / 6, 12);
    expect(statistics.share_groups_within_noise.value).toBe(0.5);
    expect(statistics.share_groups_above_noise.value).toBe(0.5);
    // Two groups: each resample is g1 twice (snr 0.2 / G1_NOISE), g2 twice, or one of each.
    const ci = statistics.reward_snr.value === null ? null : statistics.reward_snr.ci95;
    expect(ci![0]).toBeCloseTo(2 / 15 / G2_NOISE, 12);
    expect(ci![1]).toBeCloseTo(0.2 / G1_NOISE, 12);
  });

  it('reports each judge: the rubric as the reward; a group judge without noise has no SNR, but its order statistics', () => {
    expect(result.judges.map((judge) => [judge.name, judge.type])).toEqual([
      ['quality', 'rubric'],
      ['ranker', 'group'],
    ]);
    const [quality, ranker] = result.judges;
    expect(quality!.statistics.snr).toEqual(result.statistics.reward_snr);
    expect(quality!.statistics.share_groups_within_noise).toEqual(result.statistics.share_groups_within_noise);
    expect(quality!.statistics.mean_kendall_tau).toBeUndefined();
    expect(quality!.mean_by_slot).toBeUndefined();

    const reason = 'the judge gave the same scores every repeat (temperature 0?): use --source permute or a temperature > 0';
    expect(ranker!.statistics.snr).toEqual({ value: null, reason });
    expect(ranker!.statistics.share_groups_within_noise).toEqual({ value: null, reason });
    expect(ranker!.statistics.noise_sd).toEqual({ value: 0, ci95: [0, 0] });
    // g1: sd(0.2, 0.5, 0.8) = 0.3 every repeat; g2: sd(0.4, 0.6, 0.5) = 0.1 every repeat.
    expect(ranker!.statistics.group_sd.value).toBeCloseTo(0.2, 12);
    // τ once per group and repeat (g3 has none): (1 + 1 + 0 + 1 + 0 + 0) / 6.
    expect(ranker!.statistics.mean_kendall_tau!.value).toBe(0.5);
    // slots A, B, C over g1 and g2 in 3 repeats, slot A also over g3's single slot (0.9).
    expect(ranker!.mean_by_slot).toEqual([0.733333, 0.5, 0.35]);
  });

  it('with --source permute, the no-noise reason says so; with no group of two rows nothing is defined', () => {
    const permuted = analyseNoise({
      source,
      settings,
      ids: ['x', 'y'],
      groups: ['g', 'g'],
      lengths: [1, 2],
      repeats: [0, 1].map(() => [judged('x', 0.2, 0.2, DETAILS.g3![0]!), judged('y', 0.6, 0.6, DETAILS.g3![0]!)]),
      noiseSource: 'permute',
      callsSent: 2,
    });
    expect(permuted.statistics.reward_snr).toEqual({
      value: null,
      reason: 'the judge gave the same scores in every order and repeat: there is no noise to compare the spread with',
    });
    expect(permuted.per_group).toEqual([{ key: 'g', ids: ['x', 'y'], noise_sd: 0, group_sd: 0.282843, snr: null, within_noise: false }]);
    expect(permuted.calls.per_rollout).toBe(0.5);

    const apart = analyseNoise({
      source,
      settings,
      ids: ['x', 'y'],
      groups: ['g', 'h'],
      lengths: [1, 2],
      repeats: [0, 1].map((r) => [judged('x', 0.2 + r / 10, 0.2, DETAILS.g3![0]!), judged('y', 0.6, 0.6, DETAILS.g3![0]!)]),
      noiseSource: 'sample',
      callsSent: 4,
    });
    expect(apart.groups).toEqual({ total: 2, judged: 0, singletons: 2 });
    expect(apart.per_group).toEqual([]);
    const none = 'no group with at least two judged rows, each judged at least twice';
    expect(apart.statistics.reward_snr).toEqual({ value: null, reason: none });
    expect(apart.statistics.share_groups_within_noise).toEqual({ value: null, reason: none });
    expect(apart.statistics.reward_noise_sd).toEqual({ value: null, reason: none });
  });
});
