/**
 * The judge cache shared through Redis: one string per entry under `<prefix>:cache:<key>`, where the key is the local
 * cache's own (cache-key.ts: a SHA-256 of everything that determines the reply, namespace included) — a verdict
 * (the raw reply with its usage) or one text's embedding (its float64 values as base64, exact). As in the local cache
 * (judge-cache.ts), only replies that read as a verdict are stored, never errors.
 *
 * Size policy: every entry is written with `PX` = the cache TTL (`--cache-ttl-days`), so all of them are volatile
 * keys and a Redis run with `maxmemory` and `maxmemory-policy volatile-lru` (or `allkeys-lru`) drops the least
 * recently used when full; values larger than `maxValueBytes` are not shared. Entries are checked when read (zod):
 * one another version of rewardkit wrote in another shape is a miss, not an error.
 */
import { z } from 'zod';
import type { JudgeReply } from '../../models/judge-model.js';
import type { CachedEmbedding } from '../judge-cache.js';
import type { RedisLink } from './redis-link.js';

const StoredReplySchema = z.object({
  v: z.literal(1),
  text: z.string(),
  finishReason: z.string(),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }),
});

const StoredEmbeddingSchema = z.object({ v: z.literal(1), vector: z.string(), input_tokens: z.number() });

export interface SharedCacheOptions {
  /** `<prefix>:cache:` */
  keyPrefix: string;
  ttlMs: number;
  /** Larger values are not shared (default 1 MiB). */
  maxValueBytes?: number;
}

export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

/** What was answered through Redis instead of a judge call, since the process started (for metrics and summaries). */
export interface SharedCounters {
  /** Verdicts and embeddings found in the shared cache. */
  cache_hits: number;
  /** Calls answered by another process's identical call, waited for (shared-inflight.ts). */
  inflight_joins: number;
}

export class SharedCache {
  private readonly maxValueBytes: number;

  constructor(
    private readonly link: RedisLink,
    private readonly options: SharedCacheOptions,
    /** Counts the embeddings found (verdicts are counted where they are looked up: shared-inflight.ts). */
    private readonly counters: SharedCounters,
  ) {
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  }

  /** The entries' life in whole milliseconds (Redis takes only an integer PX; a fractional TTL is rounded up). */
  get ttlMs(): number {
    return Math.ceil(this.options.ttlMs);
  }

  /** The Redis key of a cache key. */
  redisKey(key: string): string {
    return `${this.options.keyPrefix}${key}`;
  }

  /** A verdict as stored, or undefined when it is too big to share. */
  encodeReply(reply: JudgeReply): string | undefined {
    const { text, finishReason, usage } = reply;
    return this.fits(JSON.stringify({ v: 1, text, finishReason, usage }));
  }

  /** A stored verdict, or undefined when there is none (or it is not one). */
  decodeReply(stored: string | null | undefined): JudgeReply | undefined {
    const parsed = parseStored(StoredReplySchema, stored);
    if (!parsed) return undefined;
    return { text: parsed.text, finishReason: parsed.finishReason, usage: parsed.usage };
  }

  /** Stores a verdict (fire and forget: a failure only means the next process asks the judge). */
  setReply(key: string, reply: JudgeReply): void {
    const value = this.encodeReply(reply);
    if (value !== undefined) this.set(key, value);
  }

  /** The embeddings of `keys` found in the shared cache (undefined where none, or when Redis is unreachable). */
  async getEmbeddings(keys: readonly string[]): Promise<Array<CachedEmbedding | undefined>> {
    if (keys.length === 0) return [];
    const reached = await this.link.attempt('cache_get', (client) => client.mget(...keys.map((key) => this.redisKey(key))));
    if (!reached.reached) return keys.map(() => undefined);
    return reached.value.map((stored) => {
      const parsed = parseStored(StoredEmbeddingSchema, stored);
      if (!parsed) return undefined;
      // copied into a fresh buffer: a Float64Array needs an 8-byte aligned start, which a pooled Buffer may not have
      const bytes = new Uint8Array(Buffer.from(parsed.vector, 'base64'));
      if (bytes.byteLength % Float64Array.BYTES_PER_ELEMENT !== 0) return undefined; // not float64 values: a miss
      this.counters.cache_hits++;
      return { vector: Array.from(new Float64Array(bytes.buffer)), inputTokens: parsed.input_tokens };
    });
  }

  setEmbedding(key: string, embedding: CachedEmbedding): void {
    const vector = Buffer.from(Float64Array.from(embedding.vector).buffer).toString('base64');
    const value = this.fits(JSON.stringify({ v: 1, vector, input_tokens: embedding.inputTokens }));
    if (value !== undefined) this.set(key, value);
  }

  private set(key: string, value: string): void {
    void this.link.attempt('cache_set', (client) => client.set(this.redisKey(key), value, 'PX', this.ttlMs));
  }

  private fits(value: string): string | undefined {
    return Buffer.byteLength(value) <= this.maxValueBytes ? value : undefined;
  }
}

function parseStored<T>(schema: z.ZodType<T>, stored: string | null | undefined): T | undefined {
  if (typeof stored !== 'string') return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
