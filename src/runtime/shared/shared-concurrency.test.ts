/**
 * SharedConcurrency against a real redis-server: leases of one sorted set cap the calls in flight across processes
 * (two links); a given-back lease lets the next waiter in, a refreshed lease outlives its length, a dead holder's
 * lease expires by itself; Redis down means the local limit alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { useRedisServer } from '../../../test/support/use-redis-server.js';
import { RedisLink } from './redis-link.js';
import { SharedConcurrency, type SharedConcurrencyOptions } from './shared-concurrency.js';

const redis = useRedisServer();

const closers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const closer of closers.splice(0)) closer.close();
});

async function limiterOf(owner: string, options: Partial<SharedConcurrencyOptions> = {}): Promise<SharedConcurrency> {
  const link = await RedisLink.open({ url: redis.url, log: () => {} });
  const limiter = new SharedConcurrency(link, {
    key: 'rk:leases:m',
    limit: 2,
    leaseMs: 5000,
    pollMs: 10,
    owner,
    random: () => 0,
    ...options,
  });
  closers.push(limiter, link);
  return limiter;
}

const settledWithin = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('SharedConcurrency', () => {
  it('caps the calls in flight across processes; a lease given back lets the next waiter in', async () => {
    const [a, b] = await Promise.all([limiterOf('a'), limiterOf('b')]);
    const releaseA = await a.acquire();
    const releaseB = await b.acquire();
    expect(redis.cli('ZCARD', 'rk:leases:m')).toBe('2');
    const third = a.acquire();
    expect(await settledWithin(third, 150)).toBe(false);
    releaseB();
    expect(await settledWithin(third, 500)).toBe(true);
    expect(redis.cli('ZRANGE', 'rk:leases:m', '0', '-1').split('\n').sort()).toEqual(['a:1', 'a:2']);
    releaseA();
    releaseA(); // idempotent
    (await third)();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('ZCARD', 'rk:leases:m')).toBe('0');
  });

  it('a lease is refreshed while held, and a dead holder’s lease expires by itself', async () => {
    const holder = await limiterOf('holder', { leaseMs: 300 });
    const other = await limiterOf('other', { leaseMs: 300, limit: 1 });
    await holder.acquire(); // never given back
    // refreshed every 100 ms: still held after three lease lengths
    await new Promise((resolve) => setTimeout(resolve, 900));
    const waiting = other.acquire();
    expect(await settledWithin(waiting, 200)).toBe(false);
    // the holder dies: nothing refreshes its lease any more
    holder.close();
    const diedAt = performance.now();
    await waiting;
    const waited = performance.now() - diedAt;
    expect(waited).toBeLessThan(600);
    expect(redis.cli('ZRANGE', 'rk:leases:m', '0', '-1')).toBe('other:1');
  });

  it('a caller that gives up while waiting is told at once and holds nothing', async () => {
    const side = await limiterOf('a', { limit: 1 });
    await side.acquire();
    const controller = new AbortController();
    const waiting = side.acquire(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(redis.cli('ZCARD', 'rk:leases:m')).toBe('1');
  });

  it('Redis down: acquire resolves at once with nothing to give back', async () => {
    const other = await startRedisServer();
    const link = await RedisLink.open({ url: other.url, log: () => {} });
    closers.push(link);
    const side = new SharedConcurrency(link, { key: 'rk:leases:m', limit: 1, leaseMs: 1000, pollMs: 10, owner: 'a' });
    await side.acquire();
    await other.kill();
    const started = performance.now();
    const release = await side.acquire();
    expect(performance.now() - started).toBeLessThan(200);
    release();
    expect(link.stats().fallbacks.concurrency).toBeGreaterThanOrEqual(1);
  });

  it('a caller that gives up while its lease is being taken gives it back: the slot is free for the next caller', async () => {
    const limiter = await limiterOf('p', { limit: 1, leaseMs: 300, pollMs: 20 });
    const link = (limiter as unknown as { link: RedisLink }).link;
    const releaseFirst = await limiter.acquire();
    const controller = new AbortController();
    // the caller gives up while its ACQUIRE is in flight, after the script took the lease
    const attempt = link.attempt.bind(link);
    let armed = false;
    link.attempt = async (operation, command) => {
      const reached = await attempt(operation, command);
      if (armed && operation === 'concurrency' && reached.reached && Number(reached.value) === 1) controller.abort(new Error('deadline'));
      return reached;
    };
    const second = limiter.acquire(controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 60)); // queued: polling in turn
    armed = true;
    releaseFirst();
    await expect(second).rejects.toThrow('deadline');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(redis.cli('ZCARD', 'rk:leases:m')).toBe('0');
    expect(limiter.heldCount).toBe(0);
    armed = false;
    expect(await settledWithin(limiter.acquire(), 500)).toBe(true);
  });

  it('a lease never given back stops being refreshed after maxHoldMs and expires a lease length later', async () => {
    const limiter = await limiterOf('p', { limit: 1, leaseMs: 300, maxHoldMs: 400 });
    await limiter.acquire(); // never released
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(redis.cli('ZCARD', 'rk:leases:m')).toBe('1'); // refreshed past its first 300 ms
    expect(limiter.heldCount).toBe(1);
    // the refresh after 400 ms drops it; its last expiry is at most 300 ms after the last refresh
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(limiter.heldCount).toBe(0);
    expect(await settledWithin(limiter.acquire(), 300)).toBe(true);
  });

  it('one line across processes: a freed lease goes to the caller refused first, not to the releasing process’s next caller', async () => {
    const a = await limiterOf('a', { limit: 1 });
    const b = await limiterOf('b', { limit: 1 });
    // A's three callers take the one lease back to back: each release wakes A's next waiter at once
    let stop = false;
    let bWaiting = false;
    let aLeasesWhileBWaited = 0;
    const callers = Array.from({ length: 3 }, async () => {
      while (!stop) {
        const release = await a.acquire();
        if (bWaiting) aLeasesWhileBWaited++;
        await new Promise((resolve) => setTimeout(resolve, 30));
        release();
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    bWaiting = true;
    const releaseB = await Promise.race([b.acquire(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000))]);
    bWaiting = false;
    stop = true;
    expect(releaseB).toBeTypeOf('function');
    // the lease A held when B asked, and the one A's caller refused before B may have been given (A's waiter asks
    // as soon as the lease comes back; B polls every 10 ms)
    expect(aLeasesWhileBWaited).toBeLessThanOrEqual(2);
    releaseB!();
    await Promise.all(callers);
  });

  it('a caller that gives up leaves the line at once', async () => {
    const a = await limiterOf('a', { limit: 1 });
    const release = await a.acquire();
    const controller = new AbortController();
    const waiting = a.acquire(controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('ZRANGE', 'rk:leases:m:line', '0', '-1')).toMatch(/^a~[0-9a-f]{8}$/);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('EXISTS', 'rk:leases:m:line')).toBe('0');
    release();
  });
});
