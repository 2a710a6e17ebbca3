/**
 * The Python integration end to end: a real `rewardkit serve` process (with a token) and the fake judge,
 * driven by python3 through integrations/python/rewardkit_client.py (standard library only) the way
 * verl, TRL and OpenRLHF call it. Rewards are asserted exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
/** The same spec with `aggregate.on_judge_error: null` (no reward for a failed judge). */
let nullServer: SpawnedServer;
beforeAll(async () => {
  judge = await startFakeJudge(qaJudge().script);
  server = await spawnServer(
    ['--spec', 'test/serve/fixtures/qa-spec.yaml', '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url],
    { REWARDKIT_TOKEN: TOKEN },
  );
  const nullSpec = join(mkdtempSync(join(tmpdir(), 'rewardkit-python-')), 'qa-null.yaml');
  writeFileSync(
    nullSpec,
    readFileSync('test/serve/fixtures/qa-spec.yaml', 'utf8').replace('neutral: 0.5}', 'neutral: 0.5, on_judge_error: null}'),
  );
  nullServer = await spawnServer(['--spec', nullSpec, '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url], {
    REWARDKIT_TOKEN: TOKEN,
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await nullServer?.stop();
  await judge?.close();
});

async function python(testCase: string, url = server.url, env: Record<string, string> = {}): Promise<unknown> {
  judge.requests.length = 0;
  const { stdout } = await exec('python3', [resolve('test/serve/python/client_cases.py'), testCase], {
    env: {
      ...process.env,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONPATH: resolve('integrations/python'),
      REWARDKIT_URL: url,
      REWARDKIT_TOKEN: TOKEN,
      REWARDKIT_RETRIES: '0',
      ...env,
    },
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

describe('GRPO groups reach the server whole (a group judge judges them side by side)', () => {
  const ids = (prefix: string, indexes: number[]) => indexes.map((index) => `${prefix}-${index}`);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_unused, index) => from + index);

  it('TRL: with REWARDKIT_BATCH_SIZE=10, 3 groups of num_generations=8 go as 3 requests of 8, never split', async () => {
    const reply = (await python('trl_groups', server.url, { REWARDKIT_BATCH_SIZE: '10' })) as { requests: string[][]; rewards: number[] };
    expect(reply.requests).toEqual([ids('trl', range(0, 8)), ids('trl', range(8, 16)), ids('trl', range(16, 24))]);
    expect(reply.rewards).toEqual(range(0, 24).map((index) => [1, 0.625, 0.625][index % 3]));
    expect(judge.requests).toHaveLength(9); // 3 prompts × 3 distinct completions: identical rows share one judge call
  });

  it('verl batch form: interleaved prompts are packed by prompt, results back in the batch order', async () => {
    const reply = (await python('verl_groups')) as { requests: string[][]; scores: number[] };
    expect(reply.requests).toEqual([ids('verl', [0, 3, 6, 9]), ids('verl', [1, 4, 7, 10]), ids('verl', [2, 5, 8, 11])]);
    expect(reply.scores).toEqual([1, 1, 1, 0.625, 0.625, 0.625, 0.625, 0.625, 0.625, 0.25, 0.25, 0.25]);
  });

  it('packing: group_id (root or metadata) or the prompt; a group larger than the batch alone; rows without either alone', async () => {
    // rows: x ×5 (0–4), prompt p (5), y in metadata (6), prompt p (7), three rows without a key (8–10); batch size 3
    expect(await python('group_chunks')).toEqual([
      [0, 1, 2, 3, 4],
      [5, 7, 6],
      [8, 9, 10],
    ]);
  });
});

describe('TRL tool-calling completions', () => {
  it('are sent as turns: the final assistant turn is judged and checked; tool calls and results reach the judge as context', async () => {
    // the tool output holds an e-mail address and "[rude]": glued onto the answer, the PII gate would give 0
    expect(await python('trl_tool_calling')).toEqual([1, 0, 1]);
    expect(judge.requests.map((request) => [fenced(request.user, 'RESPONSE'), fenced(request.user, 'CONTEXT')]).sort()).toEqual([
      ['Paris.', ''],
      [
        'The capital of France is Paris.',
        '[tool call lookup_capital] {"country":"France"}\n\n[tool result lookup_capital] Paris (maintainer: geo@example.com) [rude]',
      ],
    ]);
  });
});

describe('a failed judge, by aggregate.on_judge_error', () => {
  it('TRL: neutral → the neutral value; null → None (TRL ignores it)', async () => {
    expect(await python('trl_judge_failure')).toEqual([1, 0.5]);
    expect(await python('trl_judge_failure', nullServer.url)).toEqual([1, null]);
  });

  it('verl needs a float: the neutral value either way, flagged judge_error, never row_error', async () => {
    const expected = [
      { score: 1, neutral: 0, judge_error: 0, row_error: 0 },
      { score: 0.5, neutral: 1, judge_error: 1, row_error: 0 },
    ];
    expect(await python('verl_judge_failure')).toEqual(expected);
    expect(await python('verl_judge_failure', nullServer.url)).toEqual(expected);
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
    expect(await python('unreachable')).toMatch(
      /^POST http:\/\/127\.0\.0\.1:9\/v1\/score: no answer after 2 attempts \(ConnectionRefusedError: \[Errno 111\] Connection refused\); is `rewardkit serve` running, and REWARDKIT_URL \/ REWARDKIT_TOKEN right\?$/,
    );
  });
});
