/**
 * Sends each sample to the policy model through the runtime the judges use — the model's admission (circuit breaker,
 * RPM/TPM budgets, adaptive concurrency: runtime/model-admission.ts) and the one retry layer (timeout per attempt,
 * backoff, Retry-After: runtime/call-judge.ts) — but NOT through a ModelScheduler: its cache and in-flight dedup key
 * a call on what determines the reply, so the n samples of one prompt would come back as one reply. Sampling wants
 * n real calls: every `sample` is sent, and nothing is cached. It keeps the model's counters and prices each call.
 */
import { costOf } from '../models/cost.js';
import type { JudgeRequest } from '../models/judge-model.js';
import type { ComponentError, TokenUsage } from '../result.js';
import { callWithRetries } from '../runtime/call-judge.js';
import { createLoopYielder } from '../runtime/loop-yield.js';
import { ModelAdmission } from '../runtime/model-admission.js';
import type { GenerationRequest } from './generation-request.js';
import type { PolicyModel, PolicyReply } from './policy-model.js';

/** One sample's call: the reply or the error after retries, with attempts, latency, tokens spent and their cost. */
export type SampleCall = {
  request: GenerationRequest;
  attempts: number;
  latencyMs: number;
  usage: TokenUsage;
  /** The cost of `usage` at the model's price (absent when the price is unknown). */
  costUsd?: number;
} & ({ ok: true; reply: PolicyReply } | { ok: false; error: ComponentError });

export interface SamplerCounters {
  calls: number;
  attempts: number;
  retries: number;
  errors: number;
}

export class PolicySampler {
  readonly admission: ModelAdmission;
  readonly counters: SamplerCounters = { calls: 0, attempts: 0, retries: 0, errors: 0 };
  private readonly turns = createLoopYielder();

  constructor(
    private readonly model: PolicyModel,
    private readonly options: { random?: () => number } = {},
  ) {
    this.admission = new ModelAdmission(model.spec);
  }

  /** Generates one sample: always a call of its own (never cached, never joined to another in flight). */
  async sample(request: GenerationRequest, signal?: AbortSignal): Promise<SampleCall> {
    const spec = this.model.spec;
    const outcome = await callWithRetries(
      (attemptSignal, generateOptions) => this.model.generate(request, attemptSignal, generateOptions),
      budgetOf(request),
      {
        admission: this.admission,
        backoff: { maxRetries: spec.max_retries, initialDelayMs: spec.initial_backoff_ms, maxDelayMs: spec.max_backoff_ms },
        timeoutMs: spec.timeout_ms,
        turns: this.turns,
        ...(signal ? { signal } : {}),
        ...(this.options.random ? { random: this.options.random } : {}),
        onRetry: () => {
          this.counters.retries++;
        },
      },
    );
    this.counters.calls++;
    this.counters.attempts += outcome.attempts;
    if (!outcome.ok) {
      this.counters.errors++;
      return { request, ok: false, error: outcome.error, attempts: outcome.attempts, latencyMs: outcome.latencyMs, usage: NO_USAGE };
    }
    const usage = outcome.reply.usage;
    const costUsd = spec.price ? costOf(usage, spec.price) : undefined;
    return {
      request,
      ok: true,
      reply: outcome.reply,
      attempts: outcome.attempts,
      latencyMs: outcome.latencyMs,
      usage,
      ...(costUsd === undefined ? {} : { costUsd }),
    };
  }
}

const NO_USAGE: TokenUsage = { input_tokens: 0, output_tokens: 0 };

/**
 * What admission budgets for a sample (its token estimate: the prompt's characters / 4 plus max_tokens), in the shape
 * admission reads: the whole conversation as the "user" text.
 */
function budgetOf(request: GenerationRequest): JudgeRequest {
  return { system: '', user: request.prompt.map((message) => message.text).join('\n') };
}
