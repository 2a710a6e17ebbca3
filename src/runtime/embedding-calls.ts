/**
 * The embedding calls of one model's scheduler (model-scheduler.ts), per text: each text of a request is answered
 * from the persistent cache when it can, joins an identical text already being embedded, and otherwise goes out
 * with the request's other new texts in one call (split by the provider's limit of texts per call), through the
 * model's admission and the one retry layer, as a judge call does. Vectors are cached per text as they arrive, so a
 * reference shared by the rollouts of a group is embedded once. With Redis (runtime/shared/), the texts a call is about
 * to send are first looked up in the shared cache (one MGET), and the vectors it sends for are stored there too; texts
 * are not deduplicated across processes in flight. The texts' results come back as one `EmbeddingCall`.
 */
import { costOf } from '../models/cost.js';
import type { EmbeddingReply, EmbeddingRequest } from '../models/embedding-model.js';
import type { ComponentError, TokenUsage } from '../result.js';
import type { ModelSpec } from '../spec/schema.js';
import { embeddingCacheKey } from './cache-key.js';
import type { CallOutcome } from './call-judge.js';
import type { JudgeCache } from './judge-cache.js';
import type { EmbeddingCall, JudgeCallSource } from './judge-call.js';
import { SharedCall } from './shared-call.js';
import type { SharedCache } from './shared/shared-cache.js';

/** What the embedding calls use of their scheduler. */
export interface EmbeddingRuntime {
  readonly spec: ModelSpec;
  /** The scheduler's model key (provider:model@endpoint). */
  readonly key: string;
  readonly cache: JudgeCache | undefined;
  /** The cache shared with other processes through Redis, when there is one. */
  readonly sharedCache?: SharedCache | undefined;
  /** The scheduler's counters: cache hits and shared texts are counted here (calls, attempts, tokens by `send`). */
  readonly counters: { cache_hits: number; shared: number };
  /** The most texts one call may carry. */
  maxTextsPerCall(): Promise<number>;
  /** One embedding call through the model's admission and the retry layer; never throws. */
  send(
    request: EmbeddingRequest,
    signal: AbortSignal,
    onFailedAttempt: (error: ComponentError) => void,
  ): Promise<CallOutcome<EmbeddingReply>>;
  /** What a waiter whose deadline passed is told. */
  deadlineError(lastFailure: ComponentError | undefined): ComponentError;
}

/** The reply of the calls that embedded a request's new texts, with each text's share of their input tokens. */
interface BatchReply extends EmbeddingReply {
  textTokens: number[];
  /** Per text: found in the shared cache (not sent). */
  fromShared: boolean[];
}

/** A text being embedded: the shared call that carries it, and the text's place among its texts. */
interface TextInFlight {
  call: SharedCall<BatchReply>;
  index: number;
}

/** The texts of one request served by one shared call (sent by this request, or joined). */
interface Awaited {
  call: SharedCall<BatchReply>;
  /** For each text of the call this request uses: the call's index and the request's positions. */
  texts: Array<{ index: number; positions: number[] }>;
  own: boolean;
}

export class EmbeddingCalls {
  private readonly inFlight = new Map<string, TextInFlight>();

  constructor(private readonly runtime: EmbeddingRuntime) {}

  async embed(
    texts: readonly string[],
    options: { signal?: AbortSignal | undefined; namespace?: string | undefined } = {},
  ): Promise<EmbeddingCall> {
    const { runtime } = this;
    const namespace = options.namespace ?? '';
    const vectors: Array<number[] | undefined> = texts.map(() => undefined);
    /** The input tokens of each text's vector (cached, or its share of its call's tokens). */
    const tokens: number[] = texts.map(() => 0);
    // Equal texts of one request (a response that repeats the reference) are embedded once.
    const unique = new Map<string, { text: string; positions: number[] }>();
    texts.forEach((text, position) => {
      const key = embeddingCacheKey(runtime.spec, text, namespace);
      const entry = unique.get(key) ?? { text, positions: [] };
      entry.positions.push(position);
      unique.set(key, entry);
    });
    const waits = new Map<SharedCall<BatchReply>, Awaited>();
    const toSend: Array<{ key: string; text: string; positions: number[] }> = [];
    for (const [key, { text, positions }] of unique) {
      const cached = runtime.cache?.getEmbedding(key);
      if (cached) {
        runtime.counters.cache_hits++;
        for (const position of positions) {
          vectors[position] = cached.vector;
          tokens[position] = cached.inputTokens;
        }
        continue;
      }
      const joined = this.inFlight.get(key);
      if (joined) {
        runtime.counters.shared++;
        const wait = waits.get(joined.call) ?? { call: joined.call, texts: [], own: false };
        wait.texts.push({ index: joined.index, positions });
        waits.set(joined.call, wait);
        continue;
      }
      toSend.push({ key, text, positions });
    }
    if (toSend.length > 0) {
      const call = this.send(toSend, namespace);
      waits.set(call, { call, texts: toSend.map((entry, index) => ({ index, positions: entry.positions })), own: true });
    }

    const outcomes = await Promise.all([...waits.values()].map(async (wait) => ({ wait, outcome: await wait.call.join(options.signal) })));
    let failure: CallOutcome<BatchReply> | undefined;
    let spent = 0;
    let attempts = 0;
    let latencyMs = 0;
    for (const { wait, outcome } of outcomes) {
      latencyMs = Math.max(latencyMs, outcome.latencyMs);
      if (wait.own || !outcomes.some((other) => other.wait.own)) attempts += outcome.attempts;
      if (!outcome.ok) {
        failure ??= outcome;
        continue;
      }
      if (wait.own) spent += outcome.reply.usage.input_tokens;
      for (const { index, positions } of wait.texts) {
        for (const position of positions) {
          vectors[position] = outcome.reply.vectors[index];
          tokens[position] = outcome.reply.textTokens[index]!;
        }
      }
    }
    const own = outcomes.find(({ wait }) => wait.own)?.outcome;
    const ownSent = own !== undefined && (!own.ok || own.reply.fromShared.some((shared) => !shared));
    const joined = outcomes.some(({ wait }) => !wait.own);
    const source: JudgeCallSource = ownSent ? 'model' : joined ? 'inflight' : own ? 'shared_cache' : 'cache';
    const usage: TokenUsage = { input_tokens: spent, output_tokens: 0 };
    const costUsd = spent > 0 && runtime.spec.price ? costOf(usage, runtime.spec.price) : undefined;
    const facts = {
      source,
      model: runtime.key,
      attempts,
      latencyMs,
      usage,
      ...(costUsd === undefined ? {} : { costUsd }),
      accept: () => {},
    };
    if (failure && !failure.ok) return { ok: false, error: failure.error, ...facts };
    const replyUsage = { input_tokens: tokens.reduce((sum, count) => sum + count, 0), output_tokens: 0 };
    return { ok: true, reply: { text: '', finishReason: 'stop', usage: replyUsage }, vectors: vectors as number[][], ...facts };
  }

  /**
   * Sends the new texts of a request — in as few calls as the provider allows, sent together — as one call shared
   * with identical texts asked while it is in flight (registered at once, before anything is awaited); caches each
   * vector when every call answered.
   */
  private send(batch: ReadonlyArray<{ key: string; text: string }>, namespace: string): SharedCall<BatchReply> {
    const { runtime } = this;
    const call = new SharedCall<BatchReply>(
      (signal, onFailedAttempt) => this.embedBatch(batch, signal, onFailedAttempt),
      (lastFailure) => runtime.deadlineError(lastFailure),
    );
    batch.forEach((entry, index) => this.inFlight.set(entry.key, { call, index }));
    call.done
      .then((outcome) => {
        if (!outcome.ok) return;
        batch.forEach((entry, index) => {
          const embedding = { vector: outcome.reply.vectors[index]!, inputTokens: outcome.reply.textTokens[index]! };
          runtime.cache?.setEmbedding(entry.key, embedding, { model: runtime.key, namespace });
          if (!outcome.reply.fromShared[index]) runtime.sharedCache?.setEmbedding(entry.key, embedding);
        });
      })
      .finally(() => {
        for (const entry of batch) if (this.inFlight.get(entry.key)?.call === call) this.inFlight.delete(entry.key);
      })
      .catch(() => {});
    return call;
  }

  /** The batch's texts: those in the shared cache from there (when there is one), the others sent (embedAll). */
  private async embedBatch(
    batch: ReadonlyArray<{ key: string; text: string }>,
    signal: AbortSignal,
    onFailedAttempt: (error: ComponentError) => void,
  ): Promise<CallOutcome<BatchReply>> {
    const texts = batch.map((entry) => entry.text);
    const shared = this.runtime.sharedCache;
    if (!shared) return this.embedAll(texts, signal, onFailedAttempt);
    const found = await shared.getEmbeddings(batch.map((entry) => entry.key));
    const missing = texts.flatMap((text, index) => (found[index] ? [] : [{ text, index }]));
    this.runtime.counters.cache_hits += texts.length - missing.length;
    const sent: CallOutcome<BatchReply> =
      missing.length === 0
        ? {
            ok: true,
            reply: { vectors: [], usage: { input_tokens: 0, output_tokens: 0 }, textTokens: [], fromShared: [] },
            attempts: 0,
            latencyMs: 0,
          }
        : await this.embedAll(
            missing.map((entry) => entry.text),
            signal,
            onFailedAttempt,
          );
    if (!sent.ok) return sent;
    const vectors = found.map((embedding) => embedding?.vector ?? []);
    const textTokens = found.map((embedding) => embedding?.inputTokens ?? 0);
    missing.forEach(({ index }, position) => {
      vectors[index] = sent.reply.vectors[position]!;
      textTokens[index] = sent.reply.textTokens[position]!;
    });
    return { ...sent, reply: { ...sent.reply, vectors, textTokens, fromShared: found.map((embedding) => embedding !== undefined) } };
  }

  /** The texts in calls of at most the provider's limit, sent in parallel, as one outcome: ok when every call answered. */
  private async embedAll(
    texts: readonly string[],
    signal: AbortSignal,
    onFailedAttempt: (error: ComponentError) => void,
  ): Promise<CallOutcome<BatchReply>> {
    let perCall = texts.length;
    try {
      if (texts.length > 1) perCall = await this.runtime.maxTextsPerCall();
    } catch {
      // the model cannot be made (a provider without embeddings): the call below reports why
    }
    const chunks: string[][] = [];
    for (let start = 0; start < texts.length; start += perCall) chunks.push(texts.slice(start, start + perCall));
    const outcomes = await Promise.all(chunks.map((chunk) => this.runtime.send({ texts: chunk }, signal, onFailedAttempt)));
    const attempts = outcomes.reduce((sum, outcome) => sum + outcome.attempts, 0);
    const latencyMs = Math.max(...outcomes.map((outcome) => outcome.latencyMs));
    const failed = outcomes.find((outcome) => !outcome.ok);
    if (failed && !failed.ok) return { ...failed, attempts, latencyMs };
    const replies = outcomes.map((outcome) => (outcome as Extract<typeof outcome, { ok: true }>).reply);
    return {
      ok: true,
      reply: {
        vectors: replies.flatMap((reply) => reply.vectors),
        usage: { input_tokens: replies.reduce((sum, reply) => sum + reply.usage.input_tokens, 0), output_tokens: 0 },
        textTokens: replies.flatMap((reply, index) => tokenShares(reply, chunks[index]!)),
        fromShared: texts.map(() => false),
      },
      attempts,
      latencyMs,
    };
  }
}

/**
 * Each text's share of a call's input tokens, by its length (the provider counts the call, not each text); the
 * shares add up to the call's tokens.
 */
function tokenShares(reply: EmbeddingReply, texts: readonly string[]): number[] {
  const total = reply.usage.input_tokens;
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  const shares = texts.map((text) => (chars === 0 ? 0 : Math.floor((total * text.length) / chars)));
  if (shares.length > 0) shares[shares.length - 1]! += total - shares.reduce((sum, share) => sum + share, 0);
  return shares;
}
