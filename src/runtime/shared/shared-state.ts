/**
 * What one process shares with the others through one Redis (`--redis URL`, `REWARDKIT_REDIS_URL`): the judge cache
 * (shared-cache.ts), identical calls in flight (shared-inflight.ts), and each judge model's per-minute budgets
 * (shared-rate-budget.ts) and `shared_concurrency` cap (shared-concurrency.ts) — over one connection and its health
 * (redis-link.ts). A process holds one SharedState (opened by openReward, given to its scheduler registry); each
 * model's scheduler takes its share with `forModel`. Every key starts with the prefix (default `rewardkit`), so
 * deployments that must not share anything can use one Redis with different prefixes.
 * Nothing here ever fails a call: whatever Redis cannot answer in time falls back to the process's local path.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { awsRegion } from '../../models/aws-credentials.js';
import type { ModelSpec } from '../../spec/schema.js';
import { DEFAULT_CACHE_TTL_MS } from '../judge-cache.js';
import { RedisLink, type RedisLinkOptions, type RedisLinkStats } from './redis-link.js';
import { DEFAULT_REDIS_PREFIX } from './redis-url.js';
import { SharedCache, type SharedCounters } from './shared-cache.js';
import { SharedConcurrency } from './shared-concurrency.js';
import { SharedInflight } from './shared-inflight.js';
import { SharedRateBudget } from './shared-rate-budget.js';

/** A lease's life without a refresh: a dead process's calls stop counting this long after it died. */
export const DEFAULT_LEASE_MS = 10_000;
/**
 * The longest a dedup lease is kept alive: a call with all its retries ends far sooner; past it the waiters call the
 * judge themselves (at worst one paid call twice), so a holder that never completes cannot hold a key forever.
 */
export const MAX_INFLIGHT_HOLD_MS = 15 * 60_000;
/** A slot lease covers one attempt, which its timeout_ms ends: it is kept alive this many timeouts at most. */
export const MAX_SLOT_HOLD_TIMEOUTS = 3;
/** How often a waiting process asks Redis again (for a lease, or another process's verdict). */
export const DEFAULT_POLL_MS = 25;

export interface SharedStateOptions extends RedisLinkOptions {
  /** The start of every key (default `rewardkit`). */
  prefix?: string;
  /** How long a shared verdict lives (default 30 days, as the local cache). */
  cacheTtlMs?: number;
  /** Larger cache values are not shared (default 1 MiB). */
  maxValueBytes?: number;
  leaseMs?: number;
  pollMs?: number;
  /** Jitter of the polls (tests pass a fixed one). */
  random?: () => number;
}

/** One judge model's share of the shared state. */
export interface SharedModelState {
  cache: SharedCache;
  inflight: SharedInflight;
  /** The model's shared RPM/TPM budgets, when it has any. */
  budget: SharedRateBudget | undefined;
  /** The model's shared_concurrency cap, when it has one. */
  concurrency: SharedConcurrency | undefined;
  /** How long a holder that got a reply waits for it to be accepted as a verdict before releasing its lease. */
  verdictGraceMs: number;
}

export interface SharedStateStats extends RedisLinkStats, SharedCounters {}

export class SharedState {
  readonly prefix: string;
  /** This process's id on leases: host, pid and a random part. */
  readonly owner: string;
  readonly cache: SharedCache;
  readonly inflight: SharedInflight;
  private readonly counters: SharedCounters = { cache_hits: 0, inflight_joins: 0 };
  private readonly models = new Map<string, SharedModelState>();
  private readonly leaseMs: number;
  private readonly pollMs: number;

  private constructor(
    readonly link: RedisLink,
    private readonly options: SharedStateOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.cache = new SharedCache(
      link,
      {
        keyPrefix: `${this.prefix}:cache:`,
        ttlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
        ...(options.maxValueBytes === undefined ? {} : { maxValueBytes: options.maxValueBytes }),
      },
      this.counters,
    );
    this.inflight = new SharedInflight(link, this.cache, this.counters, {
      keyPrefix: `${this.prefix}:lease:`,
      owner: this.owner,
      leaseMs: this.leaseMs,
      pollMs: this.pollMs,
      maxHoldMs: MAX_INFLIGHT_HOLD_MS,
      ...(options.random ? { random: options.random } : {}),
    });
  }

  /** Connects (waiting up to the connect timeout; a Redis that does not answer leaves the process on its local path). */
  static async open(options: SharedStateOptions): Promise<SharedState> {
    return new SharedState(await RedisLink.open(options), options);
  }

  get up(): boolean {
    return this.link.up;
  }

  /** The shared state of the model scheduled under `key` (one per key, made on first use). */
  forModel(spec: ModelSpec, key: string): SharedModelState {
    let model = this.models.get(key);
    if (model) return model;
    // the provider's quotas are per model and (Bedrock) per region
    const region = spec.provider === 'bedrock' ? awsRegion(spec.region) : spec.region;
    const limitKey = region ? `${key}#${region}` : key;
    const random = this.options.random ? { random: this.options.random } : {};
    model = {
      cache: this.cache,
      inflight: this.inflight,
      budget:
        spec.requests_per_minute || spec.tokens_per_minute
          ? new SharedRateBudget(this.link, {
              key: `${this.prefix}:budget:${limitKey}`,
              requestsPerMinute: spec.requests_per_minute,
              tokensPerMinute: spec.tokens_per_minute,
              ...random,
            })
          : undefined,
      concurrency: spec.shared_concurrency
        ? new SharedConcurrency(this.link, {
            key: `${this.prefix}:leases:${limitKey}`,
            limit: spec.shared_concurrency,
            leaseMs: this.leaseMs,
            pollMs: this.pollMs,
            maxHoldMs: MAX_SLOT_HOLD_TIMEOUTS * spec.timeout_ms,
            owner: this.owner,
            ...random,
          })
        : undefined,
      verdictGraceMs: Math.min(1000, Math.floor(this.leaseMs / 2)),
    };
    this.models.set(key, model);
    return model;
  }

  stats(): SharedStateStats {
    return { ...this.link.stats(), ...this.counters };
  }

  /** Stops refreshing leases (they expire by themselves) and closes the connection. */
  close(): void {
    this.inflight.close();
    for (const model of this.models.values()) model.concurrency?.close();
    this.link.close();
  }
}
