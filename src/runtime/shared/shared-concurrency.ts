/**
 * A judge model's `shared_concurrency`: the most calls in flight to it across every process on the same Redis and
 * prefix. Each call in flight holds a lease — a member of one sorted set, scored by its expiry on the Redis server's
 * clock — taken (after pruning expired leases) by one Lua script only while fewer than the limit are held, refreshed
 * every third of its length while the call runs, and removed when the call's response has arrived. A process that
 * dies holding leases frees them when they expire, `leaseMs` later at most. Waiting callers of one process poll in
 * turn (poll-turns.ts) every `pollMs`, and at once when a lease of this process is given back; across processes
 * they wait in one line (waiter-line.ts), so a freed lease goes to the process refused first (which then goes to the
 * back if it still waits), whichever process gave it back, and a process whose calls arrive back to back cannot keep
 * every lease to itself. The process at the head asks five times as often, so a freed lease does not sit idle for
 * long (at most about `pollMs` / 5 plus a round trip). The per-process
 * `concurrency` still applies first (model-admission.ts). A caller that gives up while its lease is being taken
 * gives it back at once (poll-turns.ts `discard`); a lease held longer than `maxHoldMs` is no longer refreshed
 * (held-leases.ts), so a release that never comes holds a slot for `maxHoldMs + leaseMs` at most.
 * Redis unreachable: the call goes on under the local limit.
 */
import { randomUUID } from 'node:crypto';
import type { RedisLink } from './redis-link.js';
import { RedisScript } from './redis-script.js';
import { PollTurns } from './poll-turns.js';
import { HeldLeases } from './held-leases.js';
import { LEAVE_LINE, LINE_MS, WAITER_LINE_LUA, waiterLineKeys } from './waiter-line.js';

/** The process at the head of the line asks this many times as often as the others: a freed lease is not left idle. */
const HEAD_POLL_SPEEDUP = 5;

/**
 * KEYS: the leases, the line of waiters and its asks. ARGV: the limit, the lease length (ms), the new lease's member,
 * the process's place in the line, the line's life (ms). Returns 1 when taken (fewer than the limit held, and no one
 * waits or the process is at the head of the line); else the process joins (or stays in) the line and it returns 2
 * when it is at the head (a lease will be its next), 0 when others are before it.
 */
const ACQUIRE = new RedisScript(`${WAITER_LINE_LUA}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local precise = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local lease = tonumber(ARGV[2])
local life = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local head = line_head(KEYS[2], KEYS[3], precise, life)
local behind = head and head ~= ARGV[4]
if behind or redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  line_join(KEYS[2], KEYS[3], ARGV[4], precise, life)
  if behind then return 0 end
  return 2
end
if head then line_leave(KEYS[2], KEYS[3], ARGV[4]) end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], 2 * lease)
return 1
`);

/** KEYS: the leases. ARGV: the lease length (ms), then the members to extend (those still held; others are not added). */
const REFRESH = new RedisScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], 2 * lease)
return 0
`);

export interface SharedConcurrencyOptions {
  /** The sorted set of leases. */
  key: string;
  limit: number;
  /** How long a lease lives without a refresh: a dead holder's calls are forgotten this long after it died. */
  leaseMs: number;
  /** How often a waiting process asks again. */
  pollMs: number;
  /** The longest a lease is kept alive (default: forever); shared-state.ts sets a few times the model's timeout. */
  maxHoldMs?: number;
  /** This process's id (members are `<owner>:<n>`). */
  owner: string;
  random?: () => number;
}

export class SharedConcurrency {
  /** This process's place in the line (an instance of its own: its owner's id and a random part). */
  private readonly place: string;
  private readonly line: [string, string];
  private readonly turns = new PollTurns(
    () => void this.link.attempt('concurrency', (client) => LEAVE_LINE.run(client, this.line, [this.place])),
  );
  private readonly held: HeldLeases;
  private leases = 0;
  private readonly random: () => number;

  constructor(
    private readonly link: RedisLink,
    private readonly options: SharedConcurrencyOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.place = `${options.owner}~${randomUUID().slice(0, 8)}`;
    this.line = waiterLineKeys(options.key);
    this.held = new HeldLeases(
      options.leaseMs,
      (members) => {
        void this.link.attempt('lease_refresh', (client) => REFRESH.run(client, [options.key], [options.leaseMs, ...members]));
      },
      options.maxHoldMs,
    );
  }

  /**
   * Waits in turn for a lease; resolves with the function that gives it back (idempotent) — a no-op when Redis could
   * not be asked. Rejects with the signal's reason when the caller gives up first.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const { key, limit, leaseMs, pollMs, owner } = this.options;
    const member = `${owner}:${++this.leases}`;
    return this.turns.poll(
      async () => {
        const reached = await this.link.attempt('concurrency', (client) =>
          ACQUIRE.run(client, [key, ...this.line], [limit, leaseMs, member, this.place, LINE_MS]),
        );
        if (!reached.reached) return { done: true, value: () => {} };
        const answer = Number(reached.value);
        if (answer === 1) return { done: true, value: this.hold(member) };
        const everyMs = answer === 2 ? pollMs / HEAD_POLL_SPEEDUP : pollMs;
        return { done: false, retryInMs: everyMs + this.random() * everyMs * 0.5 };
      },
      { signal, discard: (release) => release() },
    );
  }

  /** Leases this process holds now. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Stops refreshing (the leases expire by themselves); for a closing process. */
  close(): void {
    this.held.clear();
  }

  private hold(member: string): () => void {
    this.held.add(member);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.held.delete(member);
      this.link.deliver('concurrency', (client) => client.zrem(this.options.key, member));
      this.turns.wake();
    };
  }
}
