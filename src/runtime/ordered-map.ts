/**
 * Maps an async stream with at most `limit` items in flight and yields results in input order, so a
 * JSONL run streams with bounded memory and its output lines match its input lines one for one.
 */
export async function* orderedMap<T, R>(source: AsyncIterable<T> | Iterable<T>, limit: number, work: (item: T, index: number) => Promise<R>): AsyncGenerator<R> {
  const pending: Array<Promise<R>> = [];
  let index = 0;
  for await (const item of source) {
    const result = work(item, index++);
    result.catch(() => {}); // handled when its turn comes; until then it must not count as unhandled
    pending.push(result);
    if (pending.length >= limit) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}

/** Array form of orderedMap. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for await (const result of orderedMap(items, limit, work)) results.push(result);
  return results;
}
