/**
 * The scheduler of one judge model (one per provider + model + endpoint): answers from the persistent
 * cache when it can, shares one call among identical requests in flight, and otherwise sends the call
 * through the model's admission (breaker, budgets, adaptive concurrency) with the one retry layer.
 * With Redis (`shared`, runtime/shared/), a call this process is about to send first looks in the shared cache and
 * takes the key's cross-process lease in one step: another process's verdict is used as is (`shared_cache`), a call
 * another process is making is waited for (`shared_inflight`), and only the lease holder sends it — through the
 * shared budgets and concurrency cap as well as its own; an accepted verdict goes to both caches. Every call
 * comes back as one `JudgeCall` (judge-call.ts), priced here at the model's price. It also keeps the model's
 * counters (calls, attempts, retries, errors, tokens), which a reward exposes through its `schedulers`.
 * An embedding judge's texts go through the same scheduler (`embed`, embedding-calls.ts): same admission, retry
 * layer, cache and counters.
 */
import { costOf } from '../models/cost.js';
import { createEmbeddingModel, type EmbeddingModel, type EmbeddingReply, type EmbeddingRequest } from '../models/embedding-model.js';
import type { JudgeModel, JudgeRequest } from '../models/judge-model.js';
import { maxTokensFor } from '../models/max-tokens.js';
import type { ModelSpec } from '../spec/schema.js';
import type { ComponentError, TokenUsage } from '../result.js';
import { judgeCacheKey, judgeRequestMaterial } from './cache-key.js';
import { callJudge, callWithRetries, type CallJudgeOptions, type CallOutcome } from './call-judge.js';
import { EmbeddingCalls } from './embedding-calls.js';
import type { JudgeCache } from './judge-cache.js';
import type { EmbeddingCall, JudgeCall, JudgeCallSource } from './judge-call.js';
import { createLoopYielder, type LoopYielder } from './loop-yield.js';
import { ModelAdmission } from './model-admission.js';
import { SharedCall } from './shared-call.js';
import type { InflightLease } from './shared/shared-inflight.js';
import type { SharedModelState, SharedState } from './shared/shared-state.js';

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
  /** How the model spec becomes an EmbeddingModel for `embed` (default: over the AI SDK provider, embedding-model.ts). */
  createEmbeddingModel?: (spec: ModelSpec) => EmbeddingModel;
  /** What this process shares with others through Redis (the scheduler registry's): cache, calls in flight, limits. */
  shared?: SharedState | undefined;
}

/** How a call this process made was answered (known once it is done). */
interface CallAnswer {
  /** `model`, or `shared_cache` / `shared_inflight` when another process's verdict answered it. */
  source: JudgeCallSource;
  /** The cross-process lease this process held while it called the judge (with Redis). */
  lease?: InflightLease;
}

/** A call this process is making, joined by its identical requests. */
interface CallInFlight {
  call: SharedCall;
  answer: CallAnswer;
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
  private readonly inFlight = new Map<string, CallInFlight>();
  private readonly shared: SharedModelState | undefined;
  /** This model's calls hand the event loop back every few milliseconds of work (loop-yield.ts). */
  private readonly turns: LoopYielder = createLoopYielder();
  private model: JudgeModel | undefined;
  private embeddingModel: EmbeddingModel | undefined;
  private embeddings: EmbeddingCalls | undefined;

  constructor(
    readonly spec: ModelSpec,
    key: string,
    private readonly createModel: (spec: ModelSpec) => JudgeModel,
    private readonly options: SchedulerOptions = {},
  ) {
    this.key = key;
    this.shared = options.shared?.forModel(spec, key);
    this.admission = new ModelAdmission(spec, this.shared ?? {});
  }

  async call(
    request: JudgeRequest,
    callOptions: { signal?: AbortSignal | undefined; namespace?: string | undefined } = {},
  ): Promise<JudgeCall> {
    const namespace = callOptions.namespace ?? '';
    // The budget is part of the key: unset max_tokens resolves by model id, and a truncation retry doubles it.
    const budgeted = { ...this.spec, max_tokens: maxTokensFor(this.spec, request) };
    // Hashing is for the persistent caches; dedup in flight can key on the material itself.
    const cacheKey =
      this.options.cache || this.shared ? judgeCacheKey(budgeted, request, namespace) : judgeRequestMaterial(budgeted, request, namespace);
    /** Stores an accepted verdict in the local cache and, when the model answered this process, in the shared one. */
    const accept = (outcome: CallOutcome, answer: CallAnswer) => () => {
      if (!outcome.ok) return;
      this.options.cache?.set(cacheKey, outcome.reply, { model: this.key, namespace });
      if (answer.lease)
        answer.lease.complete(outcome.reply); // stored and the lease dropped, in one script
      else if (answer.source === 'model') this.shared?.cache.setReply(cacheKey, outcome.reply); // sent without a lease
    };
    const cached = this.options.cache?.get(cacheKey);
    if (cached) {
      this.counters.cache_hits++;
      return this.judgeCall('cache', { ok: true, reply: cached, attempts: 0, latencyMs: 0 }, () => {});
    }
    const existing = this.inFlight.get(cacheKey);
    if (existing) {
      this.counters.shared++;
      const outcome = await existing.call.join(callOptions.signal);
      return this.judgeCall('inflight', outcome, accept(outcome, existing.answer));
    }
    const answer: CallAnswer = { source: 'model' };
    const call = new SharedCall(
      (signal, onFailedAttempt) =>
        this.shared ? this.sendShared(cacheKey, request, answer, signal, onFailedAttempt) : this.send(request, signal, onFailedAttempt),
      (lastFailure) => this.deadlineError(lastFailure),
    );
    this.inFlight.set(cacheKey, { call, answer });
    call.done.finally(() => this.inFlight.delete(cacheKey)).catch(() => {});
    const outcome = await call.join(callOptions.signal);
    return this.judgeCall(answer.source, outcome, accept(outcome, answer));
  }

  /**
   * A call through the shared state: another process's verdict when there is one (stored, or awaited while that process
   * holds the key's lease); else this process takes the lease and sends the call itself — and does so without a lease
   * when Redis cannot answer.
   */
  private async sendShared(
    cacheKey: string,
    request: JudgeRequest,
    answer: CallAnswer,
    signal: AbortSignal,
    onFailedAttempt: (error: ComponentError) => void,
  ): Promise<CallOutcome> {
    const started = performance.now();
    const claim = await this.shared!.inflight.claim(cacheKey, signal);
    const latencyMs = () => Math.round(performance.now() - started);
    switch (claim.kind) {
      case 'verdict':
        answer.source = claim.waited ? 'shared_inflight' : 'shared_cache';
        if (claim.waited) this.counters.shared++;
        else this.counters.cache_hits++;
        return { ok: true, reply: claim.reply, attempts: 0, latencyMs: latencyMs() };
      case 'gave_up':
        return { ok: false, error: this.deadlineError(undefined), attempts: 0, latencyMs: latencyMs() };
      case 'local':
        return this.send(request, signal, onFailedAttempt);
      case 'holder': {
        answer.lease = claim.lease;
        const outcome = await this.send(request, signal, onFailedAttempt);
        // a verdict is stored (and the lease dropped) when the judge accepts the reply; a failure frees the key now
        if (outcome.ok) claim.lease.awaitVerdict(this.shared!.verdictGraceMs);
        else claim.lease.release();
        return outcome;
      }
    }
  }

  /**
   * Embeds `texts` (an embedding judge): per text from the cache, joined in flight, or sent — the new texts of one
   * request in one call — through this model's admission and retry layer.
   */
  embed(
    texts: readonly string[],
    callOptions: { signal?: AbortSignal | undefined; namespace?: string | undefined } = {},
  ): Promise<EmbeddingCall> {
    this.embeddings ??= new EmbeddingCalls({
      spec: this.spec,
      key: this.key,
      cache: this.options.cache,
      sharedCache: this.shared?.cache,
      counters: this.counters,
      maxTextsPerCall: () => this.embeddingModelOf().maxTextsPerCall(),
      send: (request, signal, onFailedAttempt) => this.sendEmbedding(request, signal, onFailedAttempt),
      deadlineError: (lastFailure) => this.deadlineError(lastFailure),
    });
    return this.embeddings.embed(texts, callOptions);
  }

  private embeddingModelOf(): EmbeddingModel {
    this.embeddingModel ??= (this.options.createEmbeddingModel ?? createEmbeddingModel)(this.spec);
    return this.embeddingModel;
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
    return this.counted(await callJudge(this.model, request, this.retryOptions(signal, onFailedAttempt)));
  }

  private async sendEmbedding(
    request: EmbeddingRequest,
    signal: AbortSignal,
    onFailedAttempt: (error: ComponentError) => void,
  ): Promise<CallOutcome<EmbeddingReply>> {
    let model: EmbeddingModel;
    try {
      model = this.embeddingModelOf();
    } catch (error) {
      // a provider without embeddings (the spec rejects it; this is for a caller that skipped validation)
      return this.counted({ ok: false, error: { kind: 'bad_request', message: (error as Error).message }, attempts: 0, latencyMs: 0 });
    }
    const send = (attemptSignal: AbortSignal, options: Parameters<EmbeddingModel['embed']>[2]) =>
      model.embed(request, attemptSignal, options);
    return this.counted(await callWithRetries(send, request, this.retryOptions(signal, onFailedAttempt)));
  }

  /** The retry layer's options for one call of this model. */
  private retryOptions(signal: AbortSignal | undefined, onFailedAttempt: (error: ComponentError) => void): CallJudgeOptions {
    return {
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
    };
  }

  /** Counts a finished call in the model's counters. */
  private counted<Reply extends { usage: TokenUsage }>(outcome: CallOutcome<Reply>): CallOutcome<Reply> {
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
