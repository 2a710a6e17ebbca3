import { describe, expect, it } from 'vitest';
import type { Reward } from '../reward.js';
import type { RewardResult } from '../result.js';
import { validateSpecObject } from '../spec/load-spec.js';
import { deadlineResult, scoreBeforeDeadline, scoreRows, startDeadline } from './deadline.js';

/** A Reward whose score() answers when the test says so (or at once for rows marked quick). */
function fakeReward(format: 'auto' | 'plain' = 'auto') {
  const spec = validateSpecObject({ input: { format, id: 'uid' }, checks: [{ type: 'length', max: 10 }], aggregate: { range: [0, 10] } });
  const started: string[] = [];
  let active = 0;
  let maxActive = 0;
  const reward = {
    spec,
    judges: [],
    suggestedRowConcurrency: 2,
    score: async (row: unknown, options?: { signal?: AbortSignal; fallbackId?: string }) => {
      const record = row as { uid?: string; quick?: boolean };
      started.push(record.uid ?? options?.fallbackId ?? '?');
      active++;
      maxActive = Math.max(maxActive, active);
      if (!record.quick) await new Promise<void>(() => {});
      active--;
      return {
        id: record.uid ?? 'x',
        reward: 10,
        neutral: false,
        gated_by: null,
        flags: [],
        metrics: {},
        components: [],
      } satisfies RewardResult;
    },
    scoreBatch: () => Promise.resolve([]),
    plan: () => Promise.reject(new Error('unused')),
  } as unknown as Reward;
  return { reward, started, maxActive: () => maxActive };
}

describe('startDeadline', () => {
  it('a budget of 0 or less is already aborted; the hard stop follows after the grace', async () => {
    const deadline = startDeadline(-50, 0);
    expect(deadline.signal.aborted).toBe(true);
    await deadline.hardStop;
    expect(deadline.stopped).toBe(true);
  });

  it('abort() aborts with the reason; dispose() clears the timers', () => {
    const deadline = startDeadline(60_000, 60_000);
    deadline.abort('the client closed the connection');
    expect((deadline.signal.reason as Error).message).toBe('the client closed the connection');
    deadline.dispose();
  });
});

describe('scoreBeforeDeadline / scoreRows', () => {
  it('a row unfinished at the hard stop gets the neutral reward with the deadline flags, under its own id', async () => {
    const { reward } = fakeReward('plain');
    const result = await scoreBeforeDeadline(reward, { uid: 'late' }, 'row-0', startDeadline(0, 0));
    expect(result).toEqual(deadlineResult('late', 5));
    expect(result).toMatchObject({ reward: 5, neutral: true, flags: ['judge_error', 'deadline_exceeded'], metrics: { judge_error: 1 } });
  });

  it('keeps input order, never more rows in flight than the limit, and skips rows after the hard stop', async () => {
    const { reward, started, maxActive } = fakeReward('plain');
    const rows = [{ uid: 'a', quick: true }, { uid: 'b' }, { uid: 'c', quick: true }, { uid: 'd' }, { uid: 'e' }];
    const results = await scoreRows(reward, rows, startDeadline(0, 0), (index) => `row-${index}`);
    expect(results.map((result) => [result.id, result.reward])).toEqual([
      ['a', 10],
      ['b', 5],
      ['c', 10],
      ['d', 5],
      ['e', 5],
    ]);
    expect(maxActive()).toBeLessThanOrEqual(2);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('a batch does not hold the event loop, nor warn about its listeners', () => {
  it('rows that finish without I/O still let timers run between slices of rows', async () => {
    const { reward } = fakeReward('plain');
    const rows = Array.from({ length: 20_000 }, (_unused, index) => ({ uid: `r${index}`, quick: true }));
    let scored = 0;
    const timerSaw: number[] = [];
    const deadline = startDeadline(60_000, 1000);
    const counting = {
      ...reward,
      score: async (row: unknown, options?: { signal?: AbortSignal; fallbackId?: string }) => (scored++, reward.score(row, options)),
    };
    const timer = setInterval(() => timerSaw.push(scored), 1);
    const results = await scoreRows(counting, rows, deadline, (index) => `row-${index}`);
    clearInterval(timer);
    deadline.dispose();
    expect(results).toHaveLength(20_000);
    // without yielding, the timer first runs after the last row (or never during the batch)
    expect(timerSaw.filter((seen) => seen > 0 && seen < 20_000).length).toBeGreaterThan(0);
  });

  it('the shared deadline signal takes one listener per judge call in flight without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const deadline = startDeadline(60_000, 1000);
      const listeners = Array.from({ length: 200 }, () => () => {});
      for (const listener of listeners) deadline.signal.addEventListener('abort', listener, { once: true });
      await new Promise((resolve) => setTimeout(resolve, 20)); // warnings are emitted on a later tick
      for (const listener of listeners) deadline.signal.removeEventListener('abort', listener);
      deadline.dispose();
      expect(warnings.map((warning) => warning.name)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
