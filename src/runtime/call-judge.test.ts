/**
 * The one retry layer against the fake judge over real HTTP through the AI SDK client: which failures are
 * retried, how long it waits (Retry-After honoured), timeouts, resets, and the concurrency limit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeJudge, type FakeJudge } from '../../test/support/fake-judge-server.js';
import { createJudgeModel, type JudgeModel } from '../models/judge-model.js';
import { ModelSpecSchema } from '../spec/schema.js';
import { callJudge, type CallJudgeOptions } from './call-judge.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { limiterAdmission, ModelAdmission, type CallAdmission, type SettleAttempt } from './model-admission.js';

let judge: FakeJudge;
let model: JudgeModel;
const request = { system: 'You judge.', user: 'Judge this.' };

beforeAll(async () => {
  judge = await startFakeJudge();
  model = createJudgeModel(ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'fake', base_url: judge.url }));
});
afterAll(() => judge.close());
beforeEach(() => {
  judge.requests.length = 0;
});

function options(
  overrides: Partial<CallJudgeOptions> = {},
): CallJudgeOptions & { retries: Array<{ attempt: number; delayMs: number; kind: string }> } {
  const retries: Array<{ attempt: number; delayMs: number; kind: string }> = [];
  return {
    admission: limiterAdmission(new ConcurrencyLimiter(4)),
    backoff: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 2000 },
    timeoutMs: 1000,
    random: () => 0,
    onRetry: (event) => retries.push({ attempt: event.attempt, delayMs: event.delayMs, kind: event.error.kind }),
    retries,
    ...overrides,
  };
}

/** Replies from a list, one per request, repeating the last. */
function sequence(...replies: Parameters<FakeJudge['setScript']>[0] extends (r: never) => infer R ? R[] : never) {
  return (request: { index: number }) => replies[Math.min(request.index, replies.length - 1)]!;
}

describe('callJudge', () => {
  it('frees the concurrency slot as soon as the response has arrived, before the attempt is settled', async () => {
    judge.setScript(() => ({ content: '{"ok": true}' }));
    const events: string[] = [];
    const admission: CallAdmission = {
      admit() {
        const settle: SettleAttempt = () => events.push('settled');
        settle.releaseSlot = () => events.push('slot released');
        return Promise.resolve(settle);
      },
    };
    const outcome = await callJudge(model, request, options({ admission }));
    expect(outcome.ok).toBe(true);
    expect(events).toEqual(['slot released', 'settled']);
  });

  it('returns the reply, usage and finish reason on success', async () => {
    judge.setScript(() => ({ content: '{"ok": true}', usage: { prompt_tokens: 11, completion_tokens: 3 } }));
    const outcome = await callJudge(model, request, options());
    expect(outcome).toMatchObject({
      ok: true,
      attempts: 1,
      reply: { text: '{"ok": true}', finishReason: 'stop', usage: { input_tokens: 11, output_tokens: 3 } },
    });
  });

  it('retries 429 and waits as long as retry-after-ms asks', async () => {
    const o = options();
    judge.setScript(sequence({ status: 429, headers: { 'retry-after-ms': '120' } }, { content: '{}' }));
    const outcome = await callJudge(model, request, o);
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    // backoff with random 0 is 10/2 = 5 ms; the server asked for 120 ms, which wins
    expect(o.retries).toEqual([{ attempt: 1, delayMs: 120, kind: 'rate_limited' }]);
  });

  it('honours Retry-After in seconds', async () => {
    const o = options();
    judge.setScript(sequence({ status: 429, headers: { 'retry-after': '1' } }, { content: '{}' }));
    const outcome = await callJudge(model, request, o);
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(o.retries).toEqual([{ attempt: 1, delayMs: 1000, kind: 'rate_limited' }]);
  });

  it('backs off exponentially on 5xx: 5, 10, 20 ms with jitter at its floor', async () => {
    const o = options();
    judge.setScript(sequence({ status: 500 }, { status: 502 }, { status: 503 }, { content: '{}' }));
    const outcome = await callJudge(model, request, o);
    expect(outcome).toMatchObject({ ok: true, attempts: 4 });
    expect(o.retries).toEqual([
      { attempt: 1, delayMs: 5, kind: 'server_error' },
      { attempt: 2, delayMs: 10, kind: 'server_error' },
      { attempt: 3, delayMs: 20, kind: 'server_error' },
    ]);
  });

  it('gives up after max retries with the last error and the attempt count', async () => {
    judge.setScript(() => ({ status: 503 }));
    const outcome = await callJudge(model, request, options());
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toBe(4);
    expect(!outcome.ok && outcome.error.kind).toBe('server_error');
    expect(!outcome.ok && outcome.error.message).toMatch(/^503: .* after 4 attempts$/);
    expect(judge.requests).toHaveLength(4);
  });

  it('does not retry 400 or 401', async () => {
    for (const [status, kind] of [
      [400, 'bad_request'],
      [401, 'auth_error'],
    ] as const) {
      judge.requests.length = 0;
      judge.setScript(() => ({ status }));
      const outcome = await callJudge(model, request, options());
      expect(outcome).toMatchObject({ ok: false, attempts: 1, error: { kind } });
      expect(judge.requests).toHaveLength(1);
    }
  });

  it('times out a hanging call and retries it', async () => {
    judge.setScript(sequence({ hang: true }, { content: '{"late": false}' }));
    const outcome = await callJudge(model, request, options({ timeoutMs: 150 }));
    expect(outcome).toMatchObject({ ok: true, attempts: 2, reply: { text: '{"late": false}' } });
  });

  it('reports a timeout after retries are exhausted', async () => {
    judge.setScript(() => ({ hang: true }));
    const outcome = await callJudge(
      model,
      request,
      options({ timeoutMs: 80, backoff: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 10 } }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      attempts: 2,
      error: { kind: 'timeout', message: 'judge call timed out after 80 ms after 2 attempts' },
    });
  });

  it('retries a reset connection as a network error', async () => {
    const o = options();
    judge.setScript(sequence({ reset: true }, { content: '{}' }));
    const outcome = await callJudge(model, request, o);
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(o.retries.map((retry) => retry.kind)).toEqual(['network_error']);
  });

  it('reports an unreachable endpoint as a network error', async () => {
    const closed = await startFakeJudge();
    await closed.close(); // its port now refuses connections
    const down = createJudgeModel(ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'fake', base_url: closed.url }));
    const outcome = await callJudge(down, request, options({ backoff: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 } }));
    expect(outcome).toMatchObject({ ok: false, attempts: 2, error: { kind: 'network_error' } });
    expect(!outcome.ok && outcome.error.message).toContain('ECONNREFUSED');
  });

  it('stops retrying when the caller signal aborts while backing off', async () => {
    judge.setScript(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const controller = new AbortController();
    const pending = callJudge(
      model,
      request,
      options({ signal: controller.signal, backoff: { maxRetries: 5, initialDelayMs: 10, maxDelayMs: 60_000 } }),
    );
    setTimeout(() => controller.abort(new Error('deadline')), 100);
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: { kind: 'rate_limited' } });
    expect(!outcome.ok && outcome.error.message).toContain('deadline reached while backing off');
  });

  it('never has more calls in flight than the limiter allows', async () => {
    let inFlight = 0;
    let peak = 0;
    judge.setScript(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      return { content: '{}' };
    });
    const limiter = new ConcurrencyLimiter(3);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => callJudge(model, request, options({ admission: limiterAdmission(limiter) }))),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(peak).toBe(3);
    expect(judge.requests).toHaveLength(10);
  });

  it('sends the verdict JSON schema as response_format when asked', async () => {
    judge.setScript(() => ({ content: '{}' }));
    await callJudge(
      model,
      { ...request, schema: { type: 'object', properties: { a: { type: 'string' } } }, schemaName: 'verdict' },
      options(),
    );
    expect(judge.requests[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true, name: 'verdict' },
    });
    expect(judge.requests[0]!.body.temperature).toBe(0);
  });

  it('keeps the HTTP status and the start (500 characters) of the provider response body on the error', async () => {
    const detail = `model overloaded: ${'x'.repeat(1000)}`;
    judge.setScript(() => ({ status: 503, body: { error: { message: detail, type: 'overloaded' } } }));
    const outcome = await callJudge(model, request, options({ backoff: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 } }));
    expect(outcome.ok).toBe(false);
    const error = !outcome.ok ? outcome.error : undefined;
    expect(error).toMatchObject({ kind: 'server_error', status: 503 });
    expect(error!.body).toHaveLength(500);
    expect(error!.body).toBe(`${JSON.stringify({ error: { message: detail, type: 'overloaded' } }).slice(0, 499)}…`);
  });

  it('a 401 keeps its status and the whole (short) body', async () => {
    const body = { error: { message: 'Incorrect API key provided: sk-wrong', type: 'invalid_request_error', code: 'invalid_api_key' } };
    judge.setScript(() => ({ status: 401, body }));
    const outcome = await callJudge(model, request, options());
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: { kind: 'auth_error', status: 401, body: JSON.stringify(body) } });
  });

  it('when the deadline wins after 500s, the kind is server_error (the real failure), not timeout', async () => {
    judge.setScript(() => ({ status: 500, body: { error: { message: 'boom' } } }));
    const controller = new AbortController();
    const pending = callJudge(
      model,
      request,
      options({ signal: controller.signal, backoff: { maxRetries: 10, initialDelayMs: 200, maxDelayMs: 200 } }),
    );
    setTimeout(() => controller.abort(new Error('deadline')), 100);
    const outcome = await pending;
    expect(outcome).toMatchObject({
      ok: false,
      attempts: 1,
      error: {
        kind: 'server_error',
        message: '500: boom; deadline reached while backing off',
        status: 500,
        body: '{"error":{"message":"boom"}}',
      },
    });
  });

  it("when the deadline cuts a retry short, the kind is the earlier attempt's real one", async () => {
    judge.setScript(sequence({ status: 502 }, { hang: true }));
    const controller = new AbortController();
    const pending = callJudge(model, request, options({ signal: controller.signal, timeoutMs: 5000 }));
    setTimeout(() => controller.abort(new Error('deadline')), 150);
    const outcome = await pending;
    expect(outcome).toMatchObject({
      ok: false,
      attempts: 2,
      error: { kind: 'server_error', status: 502, message: '502: fake error 502 after 2 attempts; deadline reached during a retry' },
    });
  });

  it('with no failed attempt before the deadline, it is a timeout', async () => {
    judge.setScript(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = callJudge(model, request, options({ signal: controller.signal, timeoutMs: 5000 }));
    setTimeout(() => controller.abort(new Error('deadline')), 100);
    expect(await pending).toMatchObject({
      ok: false,
      attempts: 1,
      error: { kind: 'timeout', message: 'deadline reached before the judge answered' },
    });
  });
});

describe('callJudge behind a circuit breaker', () => {
  const deadAdmission = () =>
    new ModelAdmission(
      ModelSpecSchema.parse({
        provider: 'openai-compatible',
        model: 'fake',
        base_url: judge.url,
        circuit_breaker: { failures: 2, cooldown_ms: 60_000, max_wait_ms: 300 },
      }),
    );
  const once = { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 };

  it('once the circuit has been open max_wait_ms, calls fail at once as circuit_open naming the last real failure', async () => {
    judge.setScript(() => ({ status: 500, body: { error: { message: 'internal error' } } }));
    const admission = deadAdmission();
    for (let i = 0; i < 2; i++) {
      expect(await callJudge(model, request, options({ admission, backoff: once }))).toMatchObject({
        ok: false,
        error: { kind: 'server_error', status: 500 },
      });
    }
    const waited = await callJudge(model, request, options({ admission, backoff: once })); // waits for the circuit, then fails
    expect(waited.latencyMs).toBeGreaterThanOrEqual(250);
    const message =
      /^circuit open after 2 consecutive server_error \(HTTP 500: internal error\); open for 3\d\d ms, failing fast until a probe succeeds$/;
    expect(waited).toMatchObject({
      ok: false,
      attempts: 0,
      error: { kind: 'circuit_open', message: expect.stringMatching(message), status: 500, body: '{"error":{"message":"internal error"}}' },
    });
    const started = performance.now();
    const fast = await Promise.all(Array.from({ length: 20 }, () => callJudge(model, request, options({ admission, backoff: once }))));
    expect(performance.now() - started).toBeLessThan(100); // no per-call wait
    expect(fast.map((outcome) => !outcome.ok && outcome.error.kind)).toEqual(Array.from({ length: 20 }, () => 'circuit_open'));
    expect(judge.requests).toHaveLength(2); // nothing more was sent to the dead endpoint
  });

  it('a call that failed with 500 itself and then meets the dead circuit keeps server_error', async () => {
    judge.setScript(() => ({ status: 500, body: { error: { message: 'internal error' } } }));
    const admission = deadAdmission();
    await callJudge(model, request, options({ admission, backoff: once }));
    const outcome = await callJudge(model, request, options({ admission, backoff: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 1 } }));
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: { kind: 'server_error', status: 500 } });
    expect(!outcome.ok && outcome.error.message).toMatch(
      /^500: internal error; circuit open after 2 consecutive server_error \(HTTP 500: internal error\); open for 3\d\d ms, failing fast until a probe succeeds$/,
    );
  });
});
