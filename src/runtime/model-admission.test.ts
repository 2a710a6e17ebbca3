/**
 * ModelAdmission: admission to one judge model, and how each attempt's result feeds back into the adaptive
 * concurrency, the circuit breaker, the token budget and the rate-limit pause. Its parts run on
 * performance.now and timers, so every test runs under fake timers (which fake both) and never measures
 * real time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClassifiedError } from '../models/classify-error.js';
import type { JudgeRequest } from '../models/judge-model.js';
import { ModelSpecSchema } from '../spec/schema.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { estimateTokens, limiterAdmission, ModelAdmission, type AttemptResult } from './model-admission.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The drain timer of a pause may run a little after the pause's end (never before it): allow this much. */
const SLACK_MS = 10;

function admissionFor(overrides: Record<string, unknown> = {}): ModelAdmission {
  return new ModelAdmission(
    ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'fake', base_url: 'http://127.0.0.1:9/v1', ...overrides }),
  );
}

const request: JudgeRequest = { system: 'You judge.', user: 'Judge this.' };

const ok = (usage = { input_tokens: 10, output_tokens: 5 }, headers?: Record<string, string>): AttemptResult => ({
  ok: true,
  usage,
  ...(headers ? { headers } : {}),
});
const failed = (kind: ClassifiedError['kind'], headers?: Record<string, string>): AttemptResult => ({
  ok: false,
  error: { kind, retryable: true, message: kind, ...(headers ? { headers } : {}) },
});

/** Asks for admission and records in `log` when it is granted or rejected. */
function admitInto(admission: ModelAdmission, log: string[], name: string, req: JudgeRequest = request, signal?: AbortSignal) {
  const entry: { settle?: (result: AttemptResult) => void; done: Promise<void> } = { done: Promise.resolve() };
  entry.done = admission.admit(req, signal).then(
    (settle) => {
      entry.settle = settle;
      log.push(name);
    },
    (error: Error) => void log.push(`${name}: ${error.message}`),
  );
  return entry;
}

async function attempt(admission: ModelAdmission, result: AttemptResult, req: JudgeRequest = request): Promise<void> {
  const settle = await admission.admit(req);
  settle(result);
}

describe('estimateTokens', () => {
  it('counts prompt characters / 4 (rounded up) plus max_tokens', () => {
    expect(estimateTokens({ system: 'abcd', user: 'efghi' }, 100)).toBe(103);
    expect(estimateTokens({ system: '', user: '' }, 256)).toBe(256);
    expect(estimateTokens({ system: 'x'.repeat(400), user: 'y'.repeat(400) }, 1024)).toBe(1224);
  });
});

describe('ModelAdmission concurrency', () => {
  it('starts at the spec concurrency', () => {
    expect(admissionFor({ concurrency: 10 }).concurrency.limit).toBe(10);
  });

  it('admits at most `concurrency` calls at once', async () => {
    const admission = admissionFor({ concurrency: 2 });
    const log: string[] = [];
    const a = admitInto(admission, log, 'a');
    admitInto(admission, log, 'b');
    admitInto(admission, log, 'c');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['a', 'b']);
    a.settle!(ok());
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('cuts the limit on a 429 result (only 429s since the last cut: ×0.5): 10 → 5', async () => {
    const admission = admissionFor({ concurrency: 10 });
    await attempt(admission, failed('rate_limited'));
    expect(admission.concurrency.limit).toBe(5);
  });

  it('cuts by the share of 429s beyond the 10% tolerance: 3 successes then a 429 → ×0.85: 10 → 8', async () => {
    const admission = admissionFor({ concurrency: 10 });
    for (let i = 0; i < 3; i++) await attempt(admission, ok());
    await attempt(admission, failed('rate_limited'));
    expect(admission.concurrency.limit).toBe(8);
  });

  it('cuts at most once per second', async () => {
    const admission = admissionFor({ concurrency: 10 });
    await attempt(admission, failed('rate_limited'));
    await attempt(admission, failed('rate_limited'));
    expect(admission.concurrency.limit).toBe(5);
    await vi.advanceTimersByTimeAsync(1000);
    await attempt(admission, failed('rate_limited'));
    expect(admission.concurrency.limit).toBe(2);
  });

  it('grows the limit back on successes', async () => {
    const admission = admissionFor({ concurrency: 2 });
    await attempt(admission, failed('rate_limited'));
    expect(admission.concurrency.limit).toBe(1);
    await attempt(admission, ok());
    expect(admission.concurrency.limit).toBe(2);
  });

  it('leaves the limit alone on other failures', async () => {
    const admission = admissionFor({ concurrency: 10 });
    for (const kind of ['server_error', 'bad_request', 'timeout', 'network_error', 'auth_error'] as const)
      await attempt(admission, failed(kind));
    expect(admission.concurrency.limit).toBe(10);
  });

  it('keeps a fixed limit with adaptive_concurrency: false', async () => {
    const admission = admissionFor({ concurrency: 10, adaptive_concurrency: false });
    await attempt(admission, failed('rate_limited'));
    expect(admission.concurrency.limit).toBe(10);
  });

  it('releases the slot when the attempt is settled', async () => {
    const admission = admissionFor({ concurrency: 3 });
    const settle = await admission.admit(request);
    expect(admission.concurrency.inFlight).toBe(1);
    settle(ok());
    expect(admission.concurrency.inFlight).toBe(0);
  });

  it('rejects with the signal reason when aborted while waiting for a slot', async () => {
    const admission = admissionFor({ concurrency: 1 });
    await admission.admit(request);
    const controller = new AbortController();
    const log: string[] = [];
    const waiting = admitInto(admission, log, 'waiter', request, controller.signal);
    await vi.advanceTimersByTimeAsync(0);
    controller.abort(new Error('deadline'));
    await waiting.done;
    expect(log).toEqual(['waiter: deadline']);
    expect(admission.concurrency.queued).toBe(0);
  });
});

describe('ModelAdmission circuit breaker', () => {
  const breaker = { failures: 3, cooldown_ms: 5000, max_wait_ms: 60_000 };

  it('has a breaker by default and none with circuit_breaker: false', () => {
    expect(admissionFor().breaker).not.toBeNull();
    expect(admissionFor({ circuit_breaker: false }).breaker).toBeNull();
  });

  it('opens after `failures` consecutive endpoint failures, not before', async () => {
    const admission = admissionFor({ circuit_breaker: breaker });
    await attempt(admission, failed('server_error'));
    await attempt(admission, failed('network_error'));
    expect(admission.breaker!.state).toBe('closed');
    await attempt(admission, failed('timeout'));
    expect(admission.breaker!.state).toBe('open');
    expect(admission.breaker!.opened).toBe(1);
  });

  it.each(['bad_request', 'rate_limited', 'auth_error', 'unknown'] as const)(
    'does not count a %s result toward the breaker',
    async (kind) => {
      const admission = admissionFor({ circuit_breaker: breaker });
      await attempt(admission, failed('server_error'));
      await attempt(admission, failed('server_error'));
      await attempt(admission, failed(kind));
      expect(admission.breaker!.state).toBe('closed');
      await attempt(admission, failed('server_error'));
      expect(admission.breaker!.state).toBe('closed');
      expect(admission.breaker!.opened).toBe(0);
    },
  );

  it('a success resets the failure count', async () => {
    const admission = admissionFor({ circuit_breaker: breaker });
    await attempt(admission, failed('server_error'));
    await attempt(admission, failed('server_error'));
    await attempt(admission, ok());
    await attempt(admission, failed('server_error'));
    await attempt(admission, failed('server_error'));
    expect(admission.breaker!.state).toBe('closed');
  });

  it('holds calls while open, lets one probe through after the cooldown, and reopens to all when it succeeds', async () => {
    const admission = admissionFor({ circuit_breaker: breaker });
    for (let i = 0; i < 3; i++) await attempt(admission, failed('server_error'));
    const log: string[] = [];
    const probe = admitInto(admission, log, 'probe');
    admitInto(admission, log, 'second');
    await vi.advanceTimersByTimeAsync(4999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['probe']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(['probe']);
    probe.settle!(ok());
    expect(admission.breaker!.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(50);
    expect(log).toEqual(['probe', 'second']);
  });

  it('re-opens when the probe fails with an endpoint failure', async () => {
    const admission = admissionFor({ circuit_breaker: breaker });
    for (let i = 0; i < 3; i++) await attempt(admission, failed('server_error'));
    const log: string[] = [];
    const probe = admitInto(admission, log, 'probe');
    await vi.advanceTimersByTimeAsync(5000);
    expect(log).toEqual(['probe']);
    probe.settle!(failed('server_error'));
    expect(admission.breaker!.state).toBe('open');
    expect(admission.breaker!.opened).toBe(2);
  });

  it('a probe whose caller gives up before it is sent leaves the circuit half-open for the next waiter', async () => {
    // 6 requests a minute: the bucket holds 1 and refills one every 10 s
    const admission = admissionFor({ circuit_breaker: { failures: 1, cooldown_ms: 1000, max_wait_ms: 60_000 }, requests_per_minute: 6 });
    await attempt(admission, failed('server_error')); // uses the one request in the bucket, and opens the circuit
    expect(admission.breaker!.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1000);
    const controller = new AbortController();
    const log: string[] = [];
    admitInto(admission, log, 'probe', request, controller.signal); // admitted as the probe, then waits for the budget
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('deadline'));
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['probe: deadline']);
    expect(admission.breaker!.state).toBe('half-open'); // not closed: the endpoint was never called
    admitInto(admission, log, 'next'); // becomes the probe instead
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(['probe: deadline', 'next']);
  });

  it('fails a call with CircuitOpenError once the circuit has been open max_wait_ms, naming the last failure', async () => {
    const admission = admissionFor({ circuit_breaker: { failures: 1, cooldown_ms: 60_000, max_wait_ms: 2000 } });
    await attempt(admission, failed('server_error'));
    const log: string[] = [];
    admitInto(admission, log, 'waiter');
    await vi.advanceTimersByTimeAsync(1999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual([
      'waiter: circuit open after 1 consecutive server_error (server_error); open for 2000 ms, failing fast until a probe succeeds',
    ]);
    admitInto(admission, log, 'later'); // the circuit is dead: a new call fails at once, without waiting
    await vi.advanceTimersByTimeAsync(0);
    expect(log.at(-1)).toBe(
      'later: circuit open after 1 consecutive server_error (server_error); open for 2000 ms, failing fast until a probe succeeds',
    );
  });

  it('a call queued for a concurrency slot when the circuit opens goes back to the breaker instead of being sent', async () => {
    const admission = admissionFor({
      concurrency: 1,
      adaptive_concurrency: false,
      circuit_breaker: { failures: 1, cooldown_ms: 1000, max_wait_ms: 60_000 },
    });
    const log: string[] = [];
    const first = admitInto(admission, log, 'first');
    await vi.advanceTimersByTimeAsync(0);
    admitInto(admission, log, 'queued'); // passes the closed breaker, waits for the one slot
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['first']);
    first.settle!(failed('server_error')); // opens the circuit and frees the slot
    await vi.advanceTimersByTimeAsync(999);
    expect(log).toEqual(['first']); // not sent into the open circuit
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['first', 'queued']); // sent as the probe after the cooldown
    expect(admission.breaker!.state).toBe('half-open');
  });

  it('hands the breaker the failure status and body, and an abandoned attempt neither counts nor takes the probe', async () => {
    const admission = admissionFor({ circuit_breaker: { failures: 2, cooldown_ms: 1000, max_wait_ms: 60_000 } });
    const http500: AttemptResult = {
      ok: false,
      error: { kind: 'server_error', retryable: true, message: '500: upstream down', status: 500, body: '{"error":"upstream down"}' },
    };
    await attempt(admission, http500);
    await attempt(admission, { ok: false, error: { kind: 'timeout', retryable: true, message: 'judge call aborted' }, abandoned: true });
    expect(admission.breaker!.state).toBe('closed'); // the abandoned attempt was not the endpoint's failure
    await attempt(admission, http500);
    expect(admission.breaker!.state).toBe('open');
    expect(admission.breaker!.describe()).toBe('circuit open after 2 consecutive server_error (HTTP 500: upstream down)');
    expect(admission.breaker!.lastEndpointFailure).toEqual({
      kind: 'server_error',
      message: '500: upstream down',
      status: 500,
      body: '{"error":"upstream down"}',
    });
    await vi.advanceTimersByTimeAsync(1000);
    await attempt(admission, { ok: false, error: { kind: 'timeout', retryable: true, message: 'judge call aborted' }, abandoned: true }); // the probe, abandoned
    expect(admission.breaker!.state).toBe('half-open'); // the next call probes instead
    expect(admission.breaker!.opened).toBe(1);
  });

  it('never opens with circuit_breaker: false', async () => {
    const admission = admissionFor({ circuit_breaker: false });
    for (let i = 0; i < 20; i++) await attempt(admission, failed('server_error'));
    const log: string[] = [];
    admitInto(admission, log, 'next');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['next']);
  });
});

describe('ModelAdmission rate-limit headers', () => {
  it('pauses new calls until the request quota resets when remaining requests reach 0', async () => {
    const admission = admissionFor();
    await attempt(admission, ok(undefined, { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' }));
    const log: string[] = [];
    admitInto(admission, log, 'a');
    admitInto(admission, log, 'b');
    await vi.advanceTimersByTimeAsync(1999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
    expect(log).toEqual(['a', 'b']);
  });

  it('does not pause while requests remain', async () => {
    const admission = admissionFor();
    await attempt(admission, ok(undefined, { 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '2s' }));
    const log: string[] = [];
    admitInto(admission, log, 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['a']);
  });

  it('does not pause when remaining requests are 0 but no reset time is given', async () => {
    const admission = admissionFor();
    await attempt(admission, ok(undefined, { 'x-ratelimit-remaining-requests': '0' }));
    const log: string[] = [];
    admitInto(admission, log, 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['a']);
  });

  it('pauses until the token quota resets when fewer than max_tokens tokens remain', async () => {
    const admission = admissionFor({ max_tokens: 500 });
    await attempt(admission, ok(undefined, { 'x-ratelimit-remaining-tokens': '499', 'x-ratelimit-reset-tokens': '1.5s' }));
    const log: string[] = [];
    admitInto(admission, log, 'a');
    await vi.advanceTimersByTimeAsync(1499);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
    expect(log).toEqual(['a']);
  });

  it('does not pause while at least max_tokens tokens remain', async () => {
    const admission = admissionFor({ max_tokens: 500 });
    await attempt(admission, ok(undefined, { 'x-ratelimit-remaining-tokens': '500', 'x-ratelimit-reset-tokens': '1.5s' }));
    const log: string[] = [];
    admitInto(admission, log, 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['a']);
  });

  it('reads the headers of a failed attempt too (a 429 with its quota state)', async () => {
    const admission = admissionFor();
    await attempt(
      admission,
      failed('rate_limited', { 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '3' }),
    );
    const log: string[] = [];
    admitInto(admission, log, 'a');
    await vi.advanceTimersByTimeAsync(2999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
    expect(log).toEqual(['a']);
  });
});

describe('ModelAdmission budgets', () => {
  // 800 prompt characters / 4 + max_tokens 100 = an estimate of 300 tokens per call.
  const big: JudgeRequest = { system: 's'.repeat(400), user: 'u'.repeat(400) };

  /** How many calls of `req` are admitted at once before one has to wait. */
  async function admittedBeforeWaiting(admission: ModelAdmission, req: JudgeRequest, limit = 20): Promise<number> {
    const log: string[] = [];
    for (let i = 0; i < limit; i++) admitInto(admission, log, `e${i}`, req);
    await vi.advanceTimersByTimeAsync(0);
    return log.length;
  }

  it('lets through a bucket of requests_per_minute / 6 at once, then waits for the refill', async () => {
    const admission = admissionFor({ requests_per_minute: 60, concurrency: 100 }); // bucket 10, one per second
    const log: string[] = [];
    for (let i = 0; i < 12; i++) admitInto(admission, log, `e${i}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(log.length).toBe(10);
    await vi.advanceTimersByTimeAsync(999);
    expect(log.length).toBe(10);
    await vi.advanceTimersByTimeAsync(1);
    expect(log.length).toBe(11);
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11']);
  });

  it('reserves the token estimate per call from tokens_per_minute / 6', async () => {
    const admission = admissionFor({ tokens_per_minute: 9000, max_tokens: 100, concurrency: 100 }); // bucket 1500 = 5 × 300
    expect(await admittedBeforeWaiting(admission, big)).toBe(5);
  });

  it('refunds the unused part of the estimate when the real usage is lower', async () => {
    const admission = admissionFor({ tokens_per_minute: 9000, max_tokens: 100, concurrency: 100 });
    await attempt(admission, ok({ input_tokens: 0, output_tokens: 0 }), big); // 300 reserved, 300 refunded
    expect(await admittedBeforeWaiting(admission, big)).toBe(5);
  });

  it('charges the excess when the real usage is higher than the estimate', async () => {
    const admission = admissionFor({ tokens_per_minute: 9000, max_tokens: 100, concurrency: 100 });
    await attempt(admission, ok({ input_tokens: 600, output_tokens: 300 }), big); // 900 spent: 600 left
    expect(await admittedBeforeWaiting(admission, big)).toBe(2);
  });

  it('keeps the estimate when the usage matches it', async () => {
    const admission = admissionFor({ tokens_per_minute: 9000, max_tokens: 100, concurrency: 100 });
    await attempt(admission, ok({ input_tokens: 200, output_tokens: 100 }), big);
    expect(await admittedBeforeWaiting(admission, big)).toBe(4);
  });

  it('settles against what the bucket charged — the estimate capped at its capacity — not the whole estimate', async () => {
    // bucket 200 (1200 a minute); the big call's estimate of 300 is charged 200; it used 150: 50 come back, not 150
    const admission = admissionFor({ tokens_per_minute: 1200, max_tokens: 100, concurrency: 100 });
    await attempt(admission, ok({ input_tokens: 100, output_tokens: 50 }), big);
    // 50 tokens left: a 106-token call waits
    expect(await admittedBeforeWaiting(admission, request)).toBe(0);
  });

  it('does not settle tokens on a failed attempt (the estimate stays spent)', async () => {
    const admission = admissionFor({ tokens_per_minute: 9000, max_tokens: 100, concurrency: 100 });
    await attempt(admission, failed('server_error'), big);
    expect(await admittedBeforeWaiting(admission, big)).toBe(4);
  });
});

describe('limiterAdmission', () => {
  it('is only the limiter: an admitted call takes a slot, settling it frees it', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const admission = limiterAdmission(limiter);
    const settle = await admission.admit(request);
    expect(limiter.inFlight).toBe(1);
    settle(failed('server_error'));
    expect(limiter.inFlight).toBe(0);
  });
});
