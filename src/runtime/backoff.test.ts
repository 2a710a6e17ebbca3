import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';

const policy: BackoffPolicy = { maxRetries: 4, initialDelayMs: 500, maxDelayMs: 30_000 };
const fixed = (value: number) => () => value;

describe('backoffDelay', () => {
  it('is half the base delay when the random draw is 0', () => {
    expect(backoffDelay(policy, 1, undefined, fixed(0))).toBe(250);
  });

  it('is the full base delay when the random draw is 1', () => {
    expect(backoffDelay(policy, 1, undefined, fixed(1))).toBe(500);
  });

  it('interpolates linearly between half and full base with the random draw', () => {
    expect(backoffDelay(policy, 1, undefined, fixed(0.5))).toBe(375);
  });

  it('doubles the base on every retry by default', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(policy, retry, undefined, fixed(1)))).toEqual([500, 1000, 2000, 4000]);
  });

  it('uses the configured factor', () => {
    const triple: BackoffPolicy = { ...policy, factor: 3 };
    expect([1, 2, 3].map((retry) => backoffDelay(triple, retry, undefined, fixed(1)))).toEqual([500, 1500, 4500]);
  });

  it('caps the base at maxDelayMs before jitter', () => {
    expect(backoffDelay(policy, 10, undefined, fixed(1))).toBe(30_000);
    expect(backoffDelay(policy, 10, undefined, fixed(0))).toBe(15_000);
  });

  it('rounds to whole milliseconds', () => {
    const odd: BackoffPolicy = { maxRetries: 1, initialDelayMs: 333, maxDelayMs: 10_000 };
    expect(backoffDelay(odd, 1, undefined, fixed(0))).toBe(167);
  });

  it('waits as long as Retry-After asks when that is longer than the jittered delay', () => {
    expect(backoffDelay(policy, 1, 20_000, fixed(0))).toBe(20_000);
  });

  it('keeps the jittered delay when Retry-After asks for less', () => {
    expect(backoffDelay(policy, 3, 100, fixed(1))).toBe(2000);
  });

  it('caps a server-given Retry-After at maxDelayMs', () => {
    expect(backoffDelay(policy, 1, 3_600_000, fixed(0))).toBe(30_000);
  });

  it('uses the injected random source once per call', () => {
    const random = vi.fn(() => 0.25);
    expect(backoffDelay(policy, 2, undefined, random)).toBe(625);
    expect(random).toHaveBeenCalledTimes(1);
  });
});

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves once the given time has passed and not before', async () => {
    let done = false;
    const slept = sleep(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    await slept;
  });

  it('rejects with the abort reason and clears its timer when the signal aborts', async () => {
    const controller = new AbortController();
    const slept = sleep(10_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once without starting a timer when the signal is already aborted', async () => {
    const reason = new Error('already over');
    const slept = sleep(10_000, AbortSignal.abort(reason));
    expect(vi.getTimerCount()).toBe(0);
    await expect(slept).rejects.toBe(reason);
  });

  it('resolves normally with a signal that never aborts', async () => {
    const controller = new AbortController();
    let done = false;
    const slept = sleep(50, controller.signal).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(done).toBe(true);
    await slept;
    controller.abort(new Error('late'));
    expect(vi.getTimerCount()).toBe(0);
  });
});
