/**
 * A judge panel end to end, over real HTTP: `type: panel` with three members on two fake judge servers (one of
 * them answering 500), and `samples: 3` of one model. Shows the quorum rule (a failed member is left out while
 * the quorum holds; below it the row gets the neutral reward, flagged judge_error), the per-member details, the
 * `<name>_agreement` metric, and that each member's (and each sample's) calls are made and counted once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReward } from '../src/reward.js';
import { parseSpec } from '../src/spec/load-spec.js';
import { runCli } from './support/run-cli.js';
import { startFakeJudge, type FakeJudge, type FakeReply } from './support/fake-judge-server.js';

const verdict = (pass: boolean): FakeReply => ({
  content: JSON.stringify({ criteria: { correct: { rationale: pass ? 'right' : 'wrong', pass } } }),
  usage: { prompt_tokens: 10, completion_tokens: 5 },
});

let good: FakeJudge;
let broken: FakeJudge;
beforeAll(async () => {
  // model "yes" passes, model "no" fails the criterion; the broken server answers 500 to everything
  good = await startFakeJudge((request) => verdict(request.model === 'yes'));
  broken = await startFakeJudge(() => ({ status: 500, body: { error: { message: 'down' } } }));
});
afterAll(async () => {
  await good.close();
  await broken.close();
});

const member = (model: string, url: string) =>
  `    - model: {provider: openai-compatible, model: ${model}, base_url: "${url}", max_retries: 0, circuit_breaker: false}`;

function panelSpec(members: string[], extra = ''): string {
  return [
    'judges:',
    '  - type: panel',
    '    name: correctness',
    extra,
    '    judge:',
    '      type: rubric',
    '      criteria: [{id: correct, description: The answer is right}]',
    '    members:',
    ...members,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

const row = { id: 'r1', prompt: '2+2?', response: '4' };

describe('a panel judge over two fake judge servers', () => {
  it('leaves the failed member out while the quorum (2 of 3) holds; each call counted once', async () => {
    good.requests.length = 0;
    const spec = parseSpec(panelSpec([member('yes', good.url), member('no', good.url), member('dead', broken.url)], '    combine: mean'));
    const result = await createReward(spec).score(row);
    expect(result.reward).toBe(0.5);
    expect(result.flags).toEqual([]);
    const component = result.components[0]!;
    expect(component.status).toBe('scored');
    expect(component.details).toEqual({
      combine: 'mean',
      threshold: 0.5,
      quorum: 2,
      scored: 2,
      failed: 1,
      passed: true,
      agreement: 0.5,
      score_std: 0.5,
      members: [
        { member: 'member 1', model: `openai-compatible:yes@${good.url}`, score: 1, status: 'scored' },
        { member: 'member 2', model: `openai-compatible:no@${good.url}`, score: 0, status: 'scored' },
        {
          member: 'member 3',
          model: `openai-compatible:dead@${broken.url}`,
          score: null,
          status: 'error',
          error: { kind: 'server_error', status: 500, body: '{"error":{"message":"down"}}', message: 'answer: 500: down' },
        },
      ],
    });
    expect(component.calls!.map((call) => [call.label, call.model, call.error?.status ?? null])).toEqual([
      ['member 1: answer', `openai-compatible:yes@${good.url}`, null],
      ['member 2: answer', `openai-compatible:no@${good.url}`, null],
      ['member 3: answer', `openai-compatible:dead@${broken.url}`, 500],
    ]);
    expect(result.metrics).toMatchObject({ correctness: 0.5, correctness_agreement: 0.5, judge_calls: 3, judge_input_tokens: 20 });
    expect(good.requests.map((request) => request.model).sort()).toEqual(['no', 'yes']);
  });

  it('below quorum the component is a judge error: the neutral reward, flagged judge_error', async () => {
    const spec = parseSpec(panelSpec([member('yes', good.url), member('dead', broken.url)], '    quorum: 2'));
    const result = await createReward(spec).score(row);
    expect([result.reward, result.neutral, result.flags]).toEqual([0.5, true, ['judge_error']]);
    const component = result.components[0]!;
    expect(component.status).toBe('error');
    expect(component.error).toEqual({
      kind: 'server_error',
      status: 500,
      body: '{"error":{"message":"down"}}',
      message: 'quorum not met: 1 of 2 members scored (quorum 2); member 2: answer: 500: down',
    });
    expect(result.metrics.correctness_agreement).toBeUndefined();
  });

  it('majority of pass/fail: 2 of 3 members pass → 1, agreement 2/3', async () => {
    const spec = parseSpec(panelSpec([member('yes', good.url), member('yes2', good.url), member('no', good.url)], '    combine: majority'));
    good.setScript((request) => verdict(request.model !== 'no'));
    try {
      const result = await createReward(spec).score(row);
      expect([result.reward, result.metrics.correctness_agreement]).toEqual([1, 0.666667]);
    } finally {
      good.setScript((request) => verdict(request.model === 'yes'));
    }
  });

  it('samples: k real calls to one model, each under its own cache namespace', async () => {
    good.requests.length = 0;
    let answered = 0;
    good.setScript(() => verdict(answered++ % 2 === 0)); // pass, fail, pass
    try {
      const spec = parseSpec(
        [
          `judge_model: {provider: openai-compatible, model: sampled, base_url: "${good.url}", temperature: 1, max_retries: 0}`,
          'judges:',
          '  - type: panel',
          '    samples: 3',
          '    combine: median',
          '    judge: {type: rubric, criteria: [{id: correct, description: The answer is right}]}',
        ].join('\n'),
      );
      const result = await createReward(spec).score(row);
      expect(good.requests).toHaveLength(3);
      expect(result.reward).toBe(1);
      const component = result.components[0]!;
      expect(component.calls!.map((call) => [call.label, call.cached])).toEqual([
        ['sample 1: answer', false],
        ['sample 2: answer', false],
        ['sample 3: answer', false],
      ]);
      expect(result.metrics).toMatchObject({ panel: 1, panel_agreement: 0.666667, judge_calls: 3 });
    } finally {
      good.setScript((request) => verdict(request.model === 'yes'));
    }
  });
});

describe('rewardkit score with a panel', () => {
  it('preflights each member model, then scores with both (no judge_model needed)', async () => {
    good.requests.length = 0;
    good.preflights.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-panel-'));
    writeFileSync(join(dir, 'spec.yaml'), panelSpec([member('yes', good.url), member('no', good.url)], '    combine: unanimity'));
    writeFileSync(join(dir, 'rows.jsonl'), `${JSON.stringify(row)}\n`);
    const output = join(dir, 'scored.jsonl');
    const result = await runCli(
      'score',
      '--spec',
      join(dir, 'spec.yaml'),
      '--input',
      join(dir, 'rows.jsonl'),
      '--output',
      output,
      '--no-cache',
    );
    expect(result.code).toBe(0);
    expect(good.preflights.map((request) => request.model).sort()).toEqual(['no', 'yes']);
    const scored = JSON.parse(readFileSync(output, 'utf8')) as { reward: number; metrics: Record<string, number> };
    expect([scored.reward, scored.metrics.correctness_agreement, scored.metrics.judge_calls]).toEqual([0, 0.5, 2]);
  });
});
