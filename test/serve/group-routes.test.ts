/**
 * Every serving route groups within its request when the spec has a group judge: `/v1/score`, `/get_reward`,
 * `/v1/nova` over HTTP and the Nova Lambda `handler()` in-process. Each request holds 2 groups of 4 rollouts,
 * interleaved; the fake judge (scores = the number in each rollout) must see exactly 4 calls (2 groups × 2 orders),
 * each with 4 rollouts, and the results come back in request order with exact rewards. A deadline that passes
 * while a group is being judged answers its rows neutral, flagged deadline_exceeded, in time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReward } from '../../src/reward.js';
import { scoreRows, startDeadline } from '../../src/serve/deadline.js';
import { handler } from '../../src/serve/lambda-handler.js';
import { validateSpecObject } from '../../src/spec/load-spec.js';
import { startFakeJudge, type FakeJudge, type FakeRequest } from '../support/fake-judge-server.js';
import { groupJudgeReply, groupRollouts } from '../support/group-judge.js';
import { startTestServer, type TestServer } from './support/in-process-server.js';

const answer = (request: FakeRequest) => groupJudgeReply(request, { scoreOf: (text) => Number(/\d+/.exec(text)?.[0] ?? 0) });
/** 2 groups (two questions) of 4 rollouts, interleaved: [question, answer number]. */
const ROLLOUTS: Array<[string, number]> = [
  ['Name a prime.', 2],
  ['Name an even number.', 4],
  ['Name a prime.', 7],
  ['Name an even number.', 8],
  ['Name a prime.', 9],
  ['Name an even number.', 1],
  ['Name a prime.', 5],
  ['Name an even number.', 6],
];
const REWARDS = [0.2, 0.4, 0.7, 0.8, 0.9, 0.1, 0.5, 0.6];
const sample = ([question, number]: [string, number], index: number) => ({
  id: `s${index}`,
  messages: [
    { role: 'user', content: question },
    { role: 'assistant', content: `answer ${number}` },
  ],
});

let judge: FakeJudge;
let specPath: string;
let server: TestServer;
beforeAll(async () => {
  judge = await startFakeJudge(answer);
  const dir = mkdtempSync(join(tmpdir(), 'rewardkit-group-routes-'));
  specPath = join(dir, 'group-spec.yaml');
  writeFileSync(
    specPath,
    'name: grpo\n' +
      'judge_model: {provider: openai-compatible, model: fixture-judge, base_url: http://127.0.0.1:9/v1, max_retries: 0}\n' +
      'judges:\n  - {type: group, name: rank, criteria: The larger number is better.}\n',
  );
  server = await startTestServer(judge.url, {}, specPath);
});
afterAll(async () => {
  await server?.close();
  await judge?.close();
});
beforeEach(() => {
  judge.requests.length = 0;
  judge.setScript(answer);
});

/** Each group call's rollout count, and the rollouts it held, sorted. */
function groupCalls(): Array<[number, string]> {
  return judge.requests
    .map((request): [number, string] => {
      const rollouts = groupRollouts(request.user).map((rollout) => rollout.text);
      return [rollouts.length, rollouts.sort().join(' | ')];
    })
    .sort((a, b) => a[1].localeCompare(b[1]));
}
const EXPECTED_CALLS: Array<[number, string]> = [
  [4, 'answer 1 | answer 4 | answer 6 | answer 8'],
  [4, 'answer 1 | answer 4 | answer 6 | answer 8'],
  [4, 'answer 2 | answer 5 | answer 7 | answer 9'],
  [4, 'answer 2 | answer 5 | answer 7 | answer 9'],
];

describe('grouping within each request', () => {
  it('POST /v1/score', async () => {
    const rows = ROLLOUTS.map(([question, number], index) => ({ id: `r${index}`, prompt: question, response: `answer ${number}` }));
    const { status, body } = await server.post('/v1/score', { rows, components: false });
    expect(status).toBe(200);
    const results = (body as { results: Array<{ id: string; reward: number; flags: string[] }> }).results;
    expect(results.map((result) => [result.id, result.reward, result.flags])).toEqual(
      REWARDS.map((reward, index) => [`r${index}`, reward, []]),
    );
    expect(groupCalls()).toEqual(EXPECTED_CALLS);
  });

  it('POST /get_reward', async () => {
    const prompts = ROLLOUTS.map(([question]) => `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`);
    const query = prompts.map((prompt, index) => `${prompt}answer ${ROLLOUTS[index]![1]}<|im_end|>`);
    const { status, body } = await server.post('/get_reward', { query, prompts });
    expect(status).toBe(200);
    expect((body as { rewards: number[] }).rewards).toEqual(REWARDS);
    expect(groupCalls()).toEqual(EXPECTED_CALLS);
  });

  it('POST /v1/nova', async () => {
    const { status, body } = await server.post('/v1/nova', ROLLOUTS.map(sample));
    expect(status).toBe(200);
    const results = body as Array<{ id: string; aggregate_reward_score: number }>;
    expect(results.map((result) => [result.id, result.aggregate_reward_score])).toEqual(
      REWARDS.map((reward, index) => [`s${index}`, reward]),
    );
    expect(groupCalls()).toEqual(EXPECTED_CALLS);
  });

  it('the Nova Lambda handler()', async () => {
    const env = {
      REWARDKIT_SPEC: specPath,
      REWARDKIT_JUDGE: 'openai-compatible:fake',
      REWARDKIT_JUDGE_BASE_URL: judge.url,
      REWARDKIT_LOG_LEVEL: 'silent',
    };
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    try {
      const results = await handler(ROLLOUTS.map(sample), { getRemainingTimeInMillis: () => 60_000 });
      expect(results.map((result) => [result.id, result.aggregate_reward_score])).toEqual(
        REWARDS.map((reward, index) => [`s${index}`, reward]),
      );
      expect(groupCalls()).toEqual(EXPECTED_CALLS);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('a group still being judged at the deadline is answered neutral, flagged deadline_exceeded, within the request', async () => {
    judge.setScript(() => ({ hang: true }));
    const hurried = await startTestServer(judge.url, { deadlineMs: 200, graceMs: 1000 }, specPath);
    const started = performance.now();
    const rows = ROLLOUTS.slice(0, 3).map(([question, number], index) => ({
      id: `r${index}`,
      prompt: question,
      response: `answer ${number}`,
    }));
    const { body } = await hurried.post('/v1/score', { rows, components: false }).finally(() => hurried.close());
    const results = (body as { results: Array<{ id: string; reward: number; flags: string[] }> }).results;
    expect(results.map((result) => [result.id, result.reward, result.flags])).toEqual([
      ['r0', 0.5, ['judge_error', 'deadline_exceeded']],
      ['r1', 0.5, ['judge_error', 'deadline_exceeded']],
      ['r2', 0.5, ['judge_error', 'deadline_exceeded']],
    ]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a large request of rows that need no judge call still lets timers run (the session yields the loop)', async () => {
    const reward = createReward(
      validateSpecObject({
        judge_model: { provider: 'openai-compatible', model: 'fake', base_url: judge.url },
        checks: [{ type: 'json', name: 'format', gate: true }],
        judges: [{ type: 'group', name: 'rank', criteria: 'The larger number is better.' }],
      }),
    );
    const rows = Array.from({ length: 5000 }, (_unused, index) => ({ id: `r${index}`, prompt: 'q', response: 'not json' }));
    let done = false;
    let ticks = 0;
    const timer = setInterval(() => (done ? undefined : ticks++), 1);
    const deadline = startDeadline(60_000, 1000);
    const results = await scoreRows(reward, rows, deadline, (index) => `row-${index}`);
    done = true;
    clearInterval(timer);
    deadline.dispose();
    expect([results.length, results[4999]!.flags, judge.requests.length]).toEqual([5000, ['gated'], 0]);
    expect(ticks).toBeGreaterThan(0); // without yielding, no timer runs before the last row is done
  });
});
