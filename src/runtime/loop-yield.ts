/**
 * Cooperative yielding for long per-row loops. Rows that need no judge call (unreadable, gated, empty, or
 * answered from the cache) finish in promise callbacks alone, and a batch of thousands of them — or the
 * result building after any big batch — would hold the event loop for seconds: /healthz would stop answering
 * and an orchestrator would restart a healthy process. A LoopYielder hands the loop back (setImmediate, so
 * pending I/O runs first) after every `everyRows` rows, or sooner when `sliceMs` of work ran without a break.
 * One yielder is shared by every worker of a batch: they wait for the same turn of the loop, then resume one
 * after another, each checking the slice again, so a crowd of waiting workers is let through a slice at a time.
 *
 * Judge calls of one model share their scheduler's yielder (model-scheduler.ts → call-judge.ts): with a fast judge,
 * dozens of replies land in one turn of the loop, and each would at once parse its verdict, finish its row and send
 * the next call. Passing through the yielder before each attempt and before each reply is parsed spreads that work
 * over turns of at most `YIELD_SLICE_MS`, so a probe waits for one slice, not for all of it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Rows between two yields, at most. */
export const YIELD_EVERY_ROWS = 100;
/** Work between two yields, at most (checked after each row), in milliseconds. */
export const YIELD_SLICE_MS = 5;

export interface LoopYielder {
  /** Call after each row: a promise to await when it is time to let the loop run, else undefined. */
  afterRow(): Promise<void> | undefined;
}

export function createLoopYielder(everyRows = YIELD_EVERY_ROWS, sliceMs = YIELD_SLICE_MS): LoopYielder {
  let rows = 0;
  let sliceStart = performance.now();
  let pending: Promise<void> | undefined;
  const yielder: LoopYielder = {
    afterRow() {
      if (pending) return pending.then(() => yielder.afterRow());
      rows++;
      if (rows < everyRows && performance.now() - sliceStart < sliceMs) return undefined;
      pending = nextTurn().then(() => {
        rows = 0;
        sliceStart = performance.now();
        pending = undefined;
      });
      return pending;
    },
  };
  return yielder;
}

/** `items.map(transform)`, letting the event loop run between slices of rows. */
export async function mapYielding<T, U>(
  items: readonly T[],
  transform: (item: T, index: number) => U,
  yielder: LoopYielder = createLoopYielder(),
): Promise<U[]> {
  const mapped = new Array<U>(items.length);
  for (let index = 0; index < items.length; index++) {
    mapped[index] = transform(items[index]!, index);
    const turn = yielder.afterRow();
    if (turn) await turn;
  }
  return mapped;
}
