/**
 * The line of processes waiting for a shared limit (a budget of shared-rate-budget.ts, a lease of
 * shared-concurrency.ts), kept in Redis so that every process waits in one order: first refused, first served. A
 * process has one place, whichever of its callers asks (they wait in turn behind it, poll-turns.ts): it joins when
 * refused and keeps its place by asking again; while anyone is in the line, only the process at its head may take —
 * one that finds the limit open but others waiting joins behind them — and a take leaves the line (a process that
 * still waits joins again at the back: round-robin). Without it, the process whose calls arrive back to back wins
 * every time the limit opens, and another process's caller can wait forever. A place not renewed by an ask for
 * `LINE_MS` is dropped (its process died, or lost Redis), so a dead waiter holds the line up for that long at most;
 * a process whose last waiting caller gives up leaves at once (`LEAVE_LINE`).
 *
 * The line is a sorted set of places scored by when they joined (the server's clock, in microseconds) and a hash of
 * when each last asked; `WAITER_LINE_LUA` holds the Lua functions the limits' scripts are built from.
 */
import { RedisScript } from './redis-script.js';

/** A place not renewed by an ask for this long (ms) is dropped: well above the longest poll (250 ms). */
export const LINE_MS = 2000;

/** Lua functions (prepended to a limit's script): `line` and `seen` are the two keys, `now` the server time (ms). */
export const WAITER_LINE_LUA = `
local function line_head(line, seen, now, life)
  while true do
    local head = redis.call('ZRANGE', line, 0, 0)[1]
    if not head then return nil end
    local asked = tonumber(redis.call('HGET', seen, head))
    if asked and now - asked <= life then return head end
    redis.call('ZREM', line, head)
    redis.call('HDEL', seen, head)
  end
end
local function line_join(line, seen, id, now, life)
  redis.call('ZADD', line, 'NX', now, id)
  redis.call('HSET', seen, id, now)
  redis.call('PEXPIRE', line, life)
  redis.call('PEXPIRE', seen, life)
end
local function line_leave(line, seen, id)
  redis.call('ZREM', line, id)
  redis.call('HDEL', seen, id)
end
`;

/** KEYS: the line, its hash of asks. ARGV: the caller leaving. */
export const LEAVE_LINE = new RedisScript(`${WAITER_LINE_LUA}
line_leave(KEYS[1], KEYS[2], ARGV[1])
return 0
`);

/** The two keys of the line of the limit stored under `key`. */
export function waiterLineKeys(key: string): [string, string] {
  return [`${key}:line`, `${key}:line:asked`];
}
