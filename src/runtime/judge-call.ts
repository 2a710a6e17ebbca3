/**
 * One judge call as the runtime reports it — the one type a scheduled call has from the scheduler up: how it was
 * answered, by which model, after how many attempts and how long, the tokens it spent and what they cost (priced
 * here, where the model's price is known), and either the reply or the error. The judge turns it into its
 * `JudgeCallRecord` (the output format, result.ts); the reward's `onJudgeCall` hook receives it as is.
 */
import type { JudgeReply } from '../models/judge-model.js';
import type { ComponentError, TokenUsage } from '../result.js';

/**
 * 'model': sent to the model; 'cache': from the persistent cache; 'inflight': joined an identical call in flight;
 * with Redis (runtime/shared/): 'shared_cache': a verdict another process stored in the shared cache;
 * 'shared_inflight': another process's identical call, waited for. Every source but 'model' spent nothing.
 */
export type JudgeCallSource = 'model' | 'cache' | 'inflight' | 'shared_cache' | 'shared_inflight';

interface JudgeCallFacts {
  source: JudgeCallSource;
  /** The scheduler's model key (provider:model@endpoint). */
  model: string;
  /** Attempts of the model call that answered (0 from the cache; a call joined in flight reports that call's). */
  attempts: number;
  latencyMs: number;
  /** Tokens this call spent: the reply's usage when the model itself answered, else zero. */
  usage: TokenUsage;
  /** The cost of `usage` at the model's price (spec `price` or a --prices table); absent when unknown or nothing spent. */
  costUsd?: number;
  /** Stores the reply in the cache: call it only when the reply read as a verdict (a no-op on errors and cache hits). */
  accept(): void;
}

export type JudgeCall =
  | (JudgeCallFacts & { ok: true; reply: JudgeReply })
  /** `error` carries the kind, the message, and the provider's HTTP status and body excerpt when it answered. */
  | (JudgeCallFacts & { ok: false; error: ComponentError });

/**
 * An embedding call (an embedding judge) as the runtime reports it: a `JudgeCall` — so the reward's `onJudgeCall`
 * hook and the output's call record take it as any other — whose reply has no text and whose `usage` is the input
 * tokens of the texts embedded, with the vectors beside it (one per text, in order). Its source is `model` when
 * any text was sent, else `inflight` when any joined a call in flight, else `cache`; `usage`, `attempts` and
 * `latencyMs` are those of the calls this one sent (and waited for). The vectors are cached as they arrive:
 * `accept` does nothing.
 */
export type EmbeddingCall =
  (JudgeCallFacts & { ok: true; reply: JudgeReply; vectors: number[][] }) | (JudgeCallFacts & { ok: false; error: ComponentError });
