/**
 * The one retry layer: calls a judge model under its concurrency limit with a per-call timeout, retries
 * 429/5xx/timeouts/network errors with exponential backoff + jitter (Retry-After honoured), and never
 * throws — a failure comes back as a classified error with the attempt count, the provider's HTTP status
 * and the start of its response body. When a call stops without an answer (its deadline, or an open circuit)
 * after a failed attempt, it reports that attempt's real kind (`server_error`, `auth_error`, …), not `timeout`.
 */
import type { GenerateOptions, JudgeModel, JudgeReply, JudgeRequest } from '../models/judge-model.js';
import { classifyError } from '../models/classify-error.js';
import type { ComponentError, TokenUsage } from '../result.js';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';
import { CircuitOpenError } from './circuit-breaker.js';
import type { LoopYielder } from './loop-yield.js';
import type { AdmissionRequest, CallAdmission, SettleAttempt } from './model-admission.js';

export interface CallJudgeOptions {
  /** Admission: breaker, budgets, concurrency (model-admission.ts), or just a limiter (limiterAdmission). */
  admission: CallAdmission;
  backoff: BackoffPolicy;
  timeoutMs: number;
  /** Aborts waiting and retrying (e.g. the caller's deadline). */
  signal?: AbortSignal;
  random?: () => number;
  /** Observes each failed attempt that will be retried (for metrics and logs). */
  onRetry?: (event: { attempt: number; delayMs: number; error: ComponentError }) => void;
  /** Hands the event loop back between slices of work: before each attempt and before a reply is parsed (none if absent). */
  turns?: LoopYielder;
}

export type CallOutcome<Reply = JudgeReply> =
  | { ok: true; reply: Reply; attempts: number; latencyMs: number }
  | { ok: false; error: ComponentError; attempts: number; latencyMs: number };

/** What admission learns from an attempt's reply: the tokens it spent and the rate-limit headers. */
export interface AttemptReply {
  usage: TokenUsage;
  headers?: Record<string, string>;
}

/** One attempt of a call: a judge's `generate`, or an embedding model's `embed`. */
export type Attempt<Reply extends AttemptReply> = (signal: AbortSignal, options: GenerateOptions) => Promise<Reply>;

export function callJudge(model: JudgeModel, request: JudgeRequest, options: CallJudgeOptions): Promise<CallOutcome> {
  return callWithRetries((signal, generateOptions) => model.generate(request, signal, generateOptions), request, options);
}

/** The retry layer over any model call: `send` makes one attempt, `request` is what admission budgets. */
export async function callWithRetries<Reply extends AttemptReply>(
  send: Attempt<Reply>,
  request: AdmissionRequest,
  options: CallJudgeOptions,
): Promise<CallOutcome<Reply>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  /** The last attempt's real failure: when the call stops without an answer, its kind is reported, not `timeout`. */
  let last: ComponentError | undefined;
  const stop = (attempts: number, error: ComponentError): CallOutcome<Reply> => ({ ok: false, error, attempts, latencyMs: elapsed() });
  /** Stops after `attempts` attempts for `why`: the last real failure (with why) if there was one, else `otherwise`. */
  const stopAfter = (attempts: number, why: string, otherwise: ComponentError): CallOutcome<Reply> =>
    stop(attempts, last ? { ...last, message: `${last.message}${triesText(attempts)}; ${why}` } : otherwise);
  const turns = options.turns;
  for (let attempt = 1; ; attempt++) {
    await turns?.afterRow();
    if (options.signal?.aborted) {
      return stopAfter(attempt - 1, 'deadline reached before a retry', {
        kind: 'timeout',
        message: 'deadline reached before the judge answered',
      });
    }
    let settle: SettleAttempt;
    try {
      settle = await options.admission.admit(request, options.signal);
    } catch (error) {
      if (CircuitOpenError.isInstance(error)) return stopAfter(attempt - 1, error.message, circuitOpenError(error));
      return stopAfter(attempt - 1, 'deadline reached while waiting to retry', {
        kind: 'timeout',
        message: 'deadline reached while waiting to call the judge',
      });
    }
    // One plain controller per attempt (AbortSignal.timeout/any are costly at thousands of calls a second).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('judge call timed out', 'TimeoutError'));
    }, options.timeoutMs);
    const onCallerAbort = () => controller.abort(options.signal!.reason);
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let failure: ReturnType<typeof classifyError>;
    try {
      // the slot is freed as soon as the response is in; the reply is parsed in a later slice of the loop when this one is spent
      const onResponseArrived = () => {
        settle.releaseSlot?.();
        return turns?.afterRow();
      };
      const reply = await send(controller.signal, { onResponseArrived });
      settle({ ok: true, usage: reply.usage, ...(reply.headers ? { headers: reply.headers } : {}) });
      return { ok: true, reply, attempts: attempt, latencyMs: elapsed() };
    } catch (error) {
      failure = classifyError(error, timedOut);
      if (timedOut) failure.message = `judge call timed out after ${options.timeoutMs} ms`;
      // The caller's deadline cut this attempt short: no verdict on the endpoint (the breaker does not count it).
      const abandoned = !timedOut && options.signal?.aborted === true;
      settle({ ok: false, error: failure, ...(abandoned ? { abandoned } : {}) });
      if (abandoned)
        return stopAfter(attempt, 'deadline reached during a retry', {
          kind: 'timeout',
          message: 'deadline reached before the judge answered',
        });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
    const error: ComponentError = {
      kind: failure.kind,
      message: failure.message,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      ...(failure.body === undefined ? {} : { body: failure.body }),
    };
    last = error;
    if (!failure.retryable || attempt > options.backoff.maxRetries) {
      return stop(attempt, { ...error, message: `${error.message}${triesText(attempt)}` });
    }
    const delayMs = backoffDelay(options.backoff, attempt, failure.retryAfterMs, options.random);
    options.onRetry?.({ attempt, delayMs, error });
    try {
      await sleep(delayMs, options.signal);
    } catch {
      return stopAfter(attempt, 'deadline reached while backing off', error);
    }
  }
}

function triesText(attempts: number): string {
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** A call the open circuit kept from being sent: `circuit_open`, with the last real failure's status and body. */
export function circuitOpenError(error: CircuitOpenError): ComponentError {
  const { status, body } = error.lastFailure ?? {};
  return {
    kind: 'circuit_open',
    message: error.message,
    ...(status === undefined ? {} : { status }),
    ...(body === undefined ? {} : { body }),
  };
}
