/**
 * A judge model's per-minute budgets (`requests_per_minute`, `tokens_per_minute`) shared by every process on the same
 * Redis and prefix: the token buckets of rate-budget.ts — ten seconds' worth of capacity (perMinute / 6), refilled
 * continuously, taken before a call is sent and settled with the real usage afterwards — kept in Redis and changed
 * only by one Lua script, which reads the Redis server's clock (`TIME`): no client clock is trusted, so processes on
 * different machines need no clock sync. A call takes one request and its token estimate together (both or neither)
 * as soon as each bucket holds something — at least one unit, or its whole amount when smaller — and the bucket may
 * then go below zero: a debt the refill pays back before anyone else is let in. So a large call (8,000 tokens)
 * is not starved by small ones that always find 1,500 left first, while the long-run rate still holds. A call is
 * charged its amount capped at the bucket's capacity (`charged`): one call larger than ten seconds' worth can still
 * go. Processes refused wait in one line (waiter-line.ts; one place per process, its callers in turn behind it):
 * while any waits, only the process at the head takes, then goes to the back if it still waits — so a big call waits
 * for the processes refused before it and then one refill, never behind an endless stream of small ones from a
 * process whose calls arrive back to back.
 * When a bucket is not there yet the script says how long until it is, and the process's one poller
 * (poll-turns.ts) sleeps that long (at most 250 ms, so budget given back by another process is seen) and asks again.
 * A call that finds the budget open asks once and goes on: it does not queue behind other calls' round trips; one
 * whose caller gave up while its take was in flight is refunded at once.
 * Redis unreachable: the call goes on with the process's own budgets only (model-admission.ts always takes those too).
 */
import { randomUUID } from 'node:crypto';
import type { RedisLink } from './redis-link.js';
import { RedisScript } from './redis-script.js';
import { PollTurns } from './poll-turns.js';
import { LEAVE_LINE, LINE_MS, WAITER_LINE_LUA, waiterLineKeys } from './waiter-line.js';

/**
 * KEYS: the requests bucket, the tokens bucket (hashes {available, updated}), the line of waiters and its asks.
 * ARGV: requests per minute, tokens per minute (0: no such budget), requests, tokens, the mode, the process's place
 * in the line and the line's life (ms). The mode:
 *   take   — both or neither: when each bucket holds min(amount, 1) and more than 0, and no one waits or the process
 *            is at the head of the line, takes both amounts (each capped at its bucket's capacity; a bucket may go
 *            below zero), leaves the line and returns 0; else takes nothing, joins (or stays in) the line and returns
 *            the milliseconds until each bucket holds that (at least 25 while others wait before it);
 *   settle — adds the amounts back (negative: charges them, possibly below zero), capped at the capacity; returns 0.
 * A bucket's key expires once it would be full again: a missing bucket is a full one.
 */
const BUCKETS = new RedisScript(`${WAITER_LINE_LUA}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local take = ARGV[5] == 'take'
local wait = 0
local buckets = {}
for i = 1, 2 do
  local rate = tonumber(ARGV[i])
  if rate > 0 then
    local capacity = math.max(1, rate / 6)
    local per_ms = rate / 60000
    local state = redis.call('HMGET', KEYS[i], 'available', 'updated')
    local available = tonumber(state[1]) or capacity
    local updated = tonumber(state[2]) or now
    available = math.min(capacity, available + math.max(0, now - updated) * per_ms)
    local change = tonumber(ARGV[i + 2])
    if take then
      local need = math.min(change, 1)
      if available < need or available <= 0 then
        wait = math.max(wait, math.max(1, math.ceil((need - available) / per_ms)))
      end
      change = -math.min(change, capacity)
    end
    buckets[#buckets + 1] = { KEYS[i], math.min(capacity, available + change), capacity, per_ms }
  end
end
if take then
  local life = tonumber(ARGV[7])
  local head = line_head(KEYS[3], KEYS[4], now, life)
  local behind = head and head ~= ARGV[6]
  if behind or wait > 0 then
    line_join(KEYS[3], KEYS[4], ARGV[6], now, life)
    if behind then return math.max(wait, 25) end
    return wait
  end
  if head then line_leave(KEYS[3], KEYS[4], ARGV[6]) end
end
for _, bucket in ipairs(buckets) do
  redis.call('HSET', bucket[1], 'available', bucket[2], 'updated', now)
  redis.call('PEXPIRE', bucket[1], math.ceil(math.max(0, bucket[3] - bucket[2]) / bucket[4]) + 1000)
end
return 0
`);

/** The longest sleep between two polls of a short budget. */
const MAX_POLL_MS = 250;

export interface SharedRateBudgetOptions {
  /** The budget's Redis keys: `<key>:requests` and `<key>:tokens`. */
  key: string;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  /** Jitter of the polls (tests pass a fixed one). */
  random?: () => number;
}

export class SharedRateBudget {
  private readonly keys: [string, string, string, string];
  /** This process's place in the line. */
  private readonly place = randomUUID().slice(0, 8);
  private readonly rates: [number, number];
  private readonly turns = new PollTurns(
    () => void this.link.attempt('budget', (client) => LEAVE_LINE.run(client, this.keys.slice(2), [this.place])),
  );
  private readonly random: () => number;
  private readonly tokenCapacity: number;

  constructor(
    private readonly link: RedisLink,
    options: SharedRateBudgetOptions,
  ) {
    this.keys = [`${options.key}:requests`, `${options.key}:tokens`, ...waiterLineKeys(options.key)];
    this.rates = [options.requestsPerMinute ?? 0, options.tokensPerMinute ?? 0];
    this.random = options.random ?? Math.random;
    this.tokenCapacity = Math.max(1, this.rates[1] / 6);
  }

  /** The tokens `take(tokens)` charges: capped at the bucket's capacity, and 0 without a tokens budget. */
  charged(tokens: number): number {
    return this.rates[1] > 0 ? Math.min(tokens, this.tokenCapacity) : 0;
  }

  /**
   * Takes one request and `tokens` from the shared budgets, waiting in turn while they are short. Resolves true once
   * taken (`charged(tokens)` of them), false when Redis could not be asked (the call goes on with the local budgets
   * alone); rejects with the signal's reason when the caller gives up first (refunding a take that was in flight).
   */
  take(tokens: number, signal?: AbortSignal): Promise<boolean> {
    return this.turns.poll(
      async () => {
        const reached = await this.link.attempt('budget', (client) =>
          BUCKETS.run(client, this.keys, [...this.rates, 1, tokens, 'take', this.place, LINE_MS]),
        );
        if (!reached.reached) return { done: true, value: false };
        const waitMs = Number(reached.value);
        if (!(waitMs > 0)) return { done: true, value: true };
        const pollMs = Math.min(waitMs, MAX_POLL_MS);
        return { done: false, retryInMs: pollMs + this.random() * Math.min(10, pollMs / 10) };
      },
      {
        signal,
        discard: (taken) => {
          if (taken) this.settle(1, this.charged(tokens));
        },
      },
    );
  }

  /** Adds back (positive) or charges (negative) requests and tokens — a refund, or an estimate settled; never waits. */
  settle(requests: number, tokens: number): void {
    if (requests === 0 && tokens === 0) return;
    void this.link.attempt('budget', (client) => BUCKETS.run(client, this.keys, [...this.rates, requests, tokens, 'settle', '', 0]));
  }
}
