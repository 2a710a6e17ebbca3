/**
 * A worker's rewards per run (src/queue/run-rewards.ts), in-process against a real redis-server: a run is opened once
 * for all its chunks (through openLoadedReward, spec hash as the producer's), the worker's --judge replaces the run's
 * judge (its own spec hash then), a run whose key is gone is refused as `run_gone`, and an idle run is closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { loadRewardSpec } from '../../src/open-reward.js';
import { QueueError } from '../../src/queue/queue-error.js';
import { runKeys } from '../../src/queue/queue-keys.js';
import { describeRun } from '../../src/queue/run-description.js';
import { RunRewards } from '../../src/queue/run-rewards.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { criteriaVerdict } from '../support/test-spec.js';
import { useFakeJudge } from '../support/use-fake-judge.js';

const judge = useFakeJudge(() => ({ content: criteriaVerdict({ ok: true }) }));
let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

/** Stores a run of the example rubric spec with the fake judge; returns its id and description. */
async function storedRun(runId: string) {
  const { spec } = loadRewardSpec({ spec: 'examples/contract-review/spec.yaml', judge: 'openai-compatible:fake', judgeBaseUrl: judge.url });
  const description = describeRun(spec, { cache: false, preflight: true }, 'producer:1');
  await redis.set(runKeys('h4-runs', runId).run, JSON.stringify(description));
  return description;
}

describe('RunRewards', () => {
  it('opens a run once for all its chunks, with the producer’s spec hash, and closes it when idle', async () => {
    const description = await storedRun('run-a');
    const log: string[] = [];
    const runs = new RunRewards({ redis, queueName: 'h4-runs', preflight: true, idleCloseMs: 50, log: (line) => log.push(line) });
    const hashes = await Promise.all([1, 2, 3].map(() => runs.use('run-a', (run) => Promise.resolve(run.opened.reward.specHash))));
    expect(hashes).toEqual([description.spec_hash, description.spec_hash, description.spec_hash]);
    expect(judge.preflights.length).toBe(1); // one preflight: the run was opened once
    expect(log.filter((line) => line.includes('opened'))).toEqual([
      `run run-a from producer:1: opened, spec hash ${description.spec_hash.slice(0, 12)}…, judge openai-compatible:fake@${judge.url}`,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(log.at(-1)).toBe('run run-a: closed');
    await runs.closeAll();
  });

  it('the worker’s --judge replaces the run’s judge: its own model and spec hash', async () => {
    const description = await storedRun('run-b');
    const runs = new RunRewards({
      redis,
      queueName: 'h4-runs',
      judgeOverride: { provider: 'openai-compatible', model: 'local-twin', base_url: judge.url },
      preflight: false,
      idleCloseMs: 60_000,
      log: () => {},
    });
    const [models, hash] = await runs.use('run-b', (run) => Promise.resolve([run.opened.judgeModels, run.opened.reward.specHash] as const));
    expect(models).toEqual([`openai-compatible:local-twin@${judge.url}`]);
    expect(hash).not.toBe(description.spec_hash);
    await runs.closeAll();
  });

  it('a run whose key is gone (its producer stopped) is refused as run_gone', async () => {
    await storedRun('run-c');
    const runs = new RunRewards({ redis, queueName: 'h4-runs', preflight: false, idleCloseMs: 60_000, log: () => {} });
    await runs.use('run-c', () => Promise.resolve());
    await redis.del(runKeys('h4-runs', 'run-c').run);
    const refused = await runs.use('run-c', () => Promise.resolve('scored')).catch((error: unknown) => error);
    expect(QueueError.isInstance(refused) && [refused.kind, refused.message]).toEqual([
      'run_gone',
      'run run-c has no producer any more (its run key is gone): chunk dropped',
    ]);
    await runs.closeAll();
  });
});
