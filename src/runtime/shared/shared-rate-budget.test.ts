/**
 * SharedRateBudget against a real redis-server: two processes (two links) draw from one bucket per budget, with the
 * semantics of rate-budget.ts — ten seconds' worth of capacity, continuous refill on the server's clock, all or
 * nothing for a call's request and tokens, settled afterwards — and Redis down means the local budgets alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { useRedisServer } from '../../../test/support/use-redis-server.js';
import { RedisLink } from './redis-link.js';
import { SharedRateBudget } from './shared-rate-budget.js';

const redis = useRedisServer();

const links: RedisLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) link.close();
});

async function budget(rates: { requestsPerMinute?: number; tokensPerMinute?: number }, key = 'rk:budget:m'): Promise<SharedRateBudget> {
  const link = await RedisLink.open({ url: redis.url, log: () => {} });
  links.push(link);
  return new SharedRateBudget(link, { key, ...rates, random: () => 0 });
}

const available = (bucket: string) => Number(redis.cli('HGET', `rk:budget:m:${bucket}`, 'available'));

describe('SharedRateBudget', () => {
  it('one bucket for every process: RPM 60 lets 10 calls through at once in all, the 11th waits for the refill', async () => {
    const [a, b] = await Promise.all([budget({ requestsPerMinute: 60 }), budget({ requestsPerMinute: 60 })]);
    const started = performance.now();
    const burst = await Promise.all([...Array(6).fill(a), ...Array(4).fill(b)].map((side: SharedRateBudget) => side.take(0)));
    expect(burst).toEqual(Array(10).fill(true));
    expect(performance.now() - started).toBeLessThan(800); // at once: well before the refill of one request (1 s)
    expect(available('requests')).toBeGreaterThanOrEqual(0);
    expect(available('requests')).toBeLessThan(0.5);
    expect(await b.take(0)).toBe(true);
    // one request a second: the 11th waited for the refill of one whole request
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('takes a call’s request and tokens together once each bucket holds something (then maybe into debt), and settles the estimate', async () => {
    const side = await budget({ requestsPerMinute: 60, tokensPerMinute: 600 });
    const started = performance.now();
    /** Tokens refilled since the first take at most: 600 a minute is 0.01 a millisecond. */
    const refilled = () => (performance.now() - started) * 0.01;
    expect(await side.take(80)).toBe(true);
    expect(available('requests')).toBeCloseTo(9, 0);
    expect(available('tokens')).toBeGreaterThanOrEqual(20);
    expect(available('tokens')).toBeLessThanOrEqual(20 + refilled());
    // 30 tokens with 20 there: taken at once all the same, the bucket goes 10 into debt
    expect(await side.take(30)).toBe(true);
    expect(available('requests')).toBeCloseTo(8, 0);
    expect(available('tokens')).toBeGreaterThanOrEqual(-10);
    expect(available('tokens')).toBeLessThanOrEqual(-10 + refilled());
    // in debt, the next call waits — nothing is taken meanwhile, not even its request
    const controller = new AbortController();
    const waiting = side.take(5, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(available('requests')).toBeCloseTo(8, 0);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    // the calls used 50 tokens of their estimates of 110: 60 come back
    side.settle(0, 60);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const settled = available('tokens');
    expect(settled).toBeGreaterThanOrEqual(50);
    expect(settled).toBeLessThanOrEqual(50 + refilled());
    // a call that used more than its estimate is charged the difference: the bucket may go below zero
    side.settle(0, -80);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const charged = available('tokens');
    expect(charged).toBeGreaterThanOrEqual(-30);
    expect(charged).toBeLessThanOrEqual(-30 + refilled());
  });

  it('a bucket expires once it would be full again (a missing bucket is a full one)', async () => {
    const side = await budget({ requestsPerMinute: 600 });
    await side.take(0);
    // capacity 100, 10 a second: one request refills in 100 ms; the key lives that long plus a second
    const ttl = Number(redis.cli('PTTL', 'rk:budget:m:requests'));
    expect(ttl).toBeGreaterThan(1000);
    expect(ttl).toBeLessThanOrEqual(1100);
    expect(redis.cli('EXISTS', 'rk:budget:m:tokens')).toBe('0');
  });

  it('a caller that gives up while queued behind another is told at once and takes nothing', async () => {
    const side = await budget({ requestsPerMinute: 6 }); // capacity 1, one every 10 s
    expect(await side.take(0)).toBe(true);
    const first = side.take(0); // waits ~10 s, at the head of the queue
    await new Promise((resolve) => setTimeout(resolve, 50));
    const controller = new AbortController();
    const second = side.take(0, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = performance.now();
    controller.abort(new Error('deadline'));
    await expect(second).rejects.toThrow('deadline');
    expect(performance.now() - abortedAt).toBeLessThan(500); // at once, not after the first's ~10 s
    // the first still waits for the refill; once the link closes, it goes on with the local budgets alone
    links[0]!.close();
    expect(await first).toBe(false);
  });

  it('Redis down: a take resolves false at once (the local budgets alone apply)', async () => {
    const other = await startRedisServer();
    const link = await RedisLink.open({ url: other.url, log: () => {} });
    links.push(link);
    const side = new SharedRateBudget(link, { key: 'rk:budget:m', requestsPerMinute: 6 });
    await other.kill();
    const started = performance.now();
    expect(await side.take(0)).toBe(false);
    expect(await side.take(0)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
    expect(link.stats().fallbacks.budget).toBe(2);
  });

  it('a caller that gives up while its take is in flight is refunded: the request it took comes back', async () => {
    const side = await budget({ requestsPerMinute: 60 }); // capacity 10, one a second
    for (let i = 0; i < 10; i++) await side.take(0);
    const link = links[0]!;
    const attempt = link.attempt.bind(link);
    const controller = new AbortController();
    link.attempt = async (operation, command) => {
      const reached = await attempt(operation, command);
      // the script took the request (0: no wait), but the caller's deadline passed meanwhile
      if (operation === 'budget' && reached.reached && Number(reached.value) === 0) controller.abort(new Error('deadline'));
      return reached;
    };
    await expect(side.take(0, controller.signal)).rejects.toThrow('deadline');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // taken at ~1 available, then refunded: ~1 again (0 if the refund were lost)
    expect(available('requests')).toBeGreaterThanOrEqual(1);
    expect(available('requests')).toBeLessThan(1.2);
  });

  it('a large call is not starved by small ones of another process: it waits behind the callers refused before it, then goes', async () => {
    // capacity 10,000 tokens, 1,000 a second; process A's four callers keep taking 1,500 each, far over the rate
    const a = await budget({ tokensPerMinute: 60_000 });
    const b = await budget({ tokensPerMinute: 60_000 });
    let stop = false;
    let bWaiting = false;
    let aTakesWhileBWaited = 0;
    const smalls = Array.from({ length: 4 }, async () => {
      while (!stop) {
        await a.take(1500);
        if (bWaiting) aTakesWhileBWaited++;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A took 10,500 at once (10,000 and 500 of debt), then takes 1,500 every 1.5 s from 0.5 s on: B asks between two
    const started = performance.now();
    bWaiting = true;
    expect(await b.take(8000)).toBe(true);
    bWaiting = false;
    const waited = performance.now() - started;
    stop = true;
    links[0]!.close(); // A's waiters go on locally
    await Promise.all(smalls);
    // A's calls arrive back to back (one waits while another takes): without one line across processes, A's next
    // caller was refused first every time the bucket refilled and B waited forever. In the line, B waits for A's one
    // caller refused before it (1.5 s at most), then for its own refill (1.5 s), plus polls; the one A take beside it
    // the count allows is a grant already on its way back when B asked (on a slow machine)
    expect(aTakesWhileBWaited).toBeLessThanOrEqual(2);
    expect(waited).toBeLessThan(4500);
    expect(b.charged(8000)).toBe(8000);
    expect(b.charged(12_000)).toBe(10_000);
  }, 20_000);

  it('a caller that gives up leaves the line at once: the next caller does not wait for its place to expire', async () => {
    const [a, b] = await Promise.all([budget({ requestsPerMinute: 6 }), budget({ requestsPerMinute: 6 })]); // capacity 1
    expect(await a.take(0)).toBe(true);
    const controller = new AbortController();
    const gaveUp = a.take(0, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('ZRANGE', 'rk:budget:m:line', '0', '-1')).toMatch(/^[0-9a-f]{8}$/);
    controller.abort(new Error('deadline'));
    await expect(gaveUp).rejects.toThrow('deadline');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('EXISTS', 'rk:budget:m:line')).toBe('0');
    // B refused now is first in the line
    const second = new AbortController();
    const waiting = b.take(0, second.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('ZRANGE', 'rk:budget:m:line', '0', '-1')).toMatch(/^[0-9a-f]{8}$/);
    second.abort(new Error('done'));
    await expect(waiting).rejects.toThrow('done');
  });

  it('however many callers of a process wait, it holds one place in the line; the place goes when the last one gives up', async () => {
    const side = await budget({ requestsPerMinute: 6 }); // capacity 1, one every 10 s
    expect(await side.take(0)).toBe(true);
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    // the first asks at once; the others queue behind it in this process, without asking
    const waiting = controllers.map((controller) => side.take(0, controller.signal).catch((error: Error) => error.message));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const line = () => redis.cli('ZRANGE', 'rk:budget:m:line', '0', '-1');
    const place = line();
    expect(place).toMatch(/^[0-9a-f]{8}$/);
    controllers[1]!.abort(new Error('second gave up'));
    controllers[0]!.abort(new Error('first gave up'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(line()).toBe(place); // the third still waits: the process keeps its place
    controllers[2]!.abort(new Error('third gave up'));
    expect(await Promise.all(waiting)).toEqual(['first gave up', 'second gave up', 'third gave up']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('EXISTS', 'rk:budget:m:line')).toBe('0');
  });

  it('a waiter that stops asking (its process died) is dropped from the head of the line after the line’s life', async () => {
    const side = await budget({ requestsPerMinute: 60 });
    // a dead process's caller, first in line, last seen 3 s ago on the server's clock
    const [seconds] = redis.cli('TIME').split('\n');
    const past = Number(seconds) * 1000 - 3000;
    redis.cli('ZADD', 'rk:budget:m:line', String(past), 'dead:1');
    redis.cli('HSET', 'rk:budget:m:line:asked', 'dead:1', String(past));
    const started = performance.now();
    expect(await side.take(0)).toBe(true);
    expect(performance.now() - started).toBeLessThan(200);
    expect(redis.cli('EXISTS', 'rk:budget:m:line')).toBe('0');
    // one still asking keeps its place: the next caller waits behind it
    const [now] = redis.cli('TIME').split('\n');
    redis.cli('ZADD', 'rk:budget:m:line', String(Number(now) * 1000), 'alive:1');
    redis.cli('HSET', 'rk:budget:m:line:asked', 'alive:1', String(Number(now) * 1000 + 60_000));
    const controller = new AbortController();
    const behind = side.take(0, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(redis.cli('ZRANGE', 'rk:budget:m:line', '0', '-1').split('\n')).toEqual(['alive:1', expect.stringMatching(/^[0-9a-f]{8}$/)]);
    controller.abort(new Error('stop'));
    await expect(behind).rejects.toThrow('stop');
  });
});
