/**
 * ModelScheduler against the fake judge over real HTTP: sharing identical calls in flight, the persistent
 * cache (stored only on accept(), never for errors, keyed by namespace), retries, and the exact counters.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeReply, FakeRequest } from '../../test/support/fake-judge-server.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { createJudgeModel, modelKey, type JudgeModel, type JudgeRequest } from '../models/judge-model.js';
import { ModelSpecSchema, type ModelSpec } from '../spec/schema.js';
import { JudgeCache } from './judge-cache.js';
import { ModelScheduler, type ModelCounters, type SchedulerOptions } from './model-scheduler.js';

const judge = useFakeJudge();

const VERDICT = '{"score": 4}';
const USAGE = { prompt_tokens: 11, completion_tokens: 4 };

const caches: JudgeCache[] = [];
afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
});

async function memoryCache(): Promise<JudgeCache> {
  const cache = await JudgeCache.open({ path: ':memory:' });
  caches.push(cache);
  return cache;
}

function specFor(overrides: Record<string, unknown> = {}): ModelSpec {
  return ModelSpecSchema.parse({
    provider: 'openai-compatible',
    model: 'fake',
    base_url: judge.url,
    max_retries: 2,
    initial_backoff_ms: 5,
    max_backoff_ms: 50,
    timeout_ms: 5000,
    ...overrides,
  });
}

function scheduler(options: SchedulerOptions = {}, spec: ModelSpec = specFor()) {
  const createModel = vi.fn((modelSpec: ModelSpec) => createJudgeModel(modelSpec));
  return { scheduler: new ModelScheduler(spec, modelKey(spec), createModel, { random: () => 0, ...options }), createModel };
}

/** Replies from a list, one per request, repeating the last. */
function sequence(...replies: FakeReply[]) {
  return (request: FakeRequest) => replies[Math.min(request.index, replies.length - 1)]!;
}

const request: JudgeRequest = { system: 'You judge answers.', user: 'Is 2 + 2 = 4 correct?', templateVersion: 't1' };

function counters(partial: Partial<ModelCounters>): ModelCounters {
  return { calls: 0, attempts: 0, retries: 0, cache_hits: 0, shared: 0, errors: 0, input_tokens: 0, output_tokens: 0, ...partial };
}

describe('ModelScheduler', () => {
  it('sends a call to the model and reports its reply, source and counters', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const { scheduler: s } = scheduler();
    const outcome = await s.call(request);
    expect(outcome.source).toBe('model');
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toBe(1);
    expect(outcome.ok && outcome.reply.text).toBe(VERDICT);
    expect(outcome.ok && outcome.reply.usage).toEqual({ input_tokens: 11, output_tokens: 4 });
    expect(judge.requests.length).toBe(1);
    expect(judge.requests[0]!.system).toBe('You judge answers.');
    expect(judge.requests[0]!.user).toBe('Is 2 + 2 = 4 correct?');
    expect(s.counters).toEqual(counters({ calls: 1, attempts: 1, input_tokens: 11, output_tokens: 4 }));
  });

  it('has the key it was given and an admission built from the spec', () => {
    const spec = specFor({ concurrency: 3 });
    const { scheduler: s } = scheduler({}, spec);
    expect(s.key).toBe(`openai-compatible:fake@${judge.url}`);
    expect(s.admission.concurrency.limit).toBe(3);
  });

  it('creates the model lazily, once', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const { scheduler: s, createModel } = scheduler();
    expect(createModel).toHaveBeenCalledTimes(0);
    await s.call(request);
    await s.call({ ...request, user: 'another' });
    expect(createModel).toHaveBeenCalledTimes(1);
  });

  it('shares one HTTP call among identical requests in flight', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE, delayMs: 20 }));
    const { scheduler: s } = scheduler();
    const outcomes = await Promise.all([s.call(request), s.call(request), s.call({ ...request })]);
    expect(outcomes.map((outcome) => outcome.source)).toEqual(['model', 'inflight', 'inflight']);
    expect(outcomes.map((outcome) => outcome.ok && outcome.reply.text)).toEqual([VERDICT, VERDICT, VERDICT]);
    expect(outcomes.map((outcome) => outcome.attempts)).toEqual([1, 1, 1]);
    expect(judge.requests.length).toBe(1);
    expect(s.counters).toEqual(counters({ calls: 1, attempts: 1, shared: 2, input_tokens: 11, output_tokens: 4 }));
  });

  it('reports one JudgeCall per call: the model key, tokens spent and their cost only when the model itself answered', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE, delayMs: 20 }));
    const spec = specFor({ price: { input_per_mtok: 2, output_per_mtok: 10 } });
    const { scheduler: s } = scheduler({ cache: await memoryCache() }, spec);
    const [sent, joined] = await Promise.all([s.call(request), s.call(request)]);
    sent.accept();
    const cached = await s.call(request);
    const facts = (call: typeof sent) => [call.source, call.model, call.usage, call.costUsd];
    expect([sent, joined, cached].map(facts)).toEqual([
      ['model', modelKey(spec), { input_tokens: 11, output_tokens: 4 }, (11 * 2 + 4 * 10) / 1_000_000],
      ['inflight', modelKey(spec), { input_tokens: 0, output_tokens: 0 }, undefined],
      ['cache', modelKey(spec), { input_tokens: 0, output_tokens: 0 }, undefined],
    ]);
  });

  it('prices nothing without a price, and nothing for a failed call', async () => {
    judge.setScript(sequence({ content: VERDICT, usage: USAGE }, { status: 400 }));
    const { scheduler: unpriced } = scheduler();
    const answered = await unpriced.call(request);
    expect([answered.ok, answered.usage, answered.costUsd]).toEqual([true, { input_tokens: 11, output_tokens: 4 }, undefined]);
    const { scheduler: priced } = scheduler({}, specFor({ max_retries: 0, price: { input_per_mtok: 2, output_per_mtok: 10 } }));
    const failed = await priced.call(request);
    expect(failed).toMatchObject({
      ok: false,
      source: 'model',
      usage: { input_tokens: 0, output_tokens: 0 },
      error: { kind: 'bad_request', status: 400 },
    });
    expect(failed.costUsd).toBeUndefined();
  });

  it('does not share between requests that differ', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const { scheduler: s } = scheduler();
    const outcomes = await Promise.all([
      s.call(request),
      s.call({ ...request, user: 'Is 2 + 2 = 5 correct?' }),
      s.call(request, { namespace: 'again' }),
    ]);
    expect(outcomes.map((outcome) => outcome.source)).toEqual(['model', 'model', 'model']);
    expect(judge.requests.length).toBe(3);
    expect(s.counters).toEqual(counters({ calls: 3, attempts: 3, input_tokens: 33, output_tokens: 12 }));
  });

  it('sends again once the identical call has finished (sharing is only for calls in flight)', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const { scheduler: s } = scheduler();
    const first = await s.call(request);
    const second = await s.call(request);
    expect([first.source, second.source]).toEqual(['model', 'model']);
    expect(judge.requests.length).toBe(2);
  });

  it('shares an error outcome too, counting one call and one error', async () => {
    judge.setScript(() => ({ status: 400, delayMs: 20 }));
    const { scheduler: s } = scheduler();
    const outcomes = await Promise.all([s.call(request), s.call(request)]);
    expect(outcomes.map((outcome) => [outcome.source, outcome.ok, !outcome.ok && outcome.error.kind])).toEqual([
      ['model', false, 'bad_request'],
      ['inflight', false, 'bad_request'],
    ]);
    expect(judge.requests.length).toBe(1);
    expect(s.counters).toEqual(counters({ calls: 1, attempts: 1, shared: 1, errors: 1 }));
  });

  it('retries a 5xx and counts the attempts and retries', async () => {
    judge.setScript(sequence({ status: 503 }, { content: VERDICT, usage: USAGE }));
    const retries: Array<{ attempt: number; delayMs: number; kind: string }> = [];
    const { scheduler: s } = scheduler({
      onRetry: (event) => retries.push({ attempt: event.attempt, delayMs: event.delayMs, kind: event.error.kind }),
    });
    const outcome = await s.call(request);
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toBe(2);
    // backoff with random 0: 5 ms / 2 = 2.5, rounded
    expect(retries).toEqual([{ attempt: 1, delayMs: 3, kind: 'server_error' }]);
    expect(judge.requests.length).toBe(2);
    expect(s.counters).toEqual(counters({ calls: 1, attempts: 2, retries: 1, input_tokens: 11, output_tokens: 4 }));
  });

  it('gives up after max_retries and counts one error', async () => {
    judge.setScript(() => ({ status: 500 }));
    const { scheduler: s } = scheduler();
    const outcome = await s.call(request);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.kind).toBe('server_error');
    expect(outcome.attempts).toBe(3);
    expect(judge.requests.length).toBe(3);
    expect(s.counters).toEqual(counters({ calls: 1, attempts: 3, retries: 2, errors: 1 }));
  });
});

describe('ModelScheduler with a JudgeCache', () => {
  it('stores an accepted reply; the next identical call comes from the cache with 0 attempts and no HTTP call', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    const { scheduler: s } = scheduler({ cache });
    const first = await s.call(request);
    first.accept();
    expect(cache.stats()).toEqual({ entries: 1, hits: 0, misses: 1, writes: 1 });
    const second = await s.call(request);
    expect(second.source).toBe('cache');
    expect(second.ok).toBe(true);
    expect(second.attempts).toBe(0);
    expect(second.latencyMs).toBe(0);
    expect(second.ok && second.reply).toEqual({ text: VERDICT, finishReason: 'stop', usage: { input_tokens: 11, output_tokens: 4 } });
    expect(judge.requests.length).toBe(1);
    // tokens are counted once: a cache hit spends none
    expect(s.counters).toEqual(counters({ calls: 1, attempts: 1, cache_hits: 1, input_tokens: 11, output_tokens: 4 }));
  });

  it('stores nothing when accept() is not called', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    const { scheduler: s } = scheduler({ cache });
    await s.call(request);
    expect(cache.stats().entries).toBe(0);
    const second = await s.call(request);
    expect(second.source).toBe('model');
    expect(judge.requests.length).toBe(2);
    expect(s.counters).toEqual(counters({ calls: 2, attempts: 2, input_tokens: 22, output_tokens: 8 }));
  });

  it('never stores an error outcome, even when accept() is called', async () => {
    judge.setScript(sequence({ status: 400 }, { content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    const { scheduler: s } = scheduler({ cache });
    const failed = await s.call(request);
    expect(failed.ok).toBe(false);
    failed.accept();
    expect(cache.stats()).toEqual({ entries: 0, hits: 0, misses: 1, writes: 0 });
    const next = await s.call(request);
    expect(next.source).toBe('model');
    expect(next.ok).toBe(true);
    expect(judge.requests.length).toBe(2);
    expect(s.counters).toEqual(counters({ calls: 2, attempts: 2, errors: 1, input_tokens: 11, output_tokens: 4 }));
  });

  it('stores the reply when a call that joined an identical one accepts it', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE, delayMs: 20 }));
    const cache = await memoryCache();
    const { scheduler: s } = scheduler({ cache });
    const [, joined] = await Promise.all([s.call(request), s.call(request)]);
    expect(joined.source).toBe('inflight');
    joined.accept();
    expect(cache.stats().entries).toBe(1);
    expect((await s.call(request)).source).toBe('cache');
    expect(judge.requests.length).toBe(1);
  });

  it('keys the cache by namespace: a different namespace misses, the same one hits', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    const { scheduler: s } = scheduler({ cache });
    (await s.call(request, { namespace: 'run-a' })).accept();
    const other = await s.call(request, { namespace: 'run-b' });
    const defaultNamespace = await s.call(request);
    const same = await s.call(request, { namespace: 'run-a' });
    expect([other.source, defaultNamespace.source, same.source]).toEqual(['model', 'model', 'cache']);
    expect(judge.requests.length).toBe(3);
    expect(s.counters).toEqual(counters({ calls: 3, attempts: 3, cache_hits: 1, input_tokens: 33, output_tokens: 12 }));
  });

  it('a cache hit does not create the model', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    (await scheduler({ cache }).scheduler.call(request)).accept();
    const { scheduler: s, createModel } = scheduler({ cache });
    expect((await s.call(request)).source).toBe('cache');
    expect(createModel).toHaveBeenCalledTimes(0);
    expect(judge.requests.length).toBe(1);
  });

  it('misses when the model spec differs (another temperature)', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    (await scheduler({ cache }).scheduler.call(request)).accept();
    const { scheduler: warmer } = scheduler({ cache }, specFor({ temperature: 0.5 }));
    expect((await warmer.call(request)).source).toBe('model');
    expect(judge.requests.length).toBe(2);
  });

  it('accept() of a cache hit writes nothing more', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    const { scheduler: s } = scheduler({ cache });
    (await s.call(request)).accept();
    const hit = await s.call(request);
    hit.accept();
    expect(cache.stats()).toEqual({ entries: 1, hits: 1, misses: 1, writes: 1 });
  });
});

describe('ModelScheduler shared calls and deadlines', () => {
  it('a waiter without a deadline still gets the reply when the first caller gives up', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE, delayMs: 150 }));
    const { scheduler: s } = scheduler();
    const first = s.call(request, { signal: AbortSignal.timeout(20) });
    const second = s.call(request);
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({
      ok: false,
      source: 'model',
      error: { kind: 'timeout', message: 'deadline reached before the judge answered' },
    });
    expect(b).toMatchObject({ ok: true, source: 'inflight', reply: { text: VERDICT } });
    expect(judge.requests).toHaveLength(1);
  });

  it('the shared call is aborted once every waiter has given up', async () => {
    judge.setScript(() => ({ hang: true }));
    const { scheduler: s } = scheduler({}, specFor({ timeout_ms: 60_000 }));
    const outcomes = await Promise.all([
      s.call(request, { signal: AbortSignal.timeout(30) }),
      s.call(request, { signal: AbortSignal.timeout(60) }),
    ]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false]);
    // the underlying call stops too: the scheduler counts it as finished, with an error
    await expect.poll(() => s.counters.errors, { timeout: 2000 }).toBe(1);
  });

  it('a waiter whose deadline passes after 500s is told server_error with the status and body, not timeout', async () => {
    judge.setScript(() => ({ status: 500, body: { error: { message: 'model crashed' } } }));
    const { scheduler: s } = scheduler({}, specFor({ max_retries: 10, initial_backoff_ms: 40, max_backoff_ms: 40 }));
    const outcome = await s.call(request, { signal: AbortSignal.timeout(150) });
    expect(outcome).toMatchObject({
      ok: false,
      source: 'model',
      error: {
        kind: 'server_error',
        status: 500,
        body: '{"error":{"message":"model crashed"}}',
        message: '500: model crashed; deadline reached before a retry succeeded',
      },
    });
    expect(outcome.attempts).toBeGreaterThanOrEqual(2);
  });

  it('a waiter whose deadline passes while the circuit is open is told circuit_open, naming the last real failure', async () => {
    judge.setScript(() => ({ status: 503, body: { error: { message: 'overloaded' } } }));
    const spec = specFor({ max_retries: 0, circuit_breaker: { failures: 1, cooldown_ms: 60_000, max_wait_ms: 60_000 } });
    const { scheduler: s } = scheduler({}, spec);
    expect(await s.call(request)).toMatchObject({ ok: false, error: { kind: 'server_error', status: 503 } });
    const outcome = await s.call({ ...request, user: 'another prompt' }, { signal: AbortSignal.timeout(100) });
    expect(outcome).toMatchObject({
      ok: false,
      attempts: 0,
      error: {
        kind: 'circuit_open',
        status: 503,
        body: '{"error":{"message":"overloaded"}}',
        message: 'deadline reached while the circuit was open: circuit open after 1 consecutive server_error (HTTP 503: overloaded)',
      },
    });
    expect(judge.requests).toHaveLength(1);
  });
});

describe('ModelScheduler output budget', () => {
  it('sends the resolved max_tokens: 1024 by default, 8192 for a reasoning model, the spec value when set', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    for (const [overrides, expected] of [
      [{}, 1024],
      [{ model: 'o3-mini' }, 8192],
      [{ model: 'Qwen/Qwen3-8B' }, 8192],
      [{ model: 'o3-mini', max_tokens: 300 }, 300],
    ] as const) {
      judge.requests.length = 0;
      await scheduler({}, specFor(overrides)).scheduler.call(request);
      expect([overrides, judge.requests[0]!.body.max_tokens]).toEqual([overrides, expected]);
    }
  });

  it('a request with maxTokensScale 2 sends twice the budget and is cached under its own key', async () => {
    judge.setScript(() => ({ content: VERDICT, usage: USAGE }));
    const cache = await memoryCache();
    const { scheduler: s } = scheduler({ cache }, specFor({ model: 'deepseek-r1:8b' }));
    (await s.call(request)).accept();
    const doubled = await s.call({ ...request, maxTokensScale: 2 });
    expect(doubled.source).toBe('model');
    expect(judge.requests.map((sent) => sent.body.max_tokens)).toEqual([8192, 16384]);
  });
});

describe('ModelScheduler and the event loop', () => {
  it('hands the loop back while a burst of instant replies is worked through (a probe gets a turn before the burst ends)', async () => {
    const spec = specFor({ concurrency: 1000 });
    const instant = (modelSpec: ModelSpec): JudgeModel => ({
      key: modelKey(modelSpec),
      spec: modelSpec,
      generate: (call) =>
        Promise.resolve({ text: `{"score": ${call.user.length % 5}}`, finishReason: 'stop', usage: { input_tokens: 1, output_tokens: 1 } }),
    });
    const instantScheduler = new ModelScheduler(spec, modelKey(spec), instant, { random: () => 0 });
    let finished = 0;
    let finishedWhenProbed: number | undefined;
    setImmediate(() => (finishedWhenProbed = finished));
    const calls = Array.from({ length: 250 }, (_, index) =>
      instantScheduler.call({ ...request, user: `question ${index}` }).then((call) => {
        finished++;
        return call.ok;
      }),
    );
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 250 }, () => true));
    // 100 calls per slice at most: without the yields all 250 would finish in microtasks before the probe's turn
    expect(finishedWhenProbed).toBeLessThan(250);
    expect(finishedWhenProbed).toBeGreaterThan(0);
  });
});
