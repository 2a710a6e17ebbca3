/**
 * Scale-out through Redis, two "processes" in one test process — two shared states (each its own connection and
 * owner id) and two scheduler registries — against a real redis-server and the fake judge over HTTP, counting the
 * calls the judge really receives: the shared cache (a verdict one stored costs the other nothing; embeddings too),
 * one RPM budget for both, one `shared_concurrency` cap, one call for identical requests in flight, a failed or dead
 * lease holder replaced by its waiter, and the faults — Redis killed, restarted, paused — with the exact warning lines
 * and fallbacks, every reward still right.
 */
import { setMaxListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createJudgeModel, modelKey, type JudgeRequest } from '../../src/models/judge-model.js';
import { openReward, type OpenedReward } from '../../src/open-reward.js';
import { createSchedulerRegistry } from '../../src/reward-resources.js';
import { ModelScheduler } from '../../src/runtime/model-scheduler.js';
import type { RedisLogLevel } from '../../src/runtime/shared/redis-link.js';
import { SharedState, type SharedStateOptions } from '../../src/runtime/shared/shared-state.js';
import { ModelSpecSchema, type ModelSpec } from '../../src/spec/schema.js';
import type { FakeRequest } from '../support/fake-judge-server.js';
import { useRedisServer } from '../support/use-redis-server.js';
import { useFakeJudge } from '../support/use-fake-judge.js';
import { qaJudge } from '../serve/support/qa-judge.js';

const SPEC = 'test/serve/fixtures/qa-spec.yaml';
const qa = qaJudge();
const judge = useFakeJudge(qa.script);

const redis = useRedisServer();

const toClose: Array<{ close(): void }> = [];
afterEach(() => {
  for (const item of toClose.splice(0)) item.close();
  judge.setScript(qa.script);
});

/** One "process"'s shared state, its log lines kept. */
async function processState(
  options: Partial<SharedStateOptions> = {},
): Promise<{ state: SharedState; lines: Array<[RedisLogLevel, string]> }> {
  const lines: Array<[RedisLogLevel, string]> = [];
  const state = await SharedState.open({
    url: redis.url,
    prefix: 'test',
    pollMs: 10,
    random: () => 0,
    log: (level, line) => lines.push([level, line]),
    ...options,
  });
  toClose.push(state);
  return { state, lines };
}

function modelSpec(overrides: Record<string, unknown> = {}): ModelSpec {
  return ModelSpecSchema.parse({
    provider: 'openai-compatible',
    model: 'fake',
    base_url: judge.url,
    max_retries: 0,
    timeout_ms: 5000,
    ...overrides,
  });
}

function schedulerOf(state: SharedState | undefined, spec: ModelSpec = modelSpec()): ModelScheduler {
  return new ModelScheduler(spec, modelKey(spec), createJudgeModel, { shared: state, random: () => 0 });
}

const request = (n: number): JudgeRequest => ({
  system: 'You judge answers.',
  user: `Question ${n}: is the answer right?`,
  templateVersion: 't',
});
const VERDICT = '{"score": 4}';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function opened(options: {
  redis: string | SharedState;
  onRedisLog?: (level: RedisLogLevel, line: string) => void;
}): Promise<OpenedReward> {
  const reward = await openReward({
    spec: SPEC,
    judge: 'openai-compatible:fake',
    judgeBaseUrl: judge.url,
    preflight: false,
    redisPrefix: 'test',
    ...options,
  });
  toClose.push(reward);
  return reward;
}

const qaRows = (from: number, count: number) =>
  Array.from({ length: count }, (_unused, index) => ({
    id: `row-${from + index}`,
    prompt: `What is ${from + index} + 1?`,
    response: (from + index) % 3 === 0 ? `It is ${from + index + 1} [rude]` : `It is ${from + index + 1}`,
    reference: String(from + index + 1),
  }));
/** The qa fixture's rewards: polite and correct → 1; rude → 0.625 (tests/serve/support/qa-judge.ts). */
const expectedReward = (n: number) => (n % 3 === 0 ? 0.625 : 1);

describe('openReward with redis', () => {
  it('connects once per reward, hands the shared state to every scheduler, and close() disconnects it', async () => {
    const reward = await opened({ redis: redis.url });
    const state = reward.sharedState!;
    expect([state.up, state.prefix]).toEqual([true, 'test']);
    expect(reward.schedulers.sharedState).toBe(state);
    reward.close();
    expect(state.up).toBe(false);
  });

  it('refuses a malformed URL or prefix, and a shared state beside a registry of its own', async () => {
    const attempt = (options: Record<string, unknown>) =>
      openReward({ spec: SPEC, judge: 'openai-compatible:fake', judgeBaseUrl: judge.url, preflight: false, ...options });
    await expect(attempt({ redis: 'localhost:6379' })).rejects.toMatchObject({
      name: 'OpenRewardError',
      kind: 'redis',
      message: 'redis: expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "localhost:6379"',
    });
    await expect(attempt({ redis: redis.url, redisPrefix: 'has space' })).rejects.toMatchObject({ kind: 'redis' });
    await expect(attempt({ redis: redis.url, schedulers: createSchedulerRegistry() })).rejects.toMatchObject({
      kind: 'redis',
      message: 'redis: give the shared state to the scheduler registry (createSchedulerRegistry({ sharedState })), not beside one',
    });
  });
});

describe('the shared cache', () => {
  it('a verdict one process stored answers the other: the second costs no judge call', async () => {
    const a = await opened({ redis: redis.url });
    const b = await opened({ redis: redis.url });
    expect(a.sharedState).toBeDefined();
    expect(a.sharedState!.owner).not.toBe(b.sharedState!.owner);
    const rows = qaRows(0, 6);
    const first = await a.reward.scoreBatch(rows);
    expect(judge.requests.length).toBe(6);
    const second = await b.reward.scoreBatch(rows);
    expect(judge.requests.length).toBe(6);
    expect(second.map((result) => result.reward)).toEqual(first.map((result) => result.reward));
    expect(second.map((result) => result.reward)).toEqual(rows.map((_row, index) => expectedReward(index)));
    expect(second.map((result) => result.metrics.judge_cached)).toEqual(Array(6).fill(1));
    expect(b.sharedState!.stats()).toMatchObject({ cache_hits: 6, inflight_joins: 0 });
    // every entry lives as long as the cache TTL (30 days by default): Redis's maxmemory policy can drop it when full
    const keys = redis.cli('KEYS', 'test:cache:*').split('\n');
    expect(keys.length).toBe(6);
    const ttl = Number(redis.cli('PTTL', keys[0]!));
    expect(ttl).toBeGreaterThan(30 * 86_400_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 86_400_000);
    expect(redis.cli('KEYS', 'test:lease:*')).toBe('');
  });

  it('an entry another version wrote in another shape is asked again, and replaced by the new verdict', async () => {
    judge.setScript(() => ({ content: VERDICT }));
    const { state } = await processState();
    const scheduler = schedulerOf(state);
    const call = await scheduler.call(request(50));
    call.accept();
    await sleep(50);
    const key = redis.cli('KEYS', 'test:cache:*');
    expect(key).toMatch(/^test:cache:[0-9a-f]{64}$/);
    redis.cli('SET', key, '{"v": 2, "verdict": "x"}');
    const again = await schedulerOf(state).call(request(50));
    expect([again.source, judge.requests.length]).toEqual(['model', 2]);
    again.accept();
    await sleep(50);
    expect(JSON.parse(redis.cli('GET', key))).toEqual({
      v: 1,
      text: VERDICT,
      finishReason: 'stop',
      usage: { input_tokens: 13, output_tokens: 3 },
    });
  });

  it('embeddings too: texts one process embedded are not sent again by another', async () => {
    const vectorOf = (text: string) => [text.length, 1 / 3, 0.1];
    judge.setScript((incoming: FakeRequest) => ({ embeddings: (incoming.input ?? []).map(vectorOf) }));
    const [{ state: stateA }, { state: stateB }] = await Promise.all([processState(), processState()]);
    const spec = modelSpec({ model: 'embedder' });
    const first = await schedulerOf(stateA, spec).embed(['the reference', 'an answer']);
    await sleep(50); // stored in the background
    const second = await schedulerOf(stateB, spec).embed(['an answer', 'the reference', 'another answer']);
    expect(judge.requests.map((incoming) => incoming.input)).toEqual([['the reference', 'an answer'], ['another answer']]);
    expect(first).toMatchObject({ ok: true, source: 'model' });
    expect(second).toMatchObject({
      ok: true,
      source: 'model',
      vectors: [vectorOf('an answer'), vectorOf('the reference'), vectorOf('another answer')],
    });
    const third = await schedulerOf(stateB, spec).embed(['an answer']);
    expect(third).toMatchObject({ ok: true, source: 'shared_cache', attempts: 0, usage: { input_tokens: 0, output_tokens: 0 } });
    expect(stateB.stats().cache_hits).toBe(3);
  });
});

describe('limits shared by every process', () => {
  it('requests_per_minute 60: two processes together send the burst of 10, then one a second', async () => {
    judge.setScript(() => ({ content: VERDICT }));
    const spec = modelSpec({ requests_per_minute: 60 });
    const [{ state: stateA }, { state: stateB }] = await Promise.all([processState(), processState()]);
    const [a, b] = [schedulerOf(stateA, spec), schedulerOf(stateB, spec)];
    const stop = new AbortController();
    setMaxListeners(100, stop.signal); // 30 calls wait on one signal
    const calls = Array.from({ length: 30 }, (_unused, n) => (n % 2 === 0 ? a : b).call(request(n), { signal: stop.signal }));
    await sleep(2600);
    stop.abort();
    await Promise.all(calls);
    const arrivals = judge.requests.map((incoming) => incoming.receivedAt - judge.requests[0]!.receivedAt);
    // the shared bucket: 10 at once, then one each second (bucket time 1000, 2000 ms); alone, each would send 10 at once.
    // Measured between arrivals, not from the first one: on a loaded machine the burst itself may take a while to arrive
    expect(arrivals.length).toBe(12);
    expect(arrivals[10]! - arrivals[9]!).toBeGreaterThan(500);
    expect(arrivals[11]! - arrivals[10]!).toBeGreaterThan(800);
  });

  it('without Redis the same two processes each spend a budget of their own (the burst twice)', async () => {
    judge.setScript(() => ({ content: VERDICT }));
    const spec = modelSpec({ requests_per_minute: 60 });
    const [a, b] = [schedulerOf(undefined, spec), schedulerOf(undefined, spec)];
    const stop = new AbortController();
    setMaxListeners(100, stop.signal); // 30 calls wait on one signal
    const calls = Array.from({ length: 30 }, (_unused, n) => (n % 2 === 0 ? a : b).call(request(n), { signal: stop.signal }));
    await sleep(500);
    stop.abort();
    await Promise.all(calls);
    expect(judge.requests.length).toBe(20);
  });

  it('a call that gives up waiting for a shared lease gives back its slot and the shared budget it took', async () => {
    judge.setScript(() => ({ hang: true }));
    const spec = modelSpec({ requests_per_minute: 60, shared_concurrency: 1 });
    const [{ state: stateA }, { state: stateB }] = await Promise.all([processState(), processState()]);
    const [a, b] = [schedulerOf(stateA, spec), schedulerOf(stateB, spec)];
    const holder = a.call(request(40), { signal: AbortSignal.timeout(1500) });
    await sleep(100);
    const waiter = await b.call(request(41), { signal: AbortSignal.timeout(200) });
    expect(waiter).toMatchObject({ ok: false, source: 'model', attempts: 0, error: { kind: 'timeout' } });
    expect(b.admission.concurrency.inFlight).toBe(0);
    // A took one request of the 10; B's was given back (1 a second refills: at most a little more than 9)
    await sleep(50);
    const available = Number(redis.cli('HGET', `test:budget:${modelKey(spec)}:requests`, 'available'));
    expect(available).toBeGreaterThanOrEqual(9);
    expect(available).toBeLessThan(9.5);
    expect(judge.requests.length).toBe(1);
    await holder;
  });

  it('shared_concurrency 2: the judge never sees more than 2 calls of both processes in flight', async () => {
    let inFlight = 0;
    let most = 0;
    judge.setScript(async () => {
      most = Math.max(most, ++inFlight);
      await sleep(60);
      inFlight--;
      return { content: VERDICT };
    });
    const spec = modelSpec({ concurrency: 4, shared_concurrency: 2 });
    const [{ state: stateA }, { state: stateB }] = await Promise.all([processState(), processState()]);
    const [a, b] = [schedulerOf(stateA, spec), schedulerOf(stateB, spec)];
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_unused, n) => (n % 2 === 0 ? a : b).call(request(n))));
    expect(outcomes.every((outcome) => outcome.ok && outcome.source === 'model')).toBe(true);
    expect(judge.requests.length).toBe(16);
    expect(most).toBe(2);
    await sleep(50);
    expect(redis.cli('ZCARD', `test:leases:${modelKey(spec)}`)).toBe('0');
  });
});

describe('identical calls in flight across processes', () => {
  it('asked by two processes at once: one judge call, the same verdict for both', async () => {
    judge.setScript(() => ({ content: VERDICT, delayMs: 150 }));
    const [{ state: stateA }, { state: stateB }] = await Promise.all([processState(), processState()]);
    const [a, b] = [schedulerOf(stateA), schedulerOf(stateB)];
    // the judge accepts a reply that reads as a verdict: here, as soon as it arrives
    const asked = (scheduler: ModelScheduler) =>
      scheduler.call(request(1)).then((call) => {
        call.accept();
        return call;
      });
    const calls = await Promise.all([asked(a), asked(b)]);
    expect(judge.requests.length).toBe(1);
    expect(calls.map((call) => call.source).sort()).toEqual(['model', 'shared_inflight']);
    expect(calls.map((call) => call.ok && call.reply.text)).toEqual([VERDICT, VERDICT]);
    const joined = calls.find((call) => call.source === 'shared_inflight')!;
    expect([joined.attempts, joined.usage]).toEqual([0, { input_tokens: 0, output_tokens: 0 }]);
    expect(stateA.stats().inflight_joins + stateB.stats().inflight_joins).toBe(1);
  });

  it('the holder gives up (its caller’s deadline): the waiting process calls the judge itself', async () => {
    judge.setScript((incoming) => (incoming.index === 0 ? { hang: true } : { content: VERDICT }));
    const [{ state: stateA }, { state: stateB }] = await Promise.all([processState(), processState()]);
    const holder = schedulerOf(stateA).call(request(2), { signal: AbortSignal.timeout(150) });
    await sleep(30);
    const waiter = schedulerOf(stateB).call(request(2));
    const [gaveUp, answered] = await Promise.all([holder, waiter]);
    expect(gaveUp).toMatchObject({ ok: false, source: 'model', error: { kind: 'timeout' } });
    expect(answered).toMatchObject({ ok: true, source: 'model', attempts: 1 });
    expect(judge.requests.length).toBe(2);
  });

  it('the holder dies mid-call: its lease expires and the waiting process calls the judge itself', async () => {
    judge.setScript((incoming) => (incoming.index === 0 ? { hang: true } : { content: VERDICT }));
    const [{ state: stateA }, { state: stateB }] = await Promise.all([processState({ leaseMs: 400 }), processState({ leaseMs: 400 })]);
    void schedulerOf(stateA).call(request(3), { signal: AbortSignal.timeout(3000) });
    await sleep(50);
    const waiter = schedulerOf(stateB).call(request(3));
    await sleep(500); // the holder refreshes its lease: the waiter still waits
    expect(judge.requests.length).toBe(1);
    stateA.close(); // the holder's process is gone: nothing refreshes or releases its lease
    const diedAt = performance.now();
    expect(await waiter).toMatchObject({ ok: true, source: 'model' });
    expect(performance.now() - diedAt).toBeLessThan(800);
    expect(judge.requests.length).toBe(2);
  });
});

describe('faults', () => {
  it('Redis killed mid-run: every reward right, one warning line, fallbacks counted; restarted: shares again', async () => {
    const linesA: Array<[RedisLogLevel, string]> = [];
    const a = await opened({ redis: redis.url, onRedisLog: (level, line) => linesA.push([level, line]) });
    const b = await opened({ redis: redis.url, onRedisLog: () => {} });
    judge.setScript(async (incoming) => {
      await sleep(5);
      return qa.script(incoming);
    });
    const results = [];
    for (let batch = 0; batch < 6; batch++) {
      if (batch === 2) await redis.kill();
      results.push(...(await a.reward.scoreBatch(qaRows(batch * 5, 5))));
    }
    expect(results.map((result) => result.reward)).toEqual(Array.from({ length: 30 }, (_unused, n) => expectedReward(n)));
    expect(results.every((result) => !result.neutral)).toBe(true);
    expect(linesA.length).toBe(1);
    expect(linesA[0]![0]).toBe('warn');
    expect(linesA[0]![1]).toMatch(/^redis redis:\/\/127\.0\.0\.1:\d+ unreachable \(.+\): each process uses its own judge cache and limits/);
    const stats = a.sharedState!.stats();
    expect(stats.up).toBe(false);
    expect(Object.values(stats.fallbacks).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    expect(stats.fallbacks.inflight).toBeGreaterThanOrEqual(20);

    await redis.restart();
    const deadline = performance.now() + 5000;
    while (!(a.sharedState!.up && b.sharedState!.up) && performance.now() < deadline) await sleep(20);
    expect(linesA.map(([level]) => level)).toEqual(['warn', 'info']);
    expect(linesA[1]![1]).toMatch(/reconnected after \d+\.\d s/);
    const before = judge.requests.length;
    await a.reward.scoreBatch(qaRows(100, 3));
    await b.reward.scoreBatch(qaRows(100, 3));
    expect(judge.requests.length - before).toBe(3);
    // B asked right after A's calls: each verdict was stored already, or A's lease was still being dropped (B waited)
    const { cache_hits: hits, inflight_joins: joins } = b.sharedState!.stats();
    expect(hits + joins).toBe(3);
  });

  it('Redis paused (a slow Redis): a call falls back within the command timeout; resumed, it is back', async () => {
    judge.setScript(() => ({ content: VERDICT }));
    const { state, lines } = await processState({ commandTimeoutMs: 200, probeIntervalMs: 50 });
    const scheduler = schedulerOf(state, modelSpec({ requests_per_minute: 6000, shared_concurrency: 4 }));
    expect((await scheduler.call(request(10))).ok).toBe(true);
    await sleep(50); // its lease given back, answered
    redis.pause();
    try {
      const started = performance.now();
      const call = await scheduler.call(request(11));
      const took = performance.now() - started;
      expect(call).toMatchObject({ ok: true, source: 'model' });
      // one command timed out (200 ms); the budget and the lease were not asked at all once the link was down
      expect(took).toBeGreaterThanOrEqual(190);
      expect(took).toBeLessThan(600);
      const next = performance.now();
      expect((await scheduler.call(request(12))).ok).toBe(true);
      expect(performance.now() - next).toBeLessThan(150);
      expect(lines.map(([level]) => level)).toEqual(['warn']);
      expect(state.stats().fallbacks).toMatchObject({ inflight: 2, budget: 2, concurrency: 2 });
    } finally {
      redis.resume();
    }
    const deadline = performance.now() + 3000;
    while (!state.up && performance.now() < deadline) await sleep(20);
    expect(state.up).toBe(true);
    expect(lines.map(([level]) => level)).toEqual(['warn', 'info']);
  });
});
