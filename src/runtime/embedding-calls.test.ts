/**
 * A scheduler's embedding path (embedding-calls.ts) against the fake OpenAI server over real HTTP: per-text dedup
 * across requests in flight, per-text cache entries with their share of the tokens (exact float64 round trip),
 * a joined call's failure, the provider's limit of texts per call, and the exact counters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import type { FakeRequest } from '../../test/support/fake-judge-server.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { createEmbeddingModel } from '../models/embedding-model.js';
import { createJudgeModel, modelKey } from '../models/judge-model.js';
import { ModelSpecSchema, type ModelSpec } from '../spec/schema.js';
import { JudgeCache } from './judge-cache.js';
import { ModelScheduler, type SchedulerOptions } from './model-scheduler.js';

const server = useFakeJudge();

const caches: JudgeCache[] = [];
afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
});

function specFor(): ModelSpec {
  return ModelSpecSchema.parse({
    provider: 'openai-compatible',
    model: 'embedder',
    base_url: server.url,
    max_retries: 1,
    initial_backoff_ms: 5,
    max_backoff_ms: 50,
    timeout_ms: 5000,
  });
}

function scheduler(options: SchedulerOptions = {}): ModelScheduler {
  const spec = specFor();
  return new ModelScheduler(spec, modelKey(spec), createJudgeModel, { random: () => 0, ...options });
}

/** A vector per text: [its length, 1/3, 0.1] — values a float32 or JSON text round trip would change. */
const vectorOf = (text: string) => [text.length, 1 / 3, 0.1];
const answer = (request: FakeRequest) => ({ embeddings: (request.input ?? []).map(vectorOf), delayMs: 50 });

describe('embedding calls', () => {
  it('a text in flight is joined by another request: only the new texts go out', async () => {
    server.setScript(answer);
    const models = scheduler();
    const [first, second, third] = await Promise.all([
      models.embed(['answer one', 'the reference']),
      models.embed(['answer two', 'the reference']),
      models.embed(['the reference']),
    ]);
    // both calls go out at once: in either order
    const sent = server.requests.map((request) => request.input!).sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(sent).toEqual([['answer one', 'the reference'], ['answer two']]);
    expect(first).toMatchObject({ ok: true, source: 'model', vectors: [vectorOf('answer one'), vectorOf('the reference')] });
    expect(second).toMatchObject({ ok: true, source: 'model', vectors: [vectorOf('answer two'), vectorOf('the reference')] });
    // joined only: no tokens of its own, the joined call's attempts
    expect(third).toMatchObject({ ok: true, source: 'inflight', attempts: 1, usage: { input_tokens: 0, output_tokens: 0 } });
    expect(models.counters).toEqual({
      calls: 2,
      attempts: 2,
      retries: 0,
      cache_hits: 0,
      shared: 2,
      errors: 0,
      input_tokens: 6 + 3, // ceil(23 / 4) + ceil(10 / 4), the fake's counts
      output_tokens: 0,
    });
  });

  it('caches each text with its share of the call tokens, and returns the exact vector', async () => {
    server.setScript((request) => ({ embeddings: (request.input ?? []).map(vectorOf), usage: { prompt_tokens: 10 } }));
    const cache = await JudgeCache.open({ path: ':memory:' });
    caches.push(cache);
    const first = await scheduler({ cache }).embed(['abcd', 'abcdefghijkl']);
    expect(first).toMatchObject({ ok: true, usage: { input_tokens: 10, output_tokens: 0 } });
    // a new scheduler over the same cache: no request, the same vectors to the last bit
    const again = scheduler({ cache });
    const second = await again.embed(['abcdefghijkl', 'abcd']);
    expect(server.requests).toHaveLength(1);
    expect(second).toMatchObject({
      ok: true,
      source: 'cache',
      attempts: 0,
      usage: { input_tokens: 0, output_tokens: 0 },
      // the reply's tokens: 10 shared by length, 2 for 4 characters and the rest (8) for 12
      reply: { text: '', finishReason: 'stop', usage: { input_tokens: 10, output_tokens: 0 } },
      vectors: [vectorOf('abcdefghijkl'), vectorOf('abcd')],
    });
    expect(again.counters).toMatchObject({ calls: 0, cache_hits: 2 });
  });

  it('a failed call fails every request that joined it, and is not cached', async () => {
    server.setScript(() => ({ status: 400, body: { error: { message: 'input too long' } }, delayMs: 30 }));
    const cache = await JudgeCache.open({ path: ':memory:' });
    caches.push(cache);
    const models = scheduler({ cache });
    const [sent, joined] = await Promise.all([models.embed(['x', 'y']), models.embed(['y'])]);
    const error = { kind: 'bad_request', status: 400, message: '400: input too long' };
    expect(sent).toMatchObject({ ok: false, source: 'model', attempts: 1, error });
    expect(joined).toMatchObject({ ok: false, source: 'inflight', error });
    expect(server.requests).toHaveLength(1);
    expect(cache.stats().entries).toBe(0);
  });

  it("splits a request's texts by the provider's limit, sending the calls together", async () => {
    const sdkModel: EmbeddingModelV3 = {
      specificationVersion: 'v3',
      provider: 'one-at-a-time',
      modelId: 'embedder',
      maxEmbeddingsPerCall: 1,
      supportsParallelCalls: true,
      doEmbed: ({ values }) => Promise.resolve({ embeddings: values.map(vectorOf), usage: { tokens: values[0]!.length }, warnings: [] }),
    };
    const models = scheduler({ createEmbeddingModel: (spec) => createEmbeddingModel(spec, sdkModel) });
    const call = await models.embed(['one', 'three', 'one']);
    expect(call).toMatchObject({ ok: true, source: 'model', attempts: 2, usage: { input_tokens: 8, output_tokens: 0 } });
    expect(call.ok && call.vectors).toEqual([vectorOf('one'), vectorOf('three'), vectorOf('one')]);
    expect(models.counters).toMatchObject({ calls: 2, attempts: 2, input_tokens: 8 });
  });
});
