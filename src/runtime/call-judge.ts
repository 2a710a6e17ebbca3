/**
 * The one retry layer: calls a judge model under its concurrency limit with a per-call timeout, retries
 * 429/5xx/timeouts/network errors with exponential backoff + jitter (Retry-After honoured), and never
 * throws — a failure comes back as a classified error with the attempt count.
 */
import type { JudgeModel, JudgeReply, JudgeRequest } from '../models/judge-model.js';
import { classifyError } from '../models/classify-error.js';
import type { ComponentError } from '../result.js';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';
import { CircuitOpenError } from './circuit-breaker.js';
import { whenResponseArrives } from '../models/node-http-fetch.js';
import type { CallGate, GateExit } from './model-gate.js';

export interface CallJudgeOptions {
  /** Admission: breaker, budgets, concurrency (model-gate.ts), or just a limiter (limiterGate). */
  gate: CallGate;
  backoff: BackoffPolicy;
  timeoutMs: number;
  /** Aborts waiting and retrying (e.g. the caller's deadline). */
  signal?: AbortSignal;
  random?: () => number;
  /** Observes each failed attempt that will be retried (for metrics and logs). */
  onRetry?: (event: { attempt: number; delayMs: number; error: ComponentError }) => void;
}

export type CallOutcome =
  | { ok: true; reply: JudgeReply; attempts: number; latencyMs: number }
  | { ok: false; error: ComponentError; attempts: number; latencyMs: number };

export async function callJudge(model: JudgeModel, request: JudgeRequest, options: CallJudgeOptions): Promise<CallOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) {
      return { ok: false, error: { kind: 'timeout', message: 'deadline reached before the judge answered' }, attempts: attempt - 1, latencyMs: elapsed() };
    }
    let exit: GateExit;
    try {
      exit = await options.gate.enter(request, options.signal);
    } catch (error) {
      const kind = error instanceof CircuitOpenError ? 'circuit_open' : 'timeout';
      const message = error instanceof CircuitOpenError ? error.message : 'deadline reached while waiting to call the judge';
      return { ok: false, error: { kind, message }, attempts: attempt - 1, latencyMs: elapsed() };
    }
    // One plain controller per attempt (AbortSignal.timeout/any are costly at thousands of calls a second).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('judge call timed out', 'TimeoutError'));
    }, options.timeoutMs);
    if (exit.releaseSlot) whenResponseArrives(controller.signal, exit.releaseSlot);
    const onCallerAbort = () => controller.abort(options.signal!.reason);
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let failure: ReturnType<typeof classifyError>;
    try {
      const reply = await model.generate(request, controller.signal);
      exit({ ok: true, usage: reply.usage, ...(reply.headers ? { headers: reply.headers } : {}) });
      return { ok: true, reply, attempts: attempt, latencyMs: elapsed() };
    } catch (error) {
      failure = classifyError(error, timedOut);
      if (timedOut) failure.message = `judge call timed out after ${options.timeoutMs} ms`;
      exit({ ok: false, error: failure });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
    const error: ComponentError = { kind: failure.kind, message: failure.message };
    if (!failure.retryable || attempt > options.backoff.maxRetries || options.signal?.aborted) {
      const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
      return { ok: false, error: { ...error, message: `${error.message}${tries}` }, attempts: attempt, latencyMs: elapsed() };
    }
    const delayMs = backoffDelay(options.backoff, attempt, failure.retryAfterMs, options.random);
    options.onRetry?.({ attempt, delayMs, error });
    try {
      await sleep(delayMs, options.signal);
    } catch {
      return { ok: false, error: { kind: error.kind, message: `${error.message}; deadline reached while backing off` }, attempts: attempt, latencyMs: elapsed() };
    }
  }
}
