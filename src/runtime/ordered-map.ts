/**
 * Maps an async stream with at most `limit` items in flight and yields results in input order, so a
 * JSONL run streams with bounded memory and its output lines match its input lines one for one.
 * Finished results wait in a buffer (at most `maxBuffered` items, in flight or done) for the ones before
 * them, so one slow item — a judge call waiting out a Retry-After — does not stop the others from starting.
 */
export async function* orderedMap<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  maxBuffered: number = limit * 32,
): AsyncGenerator<R> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const queue: Array<{ promise: Promise<R>; settled: boolean }> = [];
  let inFlight = 0;
  let index = 0;
  let exhausted = false;
  let wake: (() => void) | null = null;
  try {
    for (;;) {
      while (!exhausted && inFlight < limit && queue.length < Math.max(limit, maxBuffered)) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const entry = { promise: work(next.value, index++), settled: false };
        inFlight++;
        const settle = () => {
          entry.settled = true;
          inFlight--;
          const resume = wake;
          wake = null;
          resume?.();
        };
        entry.promise.then(settle, settle); // also marks a rejection as handled until its turn comes
        queue.push(entry);
      }
      if (queue.length === 0) return;
      if (queue[0]!.settled) {
        yield await queue.shift()!.promise;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await iterator.return?.();
  }
}

/** Array form of orderedMap. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for await (const result of orderedMap(items, limit, work)) results.push(result);
  return results;
}
