/**
 * Identical judge calls across processes, asked once: the first process to need a verdict that is not in the shared
 * cache takes a lease on its key (`SET <prefix>:lease:<key> <owner> NX PX <leaseMs>`), calls the judge — refreshing
 * the lease while the call runs — and, once the reply read as a verdict, stores it in the shared cache and drops the
 * lease in one script (a write owed to Redis: sent when the link is back if a blip lost it, redis-link.ts `deliver`).
 * The other processes wait: they ask again after `pollMs`, then less and less often (doubling, with jitter, up to
 * `MAX_CLAIM_POLL_MS`), and get the verdict once it is stored; when the lease is gone with no verdict (the holder failed, gave up, or died and its lease expired), the
 * next one to ask takes the lease and calls the judge itself. A waiter whose caller gives up (its signal) stops at
 * once. Looking in the shared cache and taking the lease are one script, so a verdict stored between the two is
 * never asked again. A lease held longer than `maxHoldMs` is no longer refreshed (held-leases.ts): the waiters then
 * call the judge themselves, as without Redis. Redis unreachable: the caller calls the judge itself, as it would without Redis.
 */
import { sleep } from '../backoff.js';
import type { JudgeReply } from '../../models/judge-model.js';
import type { RedisLink } from './redis-link.js';
import { RedisScript } from './redis-script.js';
import type { SharedCache, SharedCounters } from './shared-cache.js';
import { HeldLeases } from './held-leases.js';

/**
 * KEYS: the cache entry, the lease. ARGV: this process's owner id, the lease length (ms).
 * Returns {1, value} when the entry is there; {2} when this process took the lease; {3} while another holds it.
 */
const CLAIM = new RedisScript(`
local cached = redis.call('GET', KEYS[1])
if cached then return { 1, cached } end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return { 2 } end
return { 3 }
`);

/** KEYS: the cache entry, the lease. ARGV: owner, the verdict ('' for none), its TTL (ms). Stores it, then drops the lease if still ours. */
const COMPLETE = new RedisScript(`
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 0
`);

/** KEYS: leases. ARGV: owner, lease length (ms). Extends each lease still held by this owner. */
const REFRESH = new RedisScript(`
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return 0
`);

/** How a claim on a key ended. */
export type Claim =
  /** The verdict: in the shared cache at once (`waited: false`), or stored by the process that held the lease. */
  | { kind: 'verdict'; reply: JudgeReply; waited: boolean }
  /** This process holds the lease: call the judge, then `complete` or `release` it. */
  | { kind: 'holder'; lease: InflightLease }
  /** Redis could not be asked: call the judge without a lease. */
  | { kind: 'local' }
  /** The caller gave up (its signal) while waiting for another process's verdict. */
  | { kind: 'gave_up' };

export interface InflightLease {
  /** Stores the verdict in the shared cache and drops the lease (one script); idempotent. */
  complete(reply: JudgeReply): void;
  /** Drops the lease without a verdict: the waiting processes call the judge themselves; idempotent. */
  release(): void;
  /**
   * The call is over and its reply may or may not read as a verdict: stop refreshing, and release the lease if
   * `complete` is not called within `graceMs`.
   */
  awaitVerdict(graceMs: number): void;
}

/** The longest wait between two asks for another process's verdict. */
export const MAX_CLAIM_POLL_MS = 250;

export interface SharedInflightOptions {
  /** `<prefix>:lease:` */
  keyPrefix: string;
  owner: string;
  /** A lease's life without a refresh (refreshed every third of it while the call runs). */
  leaseMs: number;
  /** How soon a waiting process asks again the first time (then doubling up to MAX_CLAIM_POLL_MS). */
  pollMs: number;
  /** The longest a lease is kept alive (default: forever). */
  maxHoldMs?: number;
  random?: () => number;
}

export class SharedInflight {
  private readonly held: HeldLeases;
  private readonly random: () => number;

  constructor(
    private readonly link: RedisLink,
    private readonly cache: SharedCache,
    private readonly counters: SharedCounters,
    private readonly options: SharedInflightOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.held = new HeldLeases(
      options.leaseMs,
      (leaseKeys) => {
        void this.link.attempt('lease_refresh', (client) => REFRESH.run(client, leaseKeys, [options.owner, options.leaseMs]));
      },
      options.maxHoldMs,
    );
  }

  /** Looks the key up in the shared cache and takes its lease, or waits for the holder's verdict (see the header). */
  async claim(key: string, signal?: AbortSignal): Promise<Claim> {
    const { owner, leaseMs, pollMs } = this.options;
    const keys = [this.cache.redisKey(key), this.leaseKey(key)];
    let pauseMs = pollMs;
    for (let waited = false; ; waited = true) {
      if (signal?.aborted) return { kind: 'gave_up' };
      const reached = await this.link.attempt('inflight', (client) => CLAIM.run(client, keys, [owner, leaseMs]));
      if (!reached.reached) return { kind: 'local' };
      const [code, stored] = reached.value as [number, string | undefined];
      if (code === 1) {
        const reply = this.cache.decodeReply(stored);
        // an entry in another shape (another version wrote it): ask the judge; this process's verdict replaces it
        if (!reply) return { kind: 'local' };
        if (waited) this.counters.inflight_joins++;
        else this.counters.cache_hits++;
        return { kind: 'verdict', reply, waited };
      }
      if (code === 2) return { kind: 'holder', lease: this.hold(key) };
      try {
        await sleep(pauseMs * (0.75 + this.random() * 0.5), signal);
        pauseMs = Math.min(MAX_CLAIM_POLL_MS, pauseMs * 2);
      } catch {
        return { kind: 'gave_up' };
      }
    }
  }

  /** Stops refreshing (the leases expire by themselves); for a closing process. */
  close(): void {
    this.held.clear();
  }

  private leaseKey(key: string): string {
    return `${this.options.keyPrefix}${key}`;
  }

  private hold(key: string): InflightLease {
    const leaseKey = this.leaseKey(key);
    this.held.add(leaseKey);
    let done = false;
    let grace: NodeJS.Timeout | undefined;
    const stopRefreshing = () => void this.held.delete(leaseKey);
    const finish = (value: string) => {
      if (done) return;
      done = true;
      clearTimeout(grace);
      stopRefreshing();
      const keys = [this.cache.redisKey(key), leaseKey];
      this.link.deliver(value === '' ? 'inflight' : 'cache_set', (client) =>
        COMPLETE.run(client, keys, [this.options.owner, value, this.cache.ttlMs]),
      );
    };
    return {
      complete: (reply) => finish(this.cache.encodeReply(reply) ?? ''),
      release: () => finish(''),
      awaitVerdict: (graceMs) => {
        if (done || grace) return;
        stopRefreshing();
        grace = setTimeout(() => finish(''), graceMs);
        grace.unref();
      },
    };
  }
}
