/**
 * `lab position` end to end against the fake judge: eight pairs with planted behaviour (consistent
 * verdicts, ties, three rows that always pick the first slot, one that always picks the second) give
 * hand-counted swap agreement, tie rate, first-position rate, swap matrix and sign test; the spec is
 * narrowed to the one preference judge (forced to judge both orders); a score output file gives the same.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReward } from '../../src/reward.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { applyJudgeOverride } from '../../src/spec/judge-override.js';
import { readFenced } from '../../src/judges/fence.js';
import { cohenKappa } from '../../src/lab/statistics/index.js';
import { startFakeJudge, type FakeJudge, type FakeReply, type FakeRequest } from '../support/fake-judge-server.js';
import { isStatisticShape, readJson, runLab, tempDir, writeJsonl } from './support/run-lab.js';

let judge: FakeJudge;
let dir: string;
let spec: string;
let input: string;

/** What the judge does on each pair. */
const BEHAVIOUR: Record<string, 'response' | 'other' | 'first' | 'second' | 'tie'> = {
  p1: 'response',
  p2: 'response',
  p3: 'other',
  p4: 'first',
  p5: 'first',
  p6: 'first',
  p7: 'second',
  p8: 'tie',
};

function pairJudge(): (request: FakeRequest) => FakeReply {
  return (request) => {
    const a = readFenced(request.user, 'answer_a');
    if (a === undefined) return { status: 400, body: { error: { message: 'only preference prompts expected' } } };
    const id = /(p\d+)/.exec(a)?.[1] ?? '';
    const policyIsA = a.startsWith('POLICY');
    const behaviour = BEHAVIOUR[id];
    const verdict =
      behaviour === 'first'
        ? 'A'
        : behaviour === 'second'
          ? 'B'
          : behaviour === 'tie'
            ? 'tie'
            : behaviour === 'response'
              ? policyIsA
                ? 'A'
                : 'B'
              : policyIsA
                ? 'B'
                : 'A';
    return { content: JSON.stringify({ rationale: `scripted ${behaviour}`, verdict }) };
  };
}

beforeAll(async () => {
  judge = await startFakeJudge(pairJudge());
  dir = tempDir('position');
  spec = join(dir, 'spec.yaml');
  writeFileSync(
    spec,
    `judge_model: {provider: openai-compatible, model: fake, base_url: http://127.0.0.1:9/v1, max_retries: 0}
checks:
  - {type: length, name: length, unit: words, max: 100}
judges:
  - {type: rubric, name: helpful, criteria: [{id: helps, description: It helps}]}
  - {type: preference, name: pairwise, criteria: Prefer the correct answer., position: random}
`,
  );
  input = writeJsonl(dir, 'pairs.jsonl', [
    ...Object.keys(BEHAVIOUR).map((id) => ({
      id,
      prompt: `Task ${id}`,
      response: `POLICY answer ${id}`,
      reference: `REFERENCE answer ${id}`,
    })),
    { id: 'p9', prompt: 'Task p9', response: '', reference: 'REFERENCE answer p9' },
  ]);
});
afterAll(() => judge.close());

interface Stat {
  value: number | null;
  ci95?: [number, number] | null;
}

describe('lab position', () => {
  it('measures swap agreement, ties and the favoured position on planted behaviour (counted by hand)', async () => {
    judge.requests.length = 0;
    const json = join(dir, 'position.json');
    const run = await runLab(
      'position',
      '--spec',
      spec,
      '--input',
      input,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--json',
      json,
    );
    expect(run.code).toBe(0);
    // Narrowed to the preference judge, judged in both orders although the spec says "random": 8 pairs × 2.
    expect(judge.requests).toHaveLength(16);
    const result = readJson<Record<string, unknown> & { statistics: Record<string, Stat>; per_row: Array<Record<string, unknown>> }>(json);
    expect(Object.keys(result)).toEqual([
      'rewardkit_lab',
      'command',
      'source',
      'settings',
      'judge',
      'rows',
      'statistics',
      'position_bias_test',
      'swap_matrix',
      'slot_counts',
      'per_row',
      'verbosity_bias',
    ]);
    expect(Object.keys(result.statistics)).toEqual(['swap_agreement', 'cohen_kappa_unweighted', 'tie_rate', 'first_position_rate']);
    for (const statistic of Object.values(result.statistics)) expect(isStatisticShape(statistic)).toBe(true);
    expect(result).toMatchObject({ judge: 'pairwise', rows: { total: 9, judged_both_orders: 8, excluded: { empty: 1 } } });
    expect(result.statistics.swap_agreement!.value).toBe(4 / 8); // p1, p2, p3, p8 keep their verdict
    expect(result.statistics.tie_rate!.value).toBe(2 / 16);
    expect(result.statistics.first_position_rate!.value).toBe(9 / 14); // decisive slots: A in p1, p2, p3 once, p4–p6 twice
    const first = ['response', 'response', 'other', 'response', 'response', 'response', 'other', 'tie'];
    const second = ['response', 'response', 'other', 'other', 'other', 'other', 'response', 'tie'];
    expect(result.statistics.cohen_kappa_unweighted!.value).toBe(
      cohenKappa(first, second, { categories: ['response', 'tie', 'other'] }).value,
    );
    // Sign test: 3 rows chose slot A both times, 1 chose B both times; P(X ≥ 3) + P(X ≤ 1) for Bin(4, ½) = 10/16.
    expect(result.position_bias_test).toEqual({
      test: 'exact two-sided binomial (sign) test, p = 0.5, on rows whose verdict followed the slot',
      first_favoured_rows: 3,
      second_favoured_rows: 1,
      p_value: 0.625,
      favoured: 'first',
      significant: false,
      alpha: 0.05,
    });
    expect(result.swap_matrix).toEqual({
      labels: ['response', 'tie', 'other'],
      counts: [
        [2, 0, 3],
        [0, 1, 0],
        [1, 0, 1],
      ],
    });
    expect(result.slot_counts).toEqual({ response_first: { A: 5, B: 2, tie: 1 }, response_second: { A: 4, B: 3, tie: 1 } });
    expect(result.per_row[3]).toEqual({
      id: 'p4',
      length: 16,
      response_first: 'response',
      response_second: 'other',
      slots: ['A', 'A'],
      consistent: false,
      score: 0.5,
      status: 'judged',
    });
    expect(result.per_row[8]).toMatchObject({ id: 'p9', status: 'empty', slots: null });
    expect(run.stdout).toContain('position bias: 3 rows favour the first slot, 1 the second; p = 0.6250 → not significant');
  });

  it('reads a score output whose preference judge judged both orders', async () => {
    const loaded = loadSpec(spec).spec;
    const both = {
      ...loaded,
      judges: loaded.judges.map((entry) => (entry.type === 'preference' ? { ...entry, position: 'both' as const } : entry)),
    };
    judge.setScript(pairJudge());
    // Only the preference prompts are answered; the rubric judge fails, which the position analysis ignores.
    const reward = createReward(applyJudgeOverride(both, { provider: 'openai-compatible', model: 'fake', base_url: judge.url }));
    const rows = (await import('node:fs'))
      .readFileSync(input, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const results = await reward.scoreBatch(rows);
    const scored = writeJsonl(
      dir,
      'scored.jsonl',
      results.map((result, index) => ({ line: index + 1, ...result })),
    );
    const json = join(dir, 'position-scored.json');
    expect((await runLab('position', '--scored', scored, '--rollouts', input, '--json', json)).code).toBe(0);
    const fromFile = readJson<{ statistics: unknown; position_bias_test: unknown; swap_matrix: unknown }>(json);
    const fromEngine = readJson<{ statistics: unknown; position_bias_test: unknown; swap_matrix: unknown }>(join(dir, 'position.json'));
    expect(fromFile.statistics).toEqual(fromEngine.statistics);
    expect(fromFile.position_bias_test).toEqual(fromEngine.position_bias_test);
    expect(fromFile.swap_matrix).toEqual(fromEngine.swap_matrix);
  });

  it('explains a spec without a preference judge (exit 2) and an unknown --judge-name', async () => {
    const rubricOnly = join(dir, 'rubric.yaml');
    writeFileSync(
      rubricOnly,
      'judge_model: {provider: openai-compatible, model: fake, base_url: http://127.0.0.1:9/v1}\njudges: [{type: rubric, criteria: [{id: ok, description: ok}]}]\n',
    );
    const none = await runLab('position', '--spec', rubricOnly, '--input', input, '--no-preflight', '--no-cache');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no preference judge; position bias is measured on pairwise (type: preference) judges');
    const wrong = await runLab('position', '--spec', spec, '--input', input, '--judge-name', 'helpful', '--no-preflight', '--no-cache');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--judge-name helpful:');
    expect(wrong.stderr).toContain('(preference judges: pairwise)');
  });

  it('stops before judging when the judge is unreachable (exit 5)', async () => {
    const run = await runLab(
      'position',
      '--spec',
      spec,
      '--input',
      input,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      'http://127.0.0.1:9/v1',
      '--no-cache',
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('cannot reach the judge, so nothing was judged');
  });
});
