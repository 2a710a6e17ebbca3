/**
 * AdaptiveConcurrency (AIMD): the limit, the multiplicative cut on 429, the additive growth on success,
 * the pause on a spent quota, and FIFO hand-off of slots. Clocks are manual or fake; nothing is timed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';

/** Lets every pending promise callback run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function manualClock(start = 0) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/** Starts an acquire and records (in `log`) when it is granted or rejected. */
function acquireInto(concurrency: AdaptiveConcurrency, log: string[], name: string, signal?: AbortSignal) {
  const holder: { release?: () => void; promise: Promise<void> } = { promise: Promise.resolve() };
  holder.promise = concurrency.acquire(signal).then(
    (release) => {
      holder.release = release;
      log.push(name);
    },
    () => void log.push(`${name} rejected`),
  );
  return holder;
}

describe('AdaptiveConcurrency construction', () => {
  it.each([0, -1, 1.5, Number.NaN])('rejects max %s', (max) => {
    expect(() => new AdaptiveConcurrency({ max })).toThrow(`concurrency must be a positive integer, got ${max}`);
  });

  it('starts at max with nothing in flight or queued', () => {
    const concurrency = new AdaptiveConcurrency({ max: 5 });
    expect(concurrency.limit).toBe(5);
    expect(concurrency.inFlight).toBe(0);
    expect(concurrency.queued).toBe(0);
  });
});

describe('AdaptiveConcurrency slots', () => {
  it('never grants more than `limit` holders; the next waits until a release', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 2 });
    const log: string[] = [];
    const a = acquireInto(concurrency, log, 'a');
    const b = acquireInto(concurrency, log, 'b');
    acquireInto(concurrency, log, 'c');
    await flush();
    expect(log).toEqual(['a', 'b']);
    expect(concurrency.inFlight).toBe(2);
    expect(concurrency.queued).toBe(1);
    a.release!();
    await flush();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(concurrency.inFlight).toBe(2);
    expect(concurrency.queued).toBe(0);
    void b;
  });

  it('hands released slots to waiters first in, first out', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 1 });
    const log: string[] = [];
    const first = acquireInto(concurrency, log, 'first');
    await flush();
    acquireInto(concurrency, log, 'w1');
    acquireInto(concurrency, log, 'w2');
    acquireInto(concurrency, log, 'w3');
    await flush();
    first.release!();
    await flush();
    expect(log).toEqual(['first', 'w1']);
    expect(concurrency.queued).toBe(2);
  });

  it('ignores a second call of the same release', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 2 });
    const release = await concurrency.acquire();
    await concurrency.acquire();
    release();
    release();
    expect(concurrency.inFlight).toBe(1);
  });
});

describe('AdaptiveConcurrency.onRateLimited', () => {
  function succeed(concurrency: AdaptiveConcurrency, times: number): void {
    for (let i = 0; i < times; i++) concurrency.onSuccess();
  }

  it('halves the limit on a 429 when nothing succeeded since the last cut: 10 → 5', () => {
    const concurrency = new AdaptiveConcurrency({ max: 10, now: manualClock().now });
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(5);
  });

  it('cuts by the rate-limited share of results: 3 successes and a 429 → ×0.75, floored: 10 → 7', () => {
    const concurrency = new AdaptiveConcurrency({ max: 10, tolerance: 0, now: manualClock().now });
    succeed(concurrency, 3);
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(7);
  });

  it('costs only a little when few calls are rate-limited: 9 successes and a 429 → ×0.9: 10 → 9', () => {
    const concurrency = new AdaptiveConcurrency({ max: 10, tolerance: 0, now: manualClock().now });
    succeed(concurrency, 9);
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(9);
  });

  it('tolerates up to 10% rate-limited calls by default, and cuts only by the excess beyond it', () => {
    const clock = manualClock();
    const concurrency = new AdaptiveConcurrency({ max: 20, now: clock.now });
    succeed(concurrency, 9);
    concurrency.onRateLimited(); // share 1/10: within tolerance, no cut
    expect(concurrency.limit).toBe(20);
    concurrency.onRateLimited(); // share 2/11 ≈ 0.182: excess 0.082 → ×0.918: 20 → 18
    expect(concurrency.limit).toBe(18);
  });

  it('never cuts deeper than minDecreaseFactor in one step', () => {
    const concurrency = new AdaptiveConcurrency({ max: 10, minDecreaseFactor: 0.8, now: manualClock().now });
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(8);
  });

  it('cuts at most once per decreaseIntervalMs (default 1000 ms)', () => {
    const clock = manualClock(5000);
    const concurrency = new AdaptiveConcurrency({ max: 10, now: clock.now });
    concurrency.onRateLimited();
    concurrency.onRateLimited();
    clock.t = 5999;
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(5);
    clock.t = 6000;
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(2);
  });

  it('honours a custom decreaseIntervalMs', () => {
    const clock = manualClock();
    const concurrency = new AdaptiveConcurrency({ max: 10, decreaseIntervalMs: 100, now: clock.now });
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(5);
    clock.t = 99;
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(5);
    clock.t = 100;
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(2);
  });

  it('counts the 429s that arrived between cuts toward the next cut, and only results since the last cut', () => {
    const clock = manualClock();
    const concurrency = new AdaptiveConcurrency({ max: 100, minDecreaseFactor: 0.1, tolerance: 0, now: clock.now });
    succeed(concurrency, 9);
    concurrency.onRateLimited(); // share 1/10: 100 → 90
    expect(concurrency.limit).toBe(90);
    succeed(concurrency, 3); // 90 → 90.03…
    clock.t = 500;
    concurrency.onRateLimited(); // too soon to cut, but counted
    expect(concurrency.limit).toBe(90);
    clock.t = 1000;
    concurrency.onRateLimited(); // share 2/5 → ×0.6: 90.03… → 54
    expect(concurrency.limit).toBe(54);
  });

  it('never goes below 1 by default: 10 → 5 → 2 → 1 → 1', () => {
    const clock = manualClock();
    const concurrency = new AdaptiveConcurrency({ max: 10, now: clock.now });
    const limits: number[] = [];
    for (let i = 0; i < 4; i++) {
      clock.t = i * 1000;
      concurrency.onRateLimited();
      limits.push(concurrency.limit);
    }
    expect(limits).toEqual([5, 2, 1, 1]);
  });

  it('never goes below `min`', () => {
    const clock = manualClock();
    const concurrency = new AdaptiveConcurrency({ max: 10, min: 4, now: clock.now });
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(5);
    clock.t = 1000;
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(4);
  });

  it('clamps `min` to `max`', () => {
    const concurrency = new AdaptiveConcurrency({ max: 3, min: 8, now: manualClock().now });
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(3);
  });

  it('lets holders above a lowered limit finish but admits no one until in-flight drops below it', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 4, now: manualClock().now });
    const log: string[] = [];
    const holders = ['a', 'b', 'c', 'd'].map((name) => acquireInto(concurrency, log, name));
    await flush();
    concurrency.onRateLimited(); // 4 → 2
    expect(concurrency.limit).toBe(2);
    acquireInto(concurrency, log, 'e');
    await flush();
    holders[0]!.release!();
    holders[1]!.release!();
    await flush();
    expect(log).toEqual(['a', 'b', 'c', 'd']); // 2 in flight = limit: e still waits
    holders[2]!.release!();
    await flush();
    expect(log).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('AdaptiveConcurrency.onSuccess', () => {
  it('grows by 1/limit per success: 2 → 3 after three successes, → 4 (max) after six', () => {
    const concurrency = new AdaptiveConcurrency({ max: 4, now: manualClock().now });
    concurrency.onRateLimited(); // 4 → 2 (nothing succeeded: the deepest cut, ×0.5)
    expect(concurrency.limit).toBe(2);
    const limits: number[] = [];
    for (let i = 0; i < 7; i++) {
      concurrency.onSuccess();
      limits.push(concurrency.limit);
    }
    expect(limits).toEqual([2, 2, 3, 3, 3, 4, 4]);
  });

  it('never grows past max', () => {
    const concurrency = new AdaptiveConcurrency({ max: 3 });
    for (let i = 0; i < 20; i++) concurrency.onSuccess();
    expect(concurrency.limit).toBe(3);
  });

  it('admits a waiter as soon as growth frees a slot', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 2, now: manualClock().now });
    concurrency.onRateLimited(); // 2 → 1 (×0.5)
    const log: string[] = [];
    acquireInto(concurrency, log, 'a');
    acquireInto(concurrency, log, 'b');
    await flush();
    expect(log).toEqual(['a']);
    concurrency.onSuccess(); // 1 + 1/1 → 2
    await flush();
    expect(log).toEqual(['a', 'b']);
    expect(concurrency.inFlight).toBe(2);
  });
});

describe('AdaptiveConcurrency with adaptive: false', () => {
  it('ignores rate limits', () => {
    const concurrency = new AdaptiveConcurrency({ max: 10, adaptive: false, now: manualClock().now });
    concurrency.onRateLimited();
    expect(concurrency.limit).toBe(10);
  });

  it('ignores successes (a fixed limit)', () => {
    const clock = manualClock();
    const adaptive = new AdaptiveConcurrency({ max: 4, now: clock.now });
    adaptive.onRateLimited();
    adaptive.onSuccess();
    adaptive.onSuccess();
    adaptive.onSuccess();
    expect(adaptive.limit).toBe(3);
    const fixed = new AdaptiveConcurrency({ max: 4, adaptive: false, now: clock.now });
    fixed.onRateLimited();
    fixed.onSuccess();
    expect(fixed.limit).toBe(4);
  });
});

describe('AdaptiveConcurrency.pauseFor', () => {
  /** The drain timer may run a little after the pause's end (never before it is over): allow this much. */
  const SLACK_MS = 10;

  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds new acquisitions until the pause ends, then admits the queued waiters in order up to the limit', async () => {
    vi.useFakeTimers({ now: 0 });
    const concurrency = new AdaptiveConcurrency({ max: 2, now: () => Date.now() });
    concurrency.pauseFor(1000);
    const log: string[] = [];
    acquireInto(concurrency, log, 'a');
    acquireInto(concurrency, log, 'b');
    acquireInto(concurrency, log, 'c');
    await vi.advanceTimersByTimeAsync(999);
    expect(log).toEqual([]);
    expect(concurrency.queued).toBe(3);
    expect(concurrency.inFlight).toBe(0);
    await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
    expect(log).toEqual(['a', 'b']);
    expect(concurrency.queued).toBe(1);
    expect(concurrency.inFlight).toBe(2);
  });

  it('does not admit on a release during the pause', async () => {
    vi.useFakeTimers({ now: 0 });
    const concurrency = new AdaptiveConcurrency({ max: 1, now: () => Date.now() });
    const release = await concurrency.acquire();
    concurrency.pauseFor(500);
    const log: string[] = [];
    acquireInto(concurrency, log, 'waiter');
    release();
    await vi.advanceTimersByTimeAsync(499);
    expect(log).toEqual([]);
    expect(concurrency.inFlight).toBe(0);
    await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
    expect(log).toEqual(['waiter']);
  });

  it('a shorter pause does not shorten a longer one already in force', async () => {
    vi.useFakeTimers({ now: 0 });
    const concurrency = new AdaptiveConcurrency({ max: 2, now: () => Date.now() });
    concurrency.pauseFor(1000);
    concurrency.pauseFor(200);
    const log: string[] = [];
    acquireInto(concurrency, log, 'a');
    await vi.advanceTimersByTimeAsync(999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
    expect(log).toEqual(['a']);
  });

  it('a longer pause extends a shorter one', async () => {
    vi.useFakeTimers({ now: 0 });
    const concurrency = new AdaptiveConcurrency({ max: 2, now: () => Date.now() });
    concurrency.pauseFor(200);
    concurrency.pauseFor(1000);
    const log: string[] = [];
    acquireInto(concurrency, log, 'a');
    await vi.advanceTimersByTimeAsync(999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
    expect(log).toEqual(['a']);
  });

  it('admits immediately once the pause has passed', async () => {
    vi.useFakeTimers({ now: 0 });
    const concurrency = new AdaptiveConcurrency({ max: 1, now: () => Date.now() });
    concurrency.pauseFor(100);
    vi.setSystemTime(100); // the clock reaches the end of the pause; the drain timer has not run
    const log: string[] = [];
    acquireInto(concurrency, log, 'a');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['a']);
  });

  it('does not strand waiters when the drain timer fires before the clock reaches the end of the pause', async () => {
    vi.useFakeTimers({ now: 0 });
    const clock = manualClock();
    const concurrency = new AdaptiveConcurrency({ max: 1, now: clock.now });
    concurrency.pauseFor(100);
    const log: string[] = [];
    acquireInto(concurrency, log, 'a');
    clock.t = 60; // the timer fires while the injected clock still lags behind
    await vi.advanceTimersByTimeAsync(200);
    expect(log).toEqual([]);
    clock.t = 100;
    await vi.advanceTimersByTimeAsync(200);
    expect(log).toEqual(['a']);
  });
});

describe('AdaptiveConcurrency.acquire with a signal', () => {
  it('rejects with the signal reason when aborted while waiting, and leaves the queue', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 1 });
    await concurrency.acquire();
    const controller = new AbortController();
    const waiting = concurrency.acquire(controller.signal);
    await flush();
    expect(concurrency.queued).toBe(1);
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(concurrency.queued).toBe(0);
    expect(concurrency.inFlight).toBe(1);
  });

  it('hands the next release to the waiter behind an aborted one', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 1 });
    const log: string[] = [];
    const holder = acquireInto(concurrency, log, 'holder');
    await flush();
    const controller = new AbortController();
    acquireInto(concurrency, log, 'aborted', controller.signal);
    acquireInto(concurrency, log, 'next');
    await flush();
    controller.abort(new Error('deadline'));
    await flush();
    expect(log).toEqual(['holder', 'aborted rejected']);
    holder.release!();
    await flush();
    expect(log).toEqual(['holder', 'aborted rejected', 'next']);
    expect(concurrency.inFlight).toBe(1);
    expect(concurrency.queued).toBe(0);
  });

  it('rejects at once when the signal is already aborted and no slot is free', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 1 });
    await concurrency.acquire();
    const reason = new Error('already');
    await expect(concurrency.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(concurrency.queued).toBe(0);
  });

  it('a granted waiter is unaffected by a later abort', async () => {
    const concurrency = new AdaptiveConcurrency({ max: 1 });
    const release = await concurrency.acquire();
    const controller = new AbortController();
    const waiting = concurrency.acquire(controller.signal);
    release();
    const secondRelease = await waiting;
    controller.abort(new Error('late'));
    expect(concurrency.inFlight).toBe(1);
    secondRelease();
    expect(concurrency.inFlight).toBe(0);
  });
});
