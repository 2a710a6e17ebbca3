/**
 * Admission to one judge model: who may send the next call, and when. A call passes the circuit breaker,
 * then the request (RPM) and token (TPM) budgets, then takes a slot of the adaptive concurrency limit (and
 * goes back to the breaker if the circuit opened while it queued for the slot). With Redis (runtime/shared/), the
 * call also takes from the budgets every process shares, after its own, and a lease of the model's
 * `shared_concurrency` after its own slot; when Redis cannot answer, the local limits alone apply.
 * Every attempt's result feeds back: 429 cuts the concurrency, success grows it, endpoint failures count
 * toward the breaker, real token usage settles the estimate, and rate-limit headers that say the quota is
 * spent pause new calls until it resets.
 */
import type { ClassifiedError } from '../models/classify-error.js';
import type { EmbeddingRequest } from '../models/embedding-model.js';
import type { JudgeRequest } from '../models/judge-model.js';
import { maxTokensFor, resolveMaxTokens } from '../models/max-tokens.js';
import type { ModelSpec } from '../spec/schema.js';
import type { TokenUsage } from '../result.js';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { RateBudget } from './rate-budget.js';
import { readRateLimitHeaders } from '../models/provider-headers.js';
import type { SharedConcurrency } from './shared/shared-concurrency.js';
import type { SharedRateBudget } from './shared/shared-rate-budget.js';

/** `abandoned`: the caller gave up (its deadline) before the endpoint answered — not the endpoint's failure. */
export type AttemptResult =
  { ok: true; usage: TokenUsage; headers?: Record<string, string> } | { ok: false; error: ClassifiedError; abandoned?: boolean };

/**
 * Called once with the attempt's result. `releaseSlot`, when present, frees the concurrency slot early
 * (once the response has arrived); calling it is optional and idempotent.
 */
export type SettleAttempt = ((result: AttemptResult) => void) & { releaseSlot?: () => void };

/** What a call asks for, as admission budgets it: a judge prompt, or texts to embed. */
export type AdmissionRequest = JudgeRequest | EmbeddingRequest;

/** Waits until a call may be sent; the returned function must be called once with the attempt's result. */
export interface CallAdmission {
  admit(request: AdmissionRequest, signal?: AbortSignal): Promise<SettleAttempt>;
}

/** A model's limits shared with other processes through Redis (runtime/shared/shared-state.ts), taken after the local ones. */
export interface SharedLimits {
  budget?: SharedRateBudget | undefined;
  concurrency?: SharedConcurrency | undefined;
}

const ENDPOINT_FAILURES = new Set(['network_error', 'server_error', 'timeout']);
const NOTHING_TO_RELEASE = () => {};

/** Input tokens are estimated at 4 characters each; the output at max_tokens. */
export function estimateTokens(request: JudgeRequest, maxTokens: number): number {
  return Math.ceil((request.system.length + request.user.length) / 4) + maxTokens;
}

/** An embedding call's tokens: its texts at 4 characters a token, and no output. */
export function estimateEmbeddingTokens(request: EmbeddingRequest): number {
  return Math.ceil(request.texts.reduce((sum, text) => sum + text.length, 0) / 4);
}

export class ModelAdmission implements CallAdmission {
  readonly concurrency: AdaptiveConcurrency;
  readonly breaker: CircuitBreaker | null;
  private readonly requests: RateBudget | null;
  private readonly tokens: RateBudget | null;

  constructor(
    private readonly spec: ModelSpec,
    private readonly shared: SharedLimits = {},
  ) {
    this.concurrency = new AdaptiveConcurrency({ max: spec.concurrency, adaptive: spec.adaptive_concurrency });
    this.breaker = spec.circuit_breaker
      ? new CircuitBreaker({
          failures: spec.circuit_breaker.failures,
          cooldownMs: spec.circuit_breaker.cooldown_ms,
          maxWaitMs: spec.circuit_breaker.max_wait_ms,
        })
      : null;
    this.requests = spec.requests_per_minute ? new RateBudget(spec.requests_per_minute) : null;
    this.tokens = spec.tokens_per_minute ? new RateBudget(spec.tokens_per_minute) : null;
  }

  async admit(request: AdmissionRequest, signal?: AbortSignal): Promise<SettleAttempt> {
    const estimate = 'texts' in request ? estimateEmbeddingTokens(request) : estimateTokens(request, maxTokensFor(this.spec, request));
    for (;;) {
      const probe = this.breaker ? await this.breaker.admit(signal) : false;
      /** Whether the shared budgets were taken (false without Redis, or when it did not answer). */
      let sharedTaken = false;
      try {
        await this.requests?.take(1, signal);
        await this.tokens?.take(estimate, signal);
        sharedTaken = (await this.shared.budget?.take(estimate, signal)) ?? false;
      } catch (error) {
        if (probe) this.breaker!.cancelProbe(); // never sent: the next waiter probes instead
        throw error;
      }
      let releaseLocal: () => void;
      let releaseShared = NOTHING_TO_RELEASE;
      try {
        releaseLocal = await this.concurrency.acquire(signal);
        try {
          releaseShared = (await this.shared.concurrency?.acquire(signal)) ?? NOTHING_TO_RELEASE;
        } catch (error) {
          releaseLocal();
          throw error;
        }
      } catch (error) {
        if (probe) this.breaker!.cancelProbe();
        this.refund(estimate, sharedTaken);
        throw error;
      }
      const release = () => {
        releaseLocal();
        releaseShared();
      };
      if (!probe && this.breaker && this.breaker.state !== 'closed') {
        // The circuit opened while this call queued for a slot: back to the breaker, not on to a failing endpoint.
        release();
        this.refund(estimate, sharedTaken);
        continue;
      }
      return this.settlerFor(probe, estimate, release, sharedTaken);
    }
  }

  /** Gives back the budget a call took but never used: what each bucket charged (the estimate capped at its capacity). */
  private refund(estimate: number, sharedTaken: boolean): void {
    this.requests?.settle(1);
    this.tokens?.settle(this.tokens.charged(estimate));
    if (sharedTaken && this.shared.budget) this.shared.budget.settle(1, this.shared.budget.charged(estimate));
  }

  private settlerFor(probe: boolean, estimate: number, release: () => void, sharedTaken: boolean): SettleAttempt {
    const settle: SettleAttempt = (result) => {
      release(); // idempotent: a no-op when releaseSlot already ran
      if (result.ok) {
        this.concurrency.onSuccess();
        // settled against what each bucket charged, which is the estimate capped at the bucket's capacity
        const used = result.usage.input_tokens + result.usage.output_tokens;
        if (this.tokens) this.tokens.settle(this.tokens.charged(estimate) - used);
        if (sharedTaken && this.shared.budget && this.spec.tokens_per_minute)
          this.shared.budget.settle(0, this.shared.budget.charged(estimate) - used);
      } else if (result.error.kind === 'rate_limited') {
        this.concurrency.onRateLimited();
      }
      if (!result.ok && result.abandoned) {
        if (probe) this.breaker!.cancelProbe(); // no verdict on the endpoint: the next call probes
      } else if (result.ok) {
        this.breaker?.record(false, probe);
      } else {
        const { kind, message, status, body } = result.error;
        this.breaker?.record(ENDPOINT_FAILURES.has(kind), probe, {
          kind,
          message,
          ...(status === undefined ? {} : { status }),
          ...(body === undefined ? {} : { body }),
        });
      }
      this.observeHeaders(result.ok ? result.headers : result.error.headers);
    };
    settle.releaseSlot = release;
    return settle;
  }

  private observeHeaders(headers: Record<string, string> | undefined): void {
    const state = readRateLimitHeaders(headers);
    if (state.remainingRequests === 0 && state.resetRequestsMs) this.concurrency.pauseFor(state.resetRequestsMs);
    if (state.remainingTokens !== undefined && state.remainingTokens < resolveMaxTokens(this.spec) && state.resetTokensMs)
      this.concurrency.pauseFor(state.resetTokensMs);
  }
}

/** Admission by a fixed concurrency limit only (tests, simple embedding). */
export function limiterAdmission(limiter: { acquire(): Promise<() => void> }): CallAdmission {
  return {
    async admit() {
      const release = await limiter.acquire();
      return () => release();
    },
  };
}
