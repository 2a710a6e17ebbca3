/**
 * RateBudget: a token bucket of perMinute/6 refilled continuously. Time is never measured: `waitFor` is
 * driven by a manual clock, and waiting `take` calls run under fake timers whose Date is the clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateBudget } from './rate-budget.js';

function manualClock(start = 0) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/** Records the order in which promises settle. */
function track(log: string[], name: string, promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => void log.push(name),
    () => void log.push(`${name} rejected`),
  );
}

describe('RateBudget construction', () => {
  it.each([0, -1, Number.NaN])('rejects the per-minute budget %s', (perMinute) => {
    expect(() => new RateBudget(perMinute)).toThrow(`a per-minute budget must be positive, got ${perMinute}`);
  });

  it('holds perMinute/6 (ten seconds worth) when full: 60/min holds 10', () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    expect(budget.perMinute).toBe(60);
    expect(budget.waitFor(10)).toBe(0);
    budget.settle(-10); // empty it
    expect(budget.waitFor(1)).toBe(1000);
  });

  it('holds at least 1 even when perMinute/6 is smaller: 3/min holds 1, not 0.5', async () => {
    const clock = manualClock();
    const budget = new RateBudget(3, clock.now);
    expect(budget.waitFor(1)).toBe(0);
    await budget.take(1);
    // 3 per minute = 1 per 20 s
    expect(budget.waitFor(1)).toBe(20_000);
  });
});

describe('RateBudget.waitFor', () => {
  it('refills continuously in proportion to elapsed time', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now); // 1 per second, holds 10
    await budget.take(10);
    expect(budget.waitFor(1)).toBe(1000);
    clock.t = 500;
    expect(budget.waitFor(1)).toBe(500);
    clock.t = 2500;
    expect(budget.waitFor(2)).toBe(0);
    expect(budget.waitFor(3)).toBe(500);
  });

  it('never refills beyond the capacity however long it idles', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await budget.take(10);
    clock.t = 3_600_000;
    await budget.take(10);
    expect(budget.waitFor(1)).toBe(1000);
  });

  it('caps the amount waited for at the capacity', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    expect(budget.waitFor(1_000_000)).toBe(0);
    await budget.take(10);
    expect(budget.waitFor(1_000_000)).toBe(10_000);
  });
});

describe('RateBudget.take', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes immediately while the bucket holds enough', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await budget.take(4);
    await budget.take(6);
    expect(budget.waitFor(1)).toBe(1000);
  });

  it('caps one huge take at the capacity, so it goes through on a full bucket and empties it', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await budget.take(500);
    expect(budget.waitFor(1)).toBe(1000);
    clock.t = 10_000;
    expect(budget.waitFor(10)).toBe(0);
  });

  it('waits until the bucket has refilled enough, then takes', async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = new RateBudget(60, () => Date.now());
    await budget.take(10);
    const log: string[] = [];
    const done = track(log, 'take 3', budget.take(3));
    await vi.advanceTimersByTimeAsync(2999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(log).toEqual(['take 3']);
    expect(budget.waitFor(1)).toBe(1000);
  });

  it('serves waiters first in, first out: a small take queued behind a large one does not jump ahead', async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = new RateBudget(60, () => Date.now());
    await budget.take(10);
    const log: string[] = [];
    const big = track(log, 'big (2)', budget.take(2));
    const small = track(log, 'small (1)', budget.take(1));
    await vi.advanceTimersByTimeAsync(1000); // 1 available: enough for the small one, which must still wait
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000); // 2 available: the big one goes, leaving 0
    expect(log).toEqual(['big (2)']);
    await vi.advanceTimersByTimeAsync(999);
    expect(log).toEqual(['big (2)']);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([big, small]);
    expect(log).toEqual(['big (2)', 'small (1)']);
  });

  it('rejects with the signal reason when aborted while waiting', async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = new RateBudget(60, () => Date.now());
    await budget.take(10);
    const controller = new AbortController();
    const waiting = budget.take(5, controller.signal);
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('does not consume anything for an aborted take', async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = new RateBudget(60, () => Date.now());
    await budget.take(10);
    const controller = new AbortController();
    const waiting = budget.take(5, controller.signal);
    await vi.advanceTimersByTimeAsync(2000);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    await vi.advanceTimersByTimeAsync(3000);
    expect(budget.waitFor(5)).toBe(0);
    expect(budget.waitFor(6)).toBe(1000);
  });

  it('serves the next waiter after an aborted one', async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = new RateBudget(60, () => Date.now());
    await budget.take(10);
    const controller = new AbortController();
    const log: string[] = [];
    const first = track(log, 'first', budget.take(5, controller.signal));
    const second = track(log, 'second', budget.take(1));
    await vi.advanceTimersByTimeAsync(500);
    controller.abort(new Error('deadline'));
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['first rejected']);
    await vi.advanceTimersByTimeAsync(499);
    expect(log).toEqual(['first rejected']);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
    expect(log).toEqual(['first rejected', 'second']);
  });
});

describe('RateBudget.settle', () => {
  it('refunds a positive difference (the estimate was too high)', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await budget.take(10);
    budget.settle(4);
    expect(budget.waitFor(4)).toBe(0);
    expect(budget.waitFor(5)).toBe(1000);
  });

  it('charges a negative difference, which can leave the bucket in debt', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await budget.take(10);
    budget.settle(-5);
    expect(budget.waitFor(1)).toBe(6000);
  });

  it('never refunds beyond the capacity', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await budget.take(2);
    budget.settle(100);
    await budget.take(10);
    expect(budget.waitFor(1)).toBe(1000);
  });

  it('counts the refill up to now before applying the difference', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await budget.take(10);
    clock.t = 3000; // 3 refilled
    budget.settle(-3);
    expect(budget.waitFor(1)).toBe(1000);
  });
});

describe('RateBudget aborts', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects at once a caller that gives up while queued behind another, and charges it nothing', async () => {
    vi.useFakeTimers({ now: 0 });
    const budget = new RateBudget(600); // capacity 100, 10 per second
    await budget.take(100);
    const log: string[] = [];
    const first = track(log, 'first', budget.take(50));
    const controller = new AbortController();
    const second = track(log, 'second', budget.take(1, controller.signal));
    await vi.advanceTimersByTimeAsync(50);
    controller.abort(new Error('deadline'));
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['second rejected']);
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all([first, second]);
    expect(log).toEqual(['second rejected', 'first']);
    // 50 ms after the first took its 50 the bucket holds 0.5: one more token is 50 ms away (150 ms had the
    // aborted caller been charged its 1)
    expect(budget.waitFor(1)).toBe(50);
  });

  it('rejects an already-aborted signal without consuming', async () => {
    const clock = manualClock();
    const budget = new RateBudget(60, clock.now);
    await expect(budget.take(3, AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
    expect(budget.waitFor(10)).toBe(0);
  });
});
