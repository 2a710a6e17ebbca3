/**
 * `aggregate.on_judge_error: null` ("no reward") trainer by trainer: `/v1/score` (and so the TRL client) returns
 * `reward: null` flagged judge_error; OpenRLHF `/get_reward`, `/v1/nova` and the Nova Lambda need a number and give
 * the neutral value, with judge_error = 1 and row_error = 0 in their logs; a row the deadline overtakes is no reward
 * too. The fake judge answers HTTP 500 to a response containing "[fail]".
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReward } from '../../src/reward.js';
import { deadlineResult, scoreBeforeDeadline, startDeadline } from '../../src/serve/deadline.js';
import { handler } from '../../src/serve/lambda-handler.js';
import { validateSpecObject } from '../../src/spec/load-spec.js';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { QA_SPEC, startTestServer, type TestServer } from './support/in-process-server.js';
import { qaJudge } from './support/qa-judge.js';

const QUESTION = 'What is the capital of France?';
const PROMPT = `<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`;
const sample = (id: string, answer: string) => ({
  id,
  messages: [
    { role: 'user', content: QUESTION },
    { role: 'assistant', content: answer },
  ],
  reference_answer: 'Paris',
});

let judge: FakeJudge;
let nullSpec: string;
let nullServer: TestServer;
let neutralServer: TestServer;

beforeAll(async () => {
  judge = await startFakeJudge(qaJudge().script);
  nullSpec = join(mkdtempSync(join(tmpdir(), 'rewardkit-on-judge-error-')), 'qa-null.yaml');
  writeFileSync(nullSpec, readFileSync(QA_SPEC, 'utf8').replace('neutral: 0.5}', 'neutral: 0.5, on_judge_error: null}'));
  nullServer = await startTestServer(judge.url, {}, nullSpec);
  neutralServer = await startTestServer(judge.url);
});
afterAll(async () => {
  await nullServer?.close();
  await neutralServer?.close();
  await judge?.close();
});

type Scored = { results: Array<{ id: string; reward: number | null; neutral: boolean; flags: string[] }> };

describe('on_judge_error: null', () => {
  it('/v1/score: reward null, flagged judge_error, not neutral; answered rows keep their number', async () => {
    const rows = [sample('ok', 'Paris.'), sample('down', 'Paris [fail]')];
    const { status, body } = await nullServer.post('/v1/score', { rows, components: false });
    expect(status).toBe(200);
    expect((body as Scored).results.map((result) => [result.id, result.reward, result.neutral, result.flags])).toEqual([
      ['ok', 1, false, []],
      ['down', null, false, ['judge_error']],
    ]);
  });

  it('/v1/score under the default (neutral) gives the neutral value for the same row', async () => {
    const { body } = await neutralServer.post('/v1/score', { rows: [sample('down', 'Paris [fail]')], components: false });
    expect((body as Scored).results.map((result) => [result.reward, result.neutral, result.flags])).toEqual([[0.5, true, ['judge_error']]]);
  });

  it('OpenRLHF /get_reward needs a number: the neutral value, judge_error 1, row_error 0', async () => {
    const query = [`${PROMPT}Paris.<|im_end|>`, `${PROMPT}Paris [fail]<|im_end|>`];
    const { status, body } = await nullServer.post('/get_reward', { query, prompts: [PROMPT, PROMPT], labels: ['Paris', 'Paris'] });
    expect(status).toBe(200);
    const reply = body as { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> };
    expect(reply.rewards).toEqual([1, 0.5]);
    expect(reply.scores).toEqual([1, 0.5]);
    expect([reply.extra_logs.judge_error, reply.extra_logs.neutral, reply.extra_logs.row_error]).toEqual([
      [0, 1],
      [0, 1],
      [0, 0],
    ]);
  });

  it('/v1/nova needs a number: aggregate_reward_score is the neutral value, judge_error 1, row_error 0', async () => {
    const { status, body } = await nullServer.post('/v1/nova', [sample('ok', 'Paris.'), sample('down', 'Paris [fail]')]);
    expect(status).toBe(200);
    expect(novaSummary(body)).toEqual([
      ['ok', 1, { neutral: 0, judge_error: 0, row_error: 0 }],
      ['down', 0.5, { neutral: 1, judge_error: 1, row_error: 0 }],
    ]);
  });

  it('the Nova Lambda needs a number: the neutral value, judge_error 1, row_error 0', async () => {
    const saved = { ...process.env };
    const env = { REWARDKIT_SPEC: resolve(nullSpec), REWARDKIT_JUDGE: 'openai-compatible:fake', REWARDKIT_JUDGE_BASE_URL: judge.url };
    Object.assign(env, { REWARDKIT_LOG_LEVEL: 'silent' });
    Object.assign(process.env, env);
    try {
      const results = await handler([sample('ok', 'Paris.'), sample('down', 'Paris [fail]')], { getRemainingTimeInMillis: () => 60_000 });
      expect(novaSummary(results)).toEqual([
        ['ok', 1, { neutral: 0, judge_error: 0, row_error: 0 }],
        ['down', 0.5, { neutral: 1, judge_error: 1, row_error: 0 }],
      ]);
    } finally {
      for (const name of Object.keys(env)) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  it('a row the deadline overtakes is no reward as well (neutral under the default)', async () => {
    expect(deadlineResult('late', null)).toMatchObject({
      id: 'late',
      reward: null,
      neutral: false,
      flags: ['judge_error', 'deadline_exceeded'],
    });
    expect(deadlineResult('late', 0.5)).toMatchObject({
      id: 'late',
      reward: 0.5,
      neutral: true,
      flags: ['judge_error', 'deadline_exceeded'],
    });
    const spec = (mode: string) =>
      validateSpecObject({
        judge_model: { provider: 'openai-compatible', model: 'fake', base_url: judge.url, max_retries: 0 },
        judges: [{ type: 'rubric', criteria: [{ id: 'correct', description: 'correct' }] }],
        aggregate: { on_judge_error: mode },
      });
    for (const [mode, reward] of [
      ['null', null],
      ['neutral', 0.5],
    ] as const) {
      const deadline = startDeadline(0, 0);
      await deadline.hardStop; // a row reached only after the hard stop is answered without scoring
      const result = await scoreBeforeDeadline(createReward(spec(mode)), { id: 'h', prompt: 'q', response: 'a [hang]' }, 'row-0', deadline);
      deadline.dispose();
      // the hard stop's answer (no components): the row was never scored
      expect([result.id, result.reward, result.flags, result.components]).toEqual(['h', reward, ['judge_error', 'deadline_exceeded'], []]);
    }
  });
});

function novaSummary(body: unknown): Array<[string, number, Record<string, number>]> {
  return (body as Array<{ id: string; aggregate_reward_score: number; metrics_list: Array<{ name: string; value: number }> }>).map(
    (item) => {
      const metric = (name: string) => item.metrics_list.find((entry) => entry.name === name)!.value;
      return [
        item.id,
        item.aggregate_reward_score,
        { neutral: metric('neutral'), judge_error: metric('judge_error'), row_error: metric('row_error') },
      ];
    },
  );
}
