import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

/** Lets every pending promise callback run (a macrotask turn drains the microtask queue). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ConcurrencyLimiter', () => {
  it.each([0, -1, 1.5, Number.NaN])('rejects the limit %s', (limit) => {
    expect(() => new ConcurrencyLimiter(limit)).toThrow(`concurrency limit must be a positive integer, got ${limit}`);
  });

  it('starts empty', () => {
    const limiter = new ConcurrencyLimiter(3);
    expect(limiter.limit).toBe(3);
    expect(limiter.inFlight).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('grants up to limit holders at once and queues the next', async () => {
    const limiter = new ConcurrencyLimiter(2);
    await limiter.acquire();
    await limiter.acquire();
    let thirdGranted = false;
    void limiter.acquire().then(() => {
      thirdGranted = true;
    });
    await settle();
    expect(limiter.inFlight).toBe(2);
    expect(limiter.queued).toBe(1);
    expect(thirdGranted).toBe(false);
  });

  it('hands a released slot to the first waiter without lowering the count', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    let granted = false;
    void limiter.acquire().then(() => {
      granted = true;
    });
    await settle();
    release();
    await settle();
    expect(granted).toBe(true);
    expect(limiter.inFlight).toBe(1);
    expect(limiter.queued).toBe(0);
  });

  it('frees the slot when the last holder releases with nobody waiting', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const release = await limiter.acquire();
    release();
    expect(limiter.inFlight).toBe(0);
  });

  it('serves waiters first in, first out', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const first = await limiter.acquire();
    const order: string[] = [];
    const waiters = ['a', 'b', 'c'].map((name) =>
      limiter.acquire().then((release) => {
        order.push(name);
        release();
      }),
    );
    await settle();
    expect(limiter.queued).toBe(3);
    first();
    await Promise.all(waiters);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(limiter.inFlight).toBe(0);
  });

  it('ignores a second call of the same release', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.inFlight).toBe(0);
    await limiter.acquire();
    expect(limiter.inFlight).toBe(1);
  });

  it('does not let a repeated release hand out a second slot to a waiter', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    const granted: string[] = [];
    void limiter.acquire().then(() => granted.push('b'));
    void limiter.acquire().then(() => granted.push('c'));
    await settle();
    release();
    release();
    await settle();
    expect(granted).toEqual(['b']);
    expect(limiter.inFlight).toBe(1);
    expect(limiter.queued).toBe(1);
  });

  it('run returns the task result and releases the slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run(() => Promise.resolve('done'))).resolves.toBe('done');
    expect(limiter.inFlight).toBe(0);
  });

  it('run releases the slot when the task rejects and passes the error on', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const failure = new Error('task failed');
    await expect(limiter.run(() => Promise.reject(failure))).rejects.toBe(failure);
    expect(limiter.inFlight).toBe(0);
    await expect(limiter.run(() => Promise.resolve(2))).resolves.toBe(2);
  });

  it('never runs more than limit tasks at once', async () => {
    const limiter = new ConcurrencyLimiter(3);
    const tasks = Array.from({ length: 10 }, () => deferred<void>());
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const all = Promise.all(
      tasks.map((task, index) =>
        limiter.run(async () => {
          started.push(index);
          running++;
          peak = Math.max(peak, running);
          await task.promise;
          running--;
          return index;
        }),
      ),
    );
    await settle();
    expect(started).toEqual([0, 1, 2]);
    expect(limiter.queued).toBe(7);
    tasks[1]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const task of tasks) task.resolve();
    await expect(all).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
    expect(limiter.inFlight).toBe(0);
    expect(limiter.queued).toBe(0);
  });
});
