/**
 * A fixed concurrency limit: at most `limit` holders at once, waiters served first in, first out — the
 * adaptive limiter with adaptation off (one semaphore in the codebase), plus `run` for a task under a slot.
 * For embedding and tests; judge models use the adaptive one through their admission (model-admission.ts).
 */
import { AdaptiveConcurrency } from './adaptive-concurrency.js';

export class ConcurrencyLimiter extends AdaptiveConcurrency {
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit must be a positive integer, got ${limit}`);
    super({ max: limit, adaptive: false });
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}
