/**
 * The scheduler of one judge model (one per provider + model + endpoint): answers from the persistent
 * cache when it can, shares one call among identical requests in flight, and otherwise sends the call
 * through the model's admission (breaker, budgets, adaptive concurrency) with the one retry layer. Every call
 * comes back as one `JudgeCall` (judge-call.ts), priced here at the model's price. It also keeps the model's
 * counters (calls, attempts, retries, errors, tokens), which a reward exposes through its `schedulers`.
 */
import { costOf } from '../models/cost.js';
import type { JudgeModel, JudgeRequest } from '../models/judge-model.js';
import { maxTokensFor } from '../models/max-tokens.js';
import type { ModelSpec } from '../spec/schema.js';
import type { ComponentError, TokenUsage } from '../result.js';
import { judgeCacheKey, judgeRequestMaterial } from './cache-key.js';
import { callJudge, type CallOutcome } from './call-judge.js';
import type { JudgeCache } from './judge-cache.js';
import type { JudgeCall, JudgeCallSource } from './judge-call.js';
import { createLoopYielder, type LoopYielder } from './loop-yield.js';
import { ModelAdmission } from './model-admission.js';

export interface ModelCounters {
  calls: number;
  attempts: number;
  retries: number;
  cache_hits: number;
  shared: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
}

export interface SchedulerOptions {
  cache?: JudgeCache | undefined;
  random?: () => number;
  onRetry?: (event: { attempt: number; delayMs: number; error: ComponentError }) => void;
}

export class ModelScheduler {
  readonly key: string;
  readonly admission: ModelAdmission;
  readonly counters: ModelCounters = {
    calls: 0,
    attempts: 0,
    retries: 0,
    cache_hits: 0,
    shared: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
  };
  private readonly inFlight = new Map<string, SharedCall>();
  /** This model's calls hand the event loop back every few milliseconds of work (loop-yield.ts). */
  private readonly turns: LoopYielder = createLoopYielder();
  private model: JudgeModel | undefined;

  constructor(
    readonly spec: ModelSpec,
    key: string,
    private readonly createModel: (spec: ModelSpec) => JudgeModel,
    private readonly options: SchedulerOptions = {},
  ) {
    this.key = key;
    this.admission = new ModelAdmission(spec);
  }

  async call(
    request: JudgeRequest,
    callOptions: { signal?: AbortSignal | undefined; namespace?: string | undefined } = {},
  ): Promise<JudgeCall> {
    const namespace = callOptions.namespace ?? '';
    // The budget is part of the key: unset max_tokens resolves by model id, and a truncation retry doubles it.
    const budgeted = { ...this.spec, max_tokens: maxTokensFor(this.spec, request) };
    // Hashing is for the persistent cache; dedup in flight can key on the material itself.
    const cacheKey = this.options.cache ? judgeCacheKey(budgeted, request, namespace) : judgeRequestMaterial(budgeted, request, namespace);
    const accept = (outcome: CallOutcome) => () => {
      if (outcome.ok) this.options.cache?.set(cacheKey, outcome.reply, { model: this.key, namespace });
    };
    const cached = this.options.cache?.get(cacheKey);
    if (cached) {
      this.counters.cache_hits++;
      return this.judgeCall('cache', { ok: true, reply: cached, attempts: 0, latencyMs: 0 }, () => {});
    }
    const existing = this.inFlight.get(cacheKey);
    if (existing) {
      this.counters.shared++;
      const outcome = await existing.join(callOptions.signal);
      return this.judgeCall('inflight', outcome, accept(outcome));
    }
    const shared = new SharedCall(
      (signal, onFailedAttempt) => this.send(request, signal, onFailedAttempt),
      (lastFailure) => this.deadlineError(lastFailure),
    );
    this.inFlight.set(cacheKey, shared);
    shared.done.finally(() => this.inFlight.delete(cacheKey)).catch(() => {});
    const outcome = await shared.join(callOptions.signal);
    return this.judgeCall('model', outcome, accept(outcome));
  }

  /** The call as the runtime reports it: tokens spent, and their cost, only when the model itself answered. */
  private judgeCall(source: JudgeCallSource, outcome: CallOutcome, accept: () => void): JudgeCall {
    const spent = outcome.ok && source === 'model' ? outcome.reply.usage : undefined;
    const costUsd = spent && this.spec.price ? costOf(spent, this.spec.price) : undefined;
    const facts = {
      source,
      model: this.key,
      attempts: outcome.attempts,
      latencyMs: outcome.latencyMs,
      usage: spent ?? { input_tokens: 0, output_tokens: 0 },
      ...(costUsd === undefined ? {} : { costUsd }),
      accept,
    };
    return outcome.ok ? { ok: true, reply: outcome.reply, ...facts } : { ok: false, error: outcome.error, ...facts };
  }

  /**
   * What a waiter whose deadline passed is told: the real failure of the call's last attempt if it failed;
   * `circuit_open` (naming the endpoint's last failure) while the circuit is open; else a plain timeout.
   */
  private deadlineError(lastFailure: ComponentError | undefined): ComponentError {
    if (lastFailure) return { ...lastFailure, message: `${lastFailure.message}; deadline reached before a retry succeeded` };
    const breaker = this.admission.breaker;
    if (breaker && breaker.state !== 'closed') {
      const { status, body } = breaker.lastEndpointFailure ?? {};
      const message = `deadline reached while the circuit was open: ${breaker.describe()}`;
      return { kind: 'circuit_open', message, ...(status === undefined ? {} : { status }), ...(body === undefined ? {} : { body }) };
    }
    return { kind: 'timeout', message: 'deadline reached before the judge answered' };
  }

  private async send(
    request: JudgeRequest,
    signal: AbortSignal | undefined,
    onFailedAttempt: (error: ComponentError) => void,
  ): Promise<CallOutcome> {
    this.model ??= this.createModel(this.spec);
    const outcome = await callJudge(this.model, request, {
      admission: this.admission,
      backoff: { maxRetries: this.spec.max_retries, initialDelayMs: this.spec.initial_backoff_ms, maxDelayMs: this.spec.max_backoff_ms },
      timeoutMs: this.spec.timeout_ms,
      turns: this.turns,
      ...(signal ? { signal } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
      onRetry: (event) => {
        onFailedAttempt(event.error);
        this.counters.retries++;
        this.options.onRetry?.(event);
      },
    });
    this.counters.calls++;
    this.counters.attempts += outcome.attempts;
    if (outcome.ok) this.addUsage(outcome.reply.usage);
    else this.counters.errors++;
    return outcome;
  }

  private addUsage(usage: TokenUsage): void {
    this.counters.input_tokens += usage.input_tokens;
    this.counters.output_tokens += usage.output_tokens;
  }
}

/**
 * One model call shared by every identical request in flight. Each waiter may bring its own deadline: a
 * waiter whose deadline passes stops waiting at once (a timeout outcome), and the call itself is aborted
 * only when every waiter has given up — a waiter without a deadline keeps it going.
 */
class SharedCall {
  readonly done: Promise<CallOutcome>;
  private readonly controller = new AbortController();
  private waiters = 0;
  private patient = 0;
  /** The last failed attempt of the call so far (it is being retried). */
  private lastFailure: ComponentError | undefined;
  private attempts = 0;

  constructor(
    run: (signal: AbortSignal, onFailedAttempt: (error: ComponentError) => void) => Promise<CallOutcome>,
    private readonly deadlineError: (lastFailure: ComponentError | undefined) => ComponentError,
  ) {
    this.done = run(this.controller.signal, (error) => {
      this.lastFailure = error;
      this.attempts++;
    });
  }

  private gaveUp(): CallOutcome {
    return { ok: false, error: this.deadlineError(this.lastFailure), attempts: this.attempts, latencyMs: 0 };
  }

  join(signal: AbortSignal | undefined): Promise<CallOutcome> {
    if (!signal) {
      this.patient++;
      return this.done;
    }
    if (signal.aborted) return Promise.resolve(this.gaveUp());
    this.waiters++;
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters--;
        if (this.waiters === 0 && this.patient === 0) this.controller.abort(signal.reason);
        resolve(this.gaveUp());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void this.done.then((outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  }
}
