import { describe, expect, it } from 'vitest';
import { mapWithConcurrency, orderedMap } from './ordered-map.js';

/** Lets every pending promise callback run (a macrotask turn drains the microtask queue). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

async function* countTo(n: number): AsyncGenerator<number> {
  for (let value = 1; value <= n; value++) {
    await Promise.resolve();
    yield value;
  }
}

describe('orderedMap', () => {
  it('yields results in input order even when later items finish first', async () => {
    const tasks = [deferred<string>(), deferred<string>(), deferred<string>()];
    const results: string[] = [];
    const consumed = (async () => {
      for await (const result of orderedMap([0, 1, 2], 3, (item) => tasks[item]!.promise)) results.push(result);
    })();
    tasks[2]!.resolve('two');
    tasks[1]!.resolve('one');
    await settle();
    expect(results).toEqual([]);
    tasks[0]!.resolve('zero');
    await consumed;
    expect(results).toEqual(['zero', 'one', 'two']);
  });

  it('starts at most limit items until one finishes, then the next, even before results are taken', async () => {
    const tasks = Array.from({ length: 5 }, () => deferred<number>());
    const started: number[] = [];
    const results = orderedMap([0, 1, 2, 3, 4], 2, (item) => {
      started.push(item);
      return tasks[item]!.promise;
    });
    const first = results.next();
    await settle();
    expect(started).toEqual([0, 1]);
    tasks[1]!.resolve(1); // the second finishes first: its slot goes to the next item although 0 is not done
    await settle();
    expect(started).toEqual([0, 1, 2]);
    tasks[0]!.resolve(0);
    await expect(first).resolves.toEqual({ value: 0, done: false });
    await expect(results.next()).resolves.toEqual({ value: 1, done: false });
    for (const task of tasks) task.resolve(-1);
    const rest: number[] = [];
    for await (const value of results) rest.push(value);
    expect(rest).toEqual([-1, -1, -1]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps at most maxBuffered items started but not yet taken', async () => {
    const tasks = Array.from({ length: 6 }, () => deferred<number>());
    const started: number[] = [];
    const results = orderedMap(
      [0, 1, 2, 3, 4, 5],
      2,
      (item) => {
        started.push(item);
        return tasks[item]!.promise;
      },
      3,
    );
    const first = results.next();
    await settle();
    tasks[1]!.resolve(1);
    tasks[2]!.resolve(2);
    await settle();
    await settle();
    expect(started).toEqual([0, 1, 2]); // 0 is slow: the buffer (0, 1, 2) is full, so 3 waits
    tasks[0]!.resolve(0);
    await expect(first).resolves.toEqual({ value: 0, done: false });
    for (const task of tasks) task.resolve(9);
    const rest: number[] = [];
    for await (const value of results) rest.push(value);
    expect(rest).toEqual([1, 2, 9, 9, 9]);
  });

  it('never has more than limit items in flight', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency(
      Array.from({ length: 20 }, (_, index) => index),
      4,
      async (item) => {
        running++;
        peak = Math.max(peak, running);
        await settle();
        running--;
        return item * 2;
      },
    );
    expect(peak).toBe(4);
    expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
  });

  it('runs items one at a time with limit 1', async () => {
    const log: string[] = [];
    await mapWithConcurrency(['a', 'b', 'c'], 1, async (item) => {
      log.push(`start ${item}`);
      await settle();
      log.push(`end ${item}`);
    });
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('passes each item its index', async () => {
    expect(await mapWithConcurrency(['x', 'y', 'z'], 2, (item, index) => Promise.resolve(`${index}:${item}`))).toEqual([
      '0:x',
      '1:y',
      '2:z',
    ]);
  });

  it('reads an async iterable source', async () => {
    const results: number[] = [];
    for await (const value of orderedMap(countTo(4), 2, (item) => Promise.resolve(item * 10))) results.push(value);
    expect(results).toEqual([10, 20, 30, 40]);
  });

  it('yields nothing for an empty source', async () => {
    expect(await mapWithConcurrency([], 3, () => Promise.resolve(1))).toEqual([]);
  });

  it('passes on the error of a failed item', async () => {
    const failure = new Error('item 1 failed');
    await expect(mapWithConcurrency([0, 1, 2], 1, (item) => (item === 1 ? Promise.reject(failure) : Promise.resolve(item)))).rejects.toBe(
      failure,
    );
  });

  it('stops starting items soon after a failure when running one at a time', async () => {
    const started: number[] = [];
    await expect(
      mapWithConcurrency([0, 1, 2, 3, 4, 5], 1, (item) => {
        started.push(item);
        return item === 1 ? Promise.reject(new Error('stop')) : Promise.resolve(item);
      }),
    ).rejects.toThrow('stop');
    // the failed item's slot is freed when it settles, so at most one more starts before the failure is taken
    expect(started).toEqual([0, 1, 2]);
  });
});

describe('orderedMap rejections', () => {
  it('raises no unhandled rejection when a later item fails while an earlier one is pending', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const first = deferred<number>();
      const results = mapWithConcurrency([0, 1, 2], 3, (item) =>
        item === 0 ? first.promise : item === 1 ? Promise.reject(new Error('item 1 failed')) : Promise.resolve(item),
      );
      await settle();
      await settle();
      first.resolve(0);
      await expect(results).rejects.toThrow('item 1 failed');
      await settle();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
