/**
 * The Lambda with REWARDKIT_REDIS_URL, built and unpacked as `npm run build:lambda` packages it (ioredis bundled):
 * two instances — two processes — on one real Redis; the samples one instance judged cost the other no judge call.
 * A Redis that is not there: the instance scores on its own, with one warning.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/closed-port.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { useFakeJudge } from '../support/use-fake-judge.js';
import { buildLambdaBundle, type BuiltLambda } from '../serve/support/build-lambda-bundle.js';
import { qaJudge } from '../serve/support/qa-judge.js';

const run = promisify(execFile);
const judge = useFakeJudge(qaJudge().script);

let redis: RedisServer;
let built: BuiltLambda;
beforeAll(async () => {
  [redis, built] = await Promise.all([startRedisServer(), buildLambdaBundle('test/serve/fixtures/qa-spec.yaml')]);
}, 120_000);
afterAll(() => redis?.stop());

/** One Lambda instance: the unpacked handler invoked once per event in a fresh process; its results and log lines. */
async function instance(
  events: unknown[],
  env: Record<string, string>,
): Promise<{ results: unknown[]; logs: Array<Record<string, unknown>> }> {
  const script = `const { handler } = await import(${JSON.stringify(built.handlerPath)});
const results = [];
for (const event of JSON.parse(process.argv[1])) results.push(await handler(event));
console.log('RESULTS ' + JSON.stringify(results));
process.exit(0); // the Redis connection would keep a plain process alive; Lambda freezes it instead`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(events)], {
    env: { ...process.env, REWARDKIT_JUDGE: 'openai-compatible:fake', REWARDKIT_JUDGE_BASE_URL: judge.url, ...env },
  });
  const lines = stdout.split('\n');
  return {
    results: JSON.parse(lines.find((line) => line.startsWith('RESULTS '))!.slice(8)) as unknown[],
    logs: lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const samples = Array.from({ length: 4 }, (_unused, index) => ({
  id: `s${index}`,
  messages: [
    { role: 'user', content: `What is ${index} + 1?` },
    { role: 'assistant', content: `It is ${index + 1}.` },
  ],
  reference_answer: String(index + 1),
}));

describe('the Lambda with REWARDKIT_REDIS_URL', () => {
  it('a second instance gets the verdicts the first stored: no judge call', async () => {
    const env = { REWARDKIT_REDIS_URL: redis.url, REWARDKIT_REDIS_PREFIX: 'lambda' };
    const first = await instance([samples], env);
    // the first instance reached Redis on its cold start and kept it (on a starved machine the 2 s connect wait or the
    // 500 ms command timeout can pass first: then it scores alone, as designed, and these say so, not the count below)
    expect(first.logs.find((line) => line.msg === 'reward ready')).toMatchObject({ redis: `up: ${redis.url}` });
    expect(first.logs.filter((line) => String(line.msg).includes('unreachable')).map((line) => line.msg)).toEqual([]);
    expect(judge.requests.length).toBe(4);
    const second = await instance([samples], env);
    expect(judge.requests.length).toBe(4);
    const scores = (results: unknown[]) =>
      (results[0] as Array<{ id: string; aggregate_reward_score: number }>).map((result) => [result.id, result.aggregate_reward_score]);
    expect(scores(first.results)).toEqual([
      ['s0', 1],
      ['s1', 1],
      ['s2', 1],
      ['s3', 1],
    ]);
    expect(scores(second.results)).toEqual(scores(first.results));
    expect(second.logs.find((line) => line.msg === 'reward ready')).toMatchObject({ redis: `up: ${redis.url}` });
    expect(redis.cli('KEYS', 'lambda:cache:*').split('\n')).toHaveLength(4);
  });

  it('a Redis that is not there: every sample scored by the instance alone, one warning', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const { results, logs } = await instance([samples.slice(0, 2)], { REWARDKIT_REDIS_URL: url });
    expect((results[0] as Array<{ aggregate_reward_score: number }>).map((result) => result.aggregate_reward_score)).toEqual([1, 1]);
    const warnings = logs.filter((line) => String(line.msg).startsWith('redis '));
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 40,
        msg: `redis ${url} unreachable (connect ECONNREFUSED ${url.slice('redis://'.length)}): each process uses its own judge cache and limits until it answers again`,
      }),
    ]);
  });
});
