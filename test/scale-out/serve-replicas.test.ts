/**
 * Two real `rewardkit serve` processes on one real Redis (one given `--redis URL`, the other REWARDKIT_REDIS_URL), in
 * front of one fake judge: rows sent to replica A and then to replica B cost one judge call per distinct judge request;
 * the same new rows sent to both at once cost one call each too (the lease); /healthz and /metrics report the
 * shared state. Plus the flag's errors (exit 2, naming the flag or variable).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { useFakeJudge } from '../support/use-fake-judge.js';
import { metricValue } from '../serve/support/prometheus-text.js';
import { qaJudge } from '../serve/support/qa-judge.js';
import { spawnServer, type SpawnedServer } from '../serve/support/spawned-server.js';

const SPEC = 'test/serve/fixtures/qa-spec.yaml';
const qa = qaJudge();
const judge = useFakeJudge(async (request) => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  return qa.script(request);
});

let redis: RedisServer;
let a: SpawnedServer;
let b: SpawnedServer;
beforeAll(async () => {
  redis = await startRedisServer();
  const judgeFlags = ['--spec', SPEC, '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url, '--no-preflight'];
  [a, b] = await Promise.all([
    spawnServer([...judgeFlags, '--redis', redis.url, '--redis-prefix', 'replicas']),
    spawnServer(judgeFlags, { REWARDKIT_REDIS_URL: redis.url, REWARDKIT_REDIS_PREFIX: 'replicas' }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_unused, index) => ({
    id: `r${from + index}`,
    prompt: `What is ${from + index} + 1?`,
    response: `It is ${from + index + 1}`,
    reference: String(from + index + 1),
  }));

async function score(server: SpawnedServer, body: unknown): Promise<Array<[string, number]>> {
  const response = await fetch(`${server.url}/v1/score`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: Array<{ id: string; reward: number }> }).results.map((result) => [
    result.id,
    result.reward,
  ]);
}

async function metrics(server: SpawnedServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

describe('serve replicas sharing one Redis', () => {
  it('rows sent to A, then the same rows to B: one judge call per distinct judge request', async () => {
    const sent = rows(0, 8);
    const fromA = await score(a, { rows: sent });
    expect(judge.requests.length).toBe(8);
    const fromB = await score(b, { rows: sent });
    expect(judge.requests.length).toBe(8);
    expect(fromB).toEqual(fromA);
    expect(fromA).toEqual(sent.map((row) => [row.id, 1]));
    const text = await metrics(b);
    expect(metricValue(text, 'rewardkit_redis_up')).toBe(1);
    expect(metricValue(text, 'rewardkit_redis_shared_cache_hits_total')).toBe(8);
    expect(metricValue(text, 'rewardkit_redis_fallbacks_total', { operation: 'inflight' })).toBe(0);
  });

  it('the same new rows sent to A and B at once: still one judge call each (the other replica waits for it)', async () => {
    /** Verdicts both replicas got from the other one so far: waited for, or found stored. */
    const answeredByOther = async () =>
      (await Promise.all([metrics(a), metrics(b)]))
        .map(
          (text) =>
            metricValue(text, 'rewardkit_redis_inflight_joins_total')! + metricValue(text, 'rewardkit_redis_shared_cache_hits_total')!,
        )
        .reduce((sum, count) => sum + count, 0);
    const before = await answeredByOther();
    const sent = rows(100, 6);
    const [fromA, fromB] = await Promise.all([score(a, { rows: sent }), score(b, { rows: sent })]);
    expect(judge.requests.length).toBe(6);
    expect(fromA).toEqual(fromB);
    // each row was asked once by one replica; the other waited for it, or (if it came later) found it stored
    expect((await answeredByOther()) - before).toBe(6);
  });

  it('/healthz says whether Redis answers', async () => {
    const health = (await (await fetch(`${b.url}/healthz`)).json()) as { status: string; redis: string };
    expect([health.status, health.redis]).toEqual(['ok', 'up']);
    expect(a.stdout).toMatch(/"redis":"redis:\/\/127\.0\.0\.1:\d+ \(prefix replicas\)"/);
  });
});

describe('score --redis', () => {
  it('a second run on another machine (here: process) asks the judge nothing, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-score-redis-'));
    const input = join(dir, 'rows.jsonl');
    writeFileSync(
      input,
      `${rows(200, 5)
        .map((row) => JSON.stringify(row))
        .join('\n')}\n`,
    );
    const run = (output: string) =>
      runCli(
        'score',
        '--spec',
        SPEC,
        '--input',
        input,
        '--output',
        join(dir, output),
        '--no-cache',
        '--no-preflight',
        '--no-progress',
        '--judge',
        'openai-compatible:fake',
        '--judge-base-url',
        judge.url,
        '--redis',
        redis.url,
        '--redis-prefix',
        'score-runs',
      );
    const before = judge.requests.length;
    const first = await run('first.jsonl');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("redis: 0 from the shared cache, 0 joined another process's call; Redis answered every operation");
    expect(judge.requests.length - before).toBe(5);
    const second = await run('second.jsonl');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("redis: 5 from the shared cache, 0 joined another process's call; Redis answered every operation");
    expect(judge.requests.length - before).toBe(5);
    const rewards = (file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { reward: number }).reward);
    expect(rewards('second.jsonl')).toEqual(rewards('first.jsonl'));
  });
});

describe('--redis errors', () => {
  it.each([
    [
      ['--redis', 'localhost:6379'],
      '--redis: expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "localhost:6379"',
    ],
    [
      ['--redis', 'redis://127.0.0.1:6379', '--redis-prefix', 'two words'],
      '--redis-prefix: expected a key prefix of 1–100 letters, digits and _ . - : { }, got "two words"',
    ],
    [['--redis-prefix', 'mine'], '--redis-prefix needs --redis URL (or REWARDKIT_REDIS_URL) as well'],
  ])('serve %j exits 2: %s', async (flags, message) => {
    const result = await runCli('serve', '--spec', SPEC, ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('score names REWARDKIT_REDIS_URL when the variable is wrong', async () => {
    const saved = process.env.REWARDKIT_REDIS_URL;
    process.env.REWARDKIT_REDIS_URL = 'http://cache:6379';
    try {
      const result = await runCli('score', '--spec', SPEC, '--input', 'test/serve/fixtures/qa-spec.yaml');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'REWARDKIT_REDIS_URL: expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "http://cache:6379"',
      );
    } finally {
      if (saved === undefined) delete process.env.REWARDKIT_REDIS_URL;
      else process.env.REWARDKIT_REDIS_URL = saved;
    }
  });

  it('serve and score list --redis and --redis-prefix in their help', async () => {
    for (const command of ['serve', 'score']) {
      const help = (await runCli(command, '--help')).stdout;
      expect(help).toContain('  --redis URL             share the judge cache, identical calls in flight');
      expect(help).toContain('  --redis-prefix NAME     start of every Redis key');
    }
  });
});
