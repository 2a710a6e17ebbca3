/**
 * The Python integration end to end: a real `rewardkit serve` process (with a token) and the fake judge,
 * driven by python3 through integrations/python/rewardkit_client.py (standard library only) the way
 * verl, TRL and OpenRLHF call it. Rewards are asserted exactly.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { fenced, qaJudge } from './support/qa-judge.js';
import { spawnServer, type SpawnedServer } from './support/spawned-server.js';

const exec = promisify(execFile);
const TOKEN = 'python-token-71b3';
const QUESTION = 'What is the capital of France?';

let judge: FakeJudge;
let server: SpawnedServer;
beforeAll(async () => {
  judge = await startFakeJudge(qaJudge().script);
  server = await spawnServer(['--spec', 'test/serve/fixtures/qa-spec.yaml', '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url], { REWARDKIT_TOKEN: TOKEN });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await judge?.close();
});

async function python(testCase: string): Promise<unknown> {
  judge.requests.length = 0;
  const { stdout } = await exec('python3', [resolve('test/serve/python/client_cases.py'), testCase], {
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: resolve('integrations/python'), REWARDKIT_URL: server.url, REWARDKIT_TOKEN: TOKEN, REWARDKIT_RETRIES: '0' },
  });
  return JSON.parse(stdout) as unknown;
}

const logged = (score: number, parts: Partial<Record<string, number>> = {}) => ({
  score,
  no_email: 1,
  length: 1,
  quality: 1,
  neutral: 0,
  gated: 0,
  judge_error: 0,
  deadline_exceeded: 0,
  row_error: 0,
  ...parts,
});

describe('verl compute_score', () => {
  it('one rollout → a dict with "score" and the same logged keys for every row', async () => {
    expect(await python('verl_single')).toEqual(logged(1));
    expect(fenced(judge.requests[0]!.user, 'PROMPT')).toBe(QUESTION);
  });

  it('the batch form → one dict per rollout, in order; gated and failed-judge rows flagged', async () => {
    expect(await python('verl_batch')).toEqual([
      logged(1),
      logged(0.625, { quality: 0.5 }),
      logged(0, { no_email: 0, quality: 0, gated: 1 }),
      logged(0.5, { quality: 0, neutral: 1, judge_error: 1 }),
    ]);
  });

  it('splits big batches into parallel requests and keeps the order', async () => {
    expect(await python('verl_batch_small_requests')).toEqual([1, 0.625, 0.625, 1, 0.625]);
  });
});

describe('TRL reward_func', () => {
  it('plain prompts and completions, the reference from a dataset column', async () => {
    expect(await python('trl_text')).toEqual([1, 0.625]);
  });

  it('conversational prompts and completions; an unreadable row is None', async () => {
    expect(await python('trl_conversational')).toEqual([0.625, 1, null]);
    expect(judge.requests.map((request) => fenced(request.user, 'SYSTEM')).sort()).toEqual(['', 'Answer briefly.']);
  });
});

describe('OpenRLHF', () => {
  it('--remote_rm_url http://rk:TOKEN@host:port/get_reward: credentials in the URL authenticate', async () => {
    expect(await python('openrlhf')).toEqual({ rewards: [1, 0.625], scores: [1, 0.625], quality: [1, 0.5] });
  });
});

describe('client errors', () => {
  it('a wrong token is a RewardkitError with the server message (not retried)', async () => {
    expect(await python('wrong_token')).toBe(
      `POST ${server.url}/v1/score: HTTP 401: authorization: expected the header "Authorization: Bearer <token>" (the server's --token / REWARDKIT_TOKEN)`,
    );
  });

  it('an unreachable server is a RewardkitError after the retries, naming the settings to check', async () => {
    expect(await python('unreachable')).toMatch(/^POST http:\/\/127\.0\.0\.1:9\/v1\/score: no answer after 2 attempts \(ConnectionRefusedError: \[Errno 111\] Connection refused\); is `rewardkit serve` running, and REWARDKIT_URL \/ REWARDKIT_TOKEN right\?$/);
  });
});
