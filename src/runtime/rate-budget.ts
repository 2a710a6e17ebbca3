/**
 * A per-minute budget (requests or tokens) as a token bucket refilled continuously. A call takes its
 * cost before it is sent and waits, first in first out, while the bucket is short; `settle` corrects an
 * estimate once the real cost is known. The bucket holds ten seconds' worth, so a cold start cannot
 * burst a whole minute's quota at once.
 */
import { sleep } from './backoff.js';

export class RateBudget {
  private available: number;
  private updatedAt: number;
  private readonly capacity: number;
  private readonly perMs: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perMinute > 0)) throw new Error(`a per-minute budget must be positive, got ${perMinute}`);
    this.capacity = Math.max(1, perMinute / 6);
    this.perMs = perMinute / 60_000;
    this.available = this.capacity;
    this.updatedAt = now();
  }

  private refill(): void {
    const now = this.now();
    this.available = Math.min(this.capacity, this.available + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
  }

  /** What `take(amount)` charges: `amount` capped at the bucket size (settle a call against this, not the estimate). */
  charged(amount: number): number {
    return Math.min(amount, this.capacity);
  }

  /** Milliseconds until `amount` is available (0 when it is now). */
  waitFor(amount: number): number {
    this.refill();
    const needed = this.charged(amount) - this.available;
    return needed <= 0 ? 0 : Math.ceil(needed / this.perMs);
  }

  /** Takes `amount` (capped at the bucket size, so one huge call cannot wait forever), waiting in turn. */
  take(amount: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const turn = this.queue.then(async () => {
      if (signal?.aborted) throw signal.reason; // gave up while queued: consume nothing
      for (let wait = this.waitFor(amount); wait > 0; wait = this.waitFor(amount)) await sleep(wait, signal);
      this.available -= this.charged(amount);
    });
    this.queue = turn.catch(() => {});
    if (!signal) return turn;
    // A caller that gives up while queued behind others is told at once, not when its turn comes.
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      turn.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Adds back (positive) or charges (negative) the difference between an estimate and the real cost. */
  settle(difference: number): void {
    this.refill();
    this.available = Math.min(this.capacity, this.available + difference);
  }
}
