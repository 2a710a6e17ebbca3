/**
 * The persistent judge cache: a content-addressed table in an embedded SQLite database (better-sqlite3,
 * loaded lazily so bundles that never cache don't need the native module). A key is the hash of
 * everything that determines a reply (see cache-key.ts); a value is the raw reply with its usage, or one text's
 * embedding vector (stored as the bytes of its float64 values, base64: exact, and half the size of JSON).
 * Only replies that read as a verdict are stored — errors never. Entries expire after `ttlMs`, and the
 * least recently used are dropped beyond `maxEntries`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { JudgeReply } from '../models/judge-model.js';

export interface JudgeCacheOptions {
  /** SQLite file; ':memory:' for a throwaway cache. */
  path: string;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export interface JudgeCacheStats {
  entries: number;
  hits: number;
  misses: number;
  writes: number;
}

/** A cached embedding: the vector and the input tokens embedding its text cost. */
export interface CachedEmbedding {
  vector: number[];
  inputTokens: number;
}

export const DEFAULT_CACHE_TTL_MS = 30 * 24 * 3600 * 1000;
export const DEFAULT_CACHE_MAX_ENTRIES = 1_000_000;
const EVICT_EVERY_WRITES = 1000;

export class JudgeCache {
  private hits = 0;
  private misses = 0;
  private writes = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly statements;

  private constructor(
    private readonly db: Database,
    options: JudgeCacheOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS judge_cache (
      key TEXT PRIMARY KEY,
      model TEXT NOT NULL,
      namespace TEXT NOT NULL,
      reply TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_used_at INTEGER NOT NULL,
      hits INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS judge_cache_last_used ON judge_cache (last_used_at);`);
    this.statements = {
      get: db.prepare<[string], { reply: string; created_at: number }>('SELECT reply, created_at FROM judge_cache WHERE key = ?'),
      touch: db.prepare<[number, string]>('UPDATE judge_cache SET last_used_at = ?, hits = hits + 1 WHERE key = ?'),
      remove: db.prepare<[string]>('DELETE FROM judge_cache WHERE key = ?'),
      put: db.prepare<[string, string, string, string, number, number]>(
        'INSERT OR REPLACE INTO judge_cache (key, model, namespace, reply, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM judge_cache'),
      expire: db.prepare<[number]>('DELETE FROM judge_cache WHERE created_at < ?'),
      trim: db.prepare<[number]>('DELETE FROM judge_cache WHERE key IN (SELECT key FROM judge_cache ORDER BY last_used_at ASC LIMIT ?)'),
    };
    this.evict();
  }

  static async open(options: JudgeCacheOptions): Promise<JudgeCache> {
    const { default: SQLite } = await import('better-sqlite3');
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    return new JudgeCache(new SQLite(options.path), options);
  }

  get(key: string): JudgeReply | undefined {
    const stored = this.read(key);
    return stored === undefined ? undefined : (JSON.parse(stored) as JudgeReply);
  }

  set(key: string, reply: JudgeReply, meta: { model: string; namespace: string }): void {
    const { text, finishReason, usage } = reply;
    this.write(key, JSON.stringify({ text, finishReason, usage }), meta);
  }

  /** One text's embedding (keyed by embeddingCacheKey), with the input tokens it cost. */
  getEmbedding(key: string): CachedEmbedding | undefined {
    const stored = this.read(key);
    if (stored === undefined) return undefined;
    const { vector, input_tokens } = JSON.parse(stored) as { vector: string; input_tokens: number };
    // copied into a fresh buffer: a Float64Array needs an 8-byte aligned start, which a pooled Buffer may not have
    const bytes = new Uint8Array(Buffer.from(vector, 'base64'));
    return { vector: Array.from(new Float64Array(bytes.buffer)), inputTokens: input_tokens };
  }

  setEmbedding(key: string, embedding: CachedEmbedding, meta: { model: string; namespace: string }): void {
    const vector = Buffer.from(Float64Array.from(embedding.vector).buffer).toString('base64');
    this.write(key, JSON.stringify({ vector, input_tokens: embedding.inputTokens }), meta);
  }

  private read(key: string): string | undefined {
    const row = this.statements.get.get(key);
    if (!row || row.created_at < this.now() - this.ttlMs) {
      if (row) this.statements.remove.run(key);
      this.misses++;
      return undefined;
    }
    this.statements.touch.run(this.now(), key);
    this.hits++;
    return row.reply;
  }

  private write(key: string, value: string, meta: { model: string; namespace: string }): void {
    const now = this.now();
    this.statements.put.run(key, meta.model, meta.namespace, value, now, now);
    if (++this.writes % EVICT_EVERY_WRITES === 0) this.evict();
  }

  /** Drops expired entries, then the least recently used beyond maxEntries. */
  evict(): void {
    this.statements.expire.run(this.now() - this.ttlMs);
    const excess = this.statements.count.get()!.n - this.maxEntries;
    if (excess > 0) this.statements.trim.run(excess);
  }

  stats(): JudgeCacheStats {
    return { entries: this.statements.count.get()!.n, hits: this.hits, misses: this.misses, writes: this.writes };
  }

  close(): void {
    this.db.close();
  }
}
