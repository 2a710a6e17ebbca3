/**
 * The line of callers waiting for a shared limit (a budget of shared-rate-budget.ts, a lease of
 * shared-concurrency.ts), kept in Redis so that every process waits in one order: first refused, first served. A
 * caller joins when it is refused and keeps its place by asking again; while anyone is in the line, only the caller at
 * its head may take — a caller that finds the limit open but others waiting joins behind them. Without it, the process
 * whose calls arrive back to back wins every time the limit opens, and another process's caller can wait forever.
 * A place not renewed by an ask for the line's life is dropped (its caller gave up, or its process died), so a dead
 * waiter holds the line up for that long at most; a caller that gives up leaves the line at once (`LEAVE_LINE`).
 *
 * The line is a sorted set of callers scored by when they joined (on the server's clock) and a hash of when each last
 * asked; `WAITER_LINE_LUA` holds the Lua functions the limits' scripts are built from.
 */
import { RedisScript } from './redis-script.js';

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
