/**
 * `lab noise` end to end against the fake judge. A group judge (one call per group) whose scores per repeat are
 * scripted gives the noise, spread and SNR worked out by hand; a deterministic judge with a bias for the first slot
 * has no noise under --source sample and exactly the slot noise under --source permute (each repeat shows the group
 * in another order). On the contract-review example, the scripted lab judge `fake-noisy` with the pointwise and the
 * group spec, both --source: rows, groups, calls per rollout, and a re-run answered from the cache. `lab hack`
 * refuses a group spec, naming the judge.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labJudge } from '../../examples/contract-review/lab/lab-judge.js';
import { startFakeJudge, type FakeJudge, type FakeReply, type FakeRequest } from '../support/fake-judge-server.js';
import { groupRollouts } from '../support/group-judge.js';
import { isStatisticShape, readJson, runLab, tempDir, writeJsonl } from './support/run-lab.js';

let judge: FakeJudge;
let dir: string;
let spec: string;
let input: string;
beforeAll(async () => {
  judge = await startFakeJudge();
  dir = tempDir('noise');
  spec = join(dir, 'spec.yaml');
  writeFileSync(
    spec,
    `judge_model: {provider: openai-compatible, model: fake, base_url: http://127.0.0.1:9/v1, max_retries: 0}
judges:
  - {type: group, name: rank, criteria: The better answer is right., orders: 1}
`,
  );
  input = writeJsonl(dir, 'rows.jsonl', [
    { id: 'a', prompt: 'Question 1?', response: 'Answer a.' },
    { id: 'b', prompt: 'Question 1?', response: 'Answer b.' },
    { id: 'c', prompt: 'Question 1?', response: 'Answer c.' },
    { id: 'g', prompt: 'Question 1?', response: '' },
    { id: 'd', prompt: 'Question 2?', response: 'Answer d.' },
    { id: 'e', prompt: 'Question 2?', response: 'Answer e.' },
    { id: 'f', prompt: 'Question 2?', response: 'Answer f.' },
    { id: 'h', prompt: 'Question 3?', response: 'Answer h.' },
    { id: 'k', prompt: 'Question 1?' },
  ]);
});
afterAll(() => judge.close());

/** Scores (0–10) per rollout and repeat: the noise and spread of analyseNoise's unit test, scaled by 10. */
const PLAN: Record<string, number[]> = {
  'Answer a.': [2, 4, 3],
  'Answer b.': [5, 5, 5],
  'Answer c.': [8, 6, 7],
  'Answer d.': [3, 7, 5],
  'Answer e.': [7, 3, 5],
  'Answer f.': [5, 5, 5],
  'Answer h.': [9, 9, 9],
};

/** Answers the n-th call for a group (repeats run one after another) from PLAN. */
function plannedJudge(): (request: FakeRequest) => FakeReply {
  const seen = new Map<string, number>();
  return (request) => {
    const rollouts = groupRollouts(request.user);
    const group = rollouts
      .map((rollout) => rollout.text)
      .sort()
      .join('|');
    const repeat = seen.get(group) ?? 0;
    seen.set(group, repeat + 1);
    const entries = rollouts.map(({ label, text }) => [label, { rationale: 'planned', score: PLAN[text]![repeat]! }]);
    return { content: JSON.stringify({ rollouts: Object.fromEntries(entries) }) };
  };
}

/** Every rollout scores its base, +2 in the first slot: no noise in one order, slot noise when the order changes. */
const BASE: Record<string, number> = {
  'Answer a.': 2,
  'Answer b.': 5,
  'Answer c.': 8,
  'Answer d.': 4,
  'Answer e.': 6,
  'Answer f.': 5,
  'Answer h.': 7,
};
function firstSlotJudge(): (request: FakeRequest) => FakeReply {
  return (request) => {
    const entries = groupRollouts(request.user).map(({ label, text }, slot) => [
      label,
      { rationale: 'slotted', score: BASE[text]! + (slot === 0 ? 2 : 0) },
    ]);
    return { content: JSON.stringify({ rollouts: Object.fromEntries(entries) }) };
  };
}

interface Stat {
  value: number | null;
  ci95?: [number, number] | null;
  reason?: string;
}
interface NoiseJson {
  rows: unknown;
  groups: unknown;
  calls: { sent: number; per_rollout: number };
  statistics: Record<string, Stat>;
  judges: Array<{ name: string; type: string; statistics: Record<string, Stat>; mean_by_slot?: number[] }>;
  per_group: Array<{
    key: string;
    ids: string[];
    noise_sd: number | null;
    group_sd: number | null;
    snr: number | null;
    within_noise: boolean | null;
  }>;
  per_row: Array<{ id: string; group: string | null; status: string; scores: Array<number | null>; sd: number | null }>;
}

const sampleSd = (values: readonly number[]) => {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
};

const using = (extra: string[] = []) => ['--judge', 'openai-compatible:fake', '--judge-base-url', judge.url, '--no-cache', ...extra];

describe('lab noise', () => {
  it('judges each group once per repeat and reports noise, spread and SNR per group (values by hand)', async () => {
    judge.setScript(plannedJudge());
    judge.requests.length = 0;
    const json = join(dir, 'noise.json');
    const run = await runLab('noise', '--spec', spec, '--input', input, '--repeats', '3', ...using(['--json', json, '--resamples', '200']));
    expect(run.code).toBe(0);
    expect(judge.requests).toHaveLength(9); // 3 groups (Question 3? alone) × 3 repeats, one order each
    expect(judge.requests.map((request) => groupRollouts(request.user).length).sort()).toEqual([1, 1, 1, 3, 3, 3, 3, 3, 3]);
    expect(run.stderr).toContain('noise: repeat 3/3 judged 9 rows');

    const result = readJson<NoiseJson & Record<string, unknown>>(json);
    expect(Object.keys(result)).toEqual([
      'rewardkit_lab',
      'command',
      'source',
      'settings',
      'repeats',
      'noise_source',
      'rows',
      'groups',
      'calls',
      'statistics',
      'judges',
      'per_group',
      'per_row',
      'verbosity_bias',
    ]);
    expect(result).toMatchObject({ command: 'noise', repeats: 3, noise_source: 'sample', settings: { resamples: 200, seed: 1 } });
    expect(result.rows).toEqual({ total: 9, judged: 7, excluded: { gated: 0, empty: 1, row_error: 1, unjudged: 0 }, judge_errors: 0 });
    expect(result.groups).toEqual({ total: 3, judged: 2, singletons: 1 });
    expect(result.calls).toEqual({ sent: 9, per_rollout: 0.333333 });
    for (const statistic of Object.values(result.statistics)) expect(isStatisticShape(statistic)).toBe(true);

    expect(result.per_row.map((row) => [row.id, row.status, row.scores, row.sd])).toEqual([
      ['a', 'judged', [0.2, 0.4, 0.3], 0.1],
      ['b', 'judged', [0.5, 0.5, 0.5], 0],
      ['c', 'judged', [0.8, 0.6, 0.7], 0.1],
      ['g', 'empty', [null, null, null], null],
      ['d', 'judged', [0.3, 0.7, 0.5], 0.2],
      ['e', 'judged', [0.7, 0.3, 0.5], 0.2],
      ['f', 'judged', [0.5, 0.5, 0.5], 0],
      ['h', 'judged', [0.9, 0.9, 0.9], 0],
      ['k', 'row_error', [null, null, null], null],
    ]);
    const [q1, q2] = [result.per_row[0]!.group!, result.per_row[4]!.group!];
    expect(q1).toMatch(/^[0-9a-f]{12}$/);
    expect(result.per_row.map((row) => row.group)).toEqual([q1, q1, q1, q1, q2, q2, q2, result.per_row[7]!.group, null]);
    // noise_sd: sqrt((0.01 + 0 + 0.01) / 3) and sqrt((0.04 + 0.04 + 0) / 3); group_sd: mean(0.3, 0.1, 0.2), mean(0.2, 0.2, 0).
    expect(result.per_group).toEqual([
      { key: q1, ids: ['a', 'b', 'c'], noise_sd: 0.08165, group_sd: 0.2, snr: 2.44949, within_noise: false },
      { key: q2, ids: ['d', 'e', 'f'], noise_sd: 0.163299, group_sd: 0.133333, snr: 0.816497, within_noise: true },
    ]);
    expect(result.statistics.reward_snr!.value).toBeCloseTo(Math.sqrt(60) / 6, 12);
    expect(result.statistics.reward_noise_sd!.value).toBeCloseTo(Math.sqrt(1 / 60), 12);
    expect(result.statistics.reward_group_sd!.value).toBeCloseTo(1 / 6, 12);
    expect(result.statistics.share_groups_within_noise!.value).toBe(0.5);
    expect(result.statistics.share_groups_above_noise!.value).toBe(0.5);
    expect(result.judges.map((entry) => [entry.name, entry.type])).toEqual([['rank', 'group']]);
    expect(result.judges[0]!.statistics.snr!.value).toBeCloseTo(Math.sqrt(60) / 6, 12);
    expect(result.judges[0]!.statistics.mean_kendall_tau).toEqual({
      value: null,
      reason: 'one order judged: no second order to compare with',
    });
    expect(run.stdout).toContain('noise: 7 of 9 rows judged 3 times (--source sample); left out: 1 empty, 1 row_error');
    expect(run.stdout).toContain('  groups: 2 of 3 with two or more judged rows, 1 single-row; judge calls per rollout 0.333');
    expect(run.stdout).toContain('  reward_snr                 1.291 [');
  });

  it('a judge biased to the first slot: no noise under --source sample, exactly its slot noise under --source permute', async () => {
    judge.setScript(firstSlotJudge());
    const json = join(dir, 'noise-slot.json');
    const sample = await runLab('noise', '--spec', spec, '--input', input, '--repeats', '3', ...using(['--json', json]));
    expect(sample.code).toBe(0);
    const reason = 'the judge gave the same scores every repeat (temperature 0?): use --source permute or a temperature > 0';
    const quiet = readJson<NoiseJson>(json);
    expect(quiet.statistics.reward_snr).toEqual({ value: null, reason });
    expect(quiet.statistics.share_groups_within_noise).toEqual({ value: null, reason });
    expect(quiet.statistics.reward_noise_sd).toEqual({ value: 0, ci95: [0, 0] });

    judge.requests.length = 0;
    const permute = await runLab(
      'noise',
      '--spec',
      spec,
      '--input',
      input,
      '--repeats',
      '3',
      '--source',
      'permute',
      ...using(['--json', json]),
    );
    expect(permute.code).toBe(0);
    const result = readJson<NoiseJson>(json);
    expect(result).toMatchObject({ noise_source: 'permute', calls: { sent: 9, per_rollout: 0.333333 } });
    // What the judge saw: which rollout had slot A in each repeat (three calls per repeat, one after another).
    const first = new Map<string, boolean[]>();
    judge.requests.forEach((request, index) => {
      groupRollouts(request.user).forEach(({ text }, slot) => {
        const list = first.get(text) ?? [];
        list[Math.floor(index / 3)] = slot === 0;
        first.set(text, list);
      });
    });
    // The seed "noise-r" put another rollout first in some repeat.
    expect(['a', 'b', 'c', 'd', 'e', 'f'].some((id) => new Set(first.get(`Answer ${id}.`)).size > 1)).toBe(true);
    const expected = (id: string) => first.get(`Answer ${id}.`)!.map((isFirst) => (BASE[`Answer ${id}.`]! + (isFirst ? 2 : 0)) / 10);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'h'];
    expect(result.per_row.filter((row) => row.status === 'judged').map((row) => [row.id, row.scores])).toEqual(
      ids.map((id) => [id, expected(id)]),
    );
    // The analysis from those scores, written out once more.
    const groups = [
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ].map((members) => {
      const scores = members.map(expected);
      const noise = Math.sqrt(scores.map((row) => sampleSd(row) ** 2).reduce((sum, value) => sum + value, 0) / members.length);
      const spread = [0, 1, 2].map((r) => sampleSd(scores.map((row) => row[r]!))).reduce((sum, value) => sum + value, 0) / 3;
      return { noise, spread };
    });
    const snr = (groups[0]!.spread + groups[1]!.spread) / 2 / Math.sqrt((groups[0]!.noise ** 2 + groups[1]!.noise ** 2) / 2);
    expect(result.statistics.reward_snr!.value).toBeCloseTo(snr, 12);
    expect(result.statistics.share_groups_within_noise!.value).toBe(groups.filter((group) => group.spread <= group.noise).length / 2);
    // The mean score by slot: each call's normalised score at that slot, averaged over the calls with that slot.
    const bySlot: number[][] = [];
    for (const request of judge.requests)
      groupRollouts(request.user).forEach(({ text }, slot) => (bySlot[slot] ??= []).push((BASE[text]! + (slot === 0 ? 2 : 0)) / 10));
    expect(result.judges[0]!.mean_by_slot).toHaveLength(3);
    bySlot.forEach((values, slot) =>
      expect(result.judges[0]!.mean_by_slot![slot]).toBeCloseTo(values.reduce((sum, value) => sum + value, 0) / values.length, 6),
    );
  });

  it('refuses what it cannot measure: --repeats 1, an unknown --source, --source permute without a group judge, a spec without judges', async () => {
    const pointwise = join(dir, 'pointwise.yaml');
    writeFileSync(
      pointwise,
      'judge_model: {provider: openai-compatible, model: fake, base_url: http://127.0.0.1:9/v1}\njudges:\n  - {type: rubric, name: quality, criteria: [{id: ok, description: Fine}]}\n',
    );
    const checksOnly = join(dir, 'checks.yaml');
    writeFileSync(checksOnly, 'checks:\n  - {type: length, name: length, unit: words, max: 10}\n');
    judge.requests.length = 0;
    judge.preflights.length = 0;
    const cases: Array<[string[], string]> = [
      [['--spec', spec, '--input', input, '--repeats', '1'], 'lab noise: --repeats must be at least 2 (one judgement has no spread)'],
      [['--spec', spec, '--input', input, '--source', 'shuffle'], 'lab noise: --source: expected sample or permute, got "shuffle"'],
      [
        ['--spec', pointwise, '--input', input, '--source', 'permute'],
        `lab noise: --source permute shows the rollouts of group judges (type: group) in other orders, but the spec ${pointwise} has none: use --source sample`,
      ],
      [['--spec', checksOnly, '--input', input], `lab noise: the spec ${checksOnly} has no judge: there is no noise to measure`],
      [['--input', input], 'lab noise: --spec FILE is required (the reward spec)'],
    ];
    for (const [args, message] of cases) {
      const run = await runLab('noise', ...args, ...using());
      expect(run.code, message).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Run "rewardkit lab noise --help" for usage.');
    }
    expect(judge.requests).toHaveLength(0); // refused before any judge call
    expect(judge.preflights).toHaveLength(0);
  });
});

describe('lab noise on the contract-review example (scripted lab judge fake-noisy)', () => {
  let lab: FakeJudge;
  beforeAll(async () => {
    lab = await startFakeJudge(labJudge());
  });
  afterAll(() => lab.close());

  const EXAMPLE = ['--input', 'examples/contract-review/rollouts.jsonl', '--repeats', '3', '--resamples', '200'];
  const noisy = () => ['--judge', 'openai-compatible:fake-noisy', '--judge-base-url', lab.url];

  it('pointwise spec: one call per comment; group spec: two calls per group (both --source), re-runs answered from the cache', async () => {
    const cases = [
      { spec: 'examples/contract-review/spec.yaml', source: 'sample', calls: 273, type: 'rubric' },
      { spec: 'examples/contract-review/lab/group-spec.yaml', source: 'sample', calls: 72, type: 'group' },
      { spec: 'examples/contract-review/lab/group-spec.yaml', source: 'permute', calls: 72, type: 'group' },
    ];
    for (const { spec: file, source, calls, type } of cases) {
      const cache = join(dir, `cache-${type}-${source}.sqlite`);
      const json = join(dir, `contract-review-${type}-${source}.json`);
      lab.requests.length = 0;
      const run = await runLab('noise', '--spec', file, ...EXAMPLE, '--source', source, ...noisy(), '--cache', cache, '--json', json);
      expect(run.code, run.stderr).toBe(0);
      // 91 comments (rubric, one call each) or 12 groups × 2 orders, per repeat.
      expect(lab.requests).toHaveLength(calls);
      const result = readJson<NoiseJson>(json);
      expect(result.rows).toEqual({ total: 38, judged: 32, excluded: { gated: 3, empty: 3, row_error: 0, unjudged: 0 }, judge_errors: 0 });
      expect(result.groups).toEqual({ total: 12, judged: 12, singletons: 0 });
      expect(result.calls).toEqual({ sent: calls, per_rollout: Math.round((calls / 38 / 3) * 1e6) / 1e6 });
      expect(result.judges.map((entry) => [entry.name, entry.type])).toEqual([['review_quality', type]]);
      for (const statistic of Object.values(result.statistics)) expect(isStatisticShape(statistic)).toBe(true);
      // fake-noisy moves some verdicts between repeats: some noise, and the spread of the groups is well above it.
      expect(result.statistics.reward_noise_sd!.value).toBeGreaterThan(0);
      expect(result.statistics.reward_snr!.value).toBeGreaterThan(1);
      expect(result.per_group.map((group) => group.ids.length).sort()).toEqual([2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4]);
      if (type === 'group') {
        expect(result.judges[0]!.statistics.mean_kendall_tau!.value).toBeGreaterThan(0.9);
        expect(result.judges[0]!.mean_by_slot).toHaveLength(4); // construction-*: four judged rollouts
      }

      lab.requests.length = 0;
      const again = await runLab('noise', '--spec', file, ...EXAMPLE, '--source', source, ...noisy(), '--cache', cache, '--json', json);
      expect(again.code).toBe(0);
      expect(lab.requests).toHaveLength(0); // every repeat answered from its cache namespace
      expect(readJson<NoiseJson>(json).calls).toEqual({ sent: 0, per_rollout: 0 });
    }
  });
});

describe('lab hack with a group judge', () => {
  it('is refused before any judge call, naming the judge', async () => {
    judge.requests.length = 0;
    judge.preflights.length = 0;
    const run = await runLab('hack', '--spec', 'examples/contract-review/lab/group-spec.yaml', '--input', input, ...using());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'lab hack: the spec examples/contract-review/lab/group-spec.yaml has a group judge, "review_quality" (type: group): it judges the rollouts of one prompt against each other',
    );
    expect(judge.requests).toHaveLength(0);
    expect(judge.preflights).toHaveLength(0);
  });
});
