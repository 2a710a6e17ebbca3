/**
 * A concurrency limit that adapts to the provider (AIMD, as in TCP congestion control). A 429 cuts it
 * multiplicatively, at most once per `decreaseIntervalMs` and never below `min`, by the share of calls
 * rate-limited since the last cut beyond a tolerance (factor 1 − (share − tolerance), at least 0.5). The
 * tolerance (10%) absorbs the stray 429s providers send even under quota — each is simply retried after
 * its Retry-After — while a provider rejecting half the calls still gets the concurrency halved. Each
 * success grows the limit by 1/limit — one more slot per round of successes — back up to `max`. A server
 * that says its quota is spent (rate-limit-remaining: 0) pauses new calls until its reset time.
 */
export interface AdaptiveOptions {
  max: number;
  min?: number;
  adaptive?: boolean;
  /** The deepest single cut (default 0.5). */
  minDecreaseFactor?: number;
  /** Share of rate-limited calls tolerated without a cut (default 0.1). */
  tolerance?: number;
  decreaseIntervalMs?: number;
  now?: () => number;
}

export class AdaptiveConcurrency {
  private current: number;
  private active = 0;
  /** Waiters in arrival order (a Set: O(1) to take the first and to drop one whose signal aborted, at any queue depth). */
  private readonly waiting = new Set<() => void>();
  private lastDecrease = -Infinity;
  private successesSinceCut = 0;
  private limitedSinceCut = 0;
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;
  private readonly min: number;
  private readonly now: () => number;

  constructor(private readonly options: AdaptiveOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new Error(`concurrency must be a positive integer, got ${options.max}`);
    this.current = options.max;
    this.min = Math.min(options.min ?? 1, options.max);
    this.now = options.now ?? (() => performance.now());
  }

  /** The current limit (whole slots). */
  get limit(): number {
    return Math.floor(this.current);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** Waits for a slot (rejecting with the signal's reason if it aborts first); returns its release. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.canStart()) this.active++;
    else {
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          this.waiting.delete(grant);
          reject(signal!.reason);
        };
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.add(grant);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  onSuccess(): void {
    if (this.options.adaptive === false) return;
    this.successesSinceCut++;
    this.current = Math.min(this.options.max, this.current + 1 / Math.max(1, this.current));
    this.drain();
  }

  onRateLimited(): void {
    if (this.options.adaptive === false) return;
    this.limitedSinceCut++;
    const now = this.now();
    if (now - this.lastDecrease < (this.options.decreaseIntervalMs ?? 1000)) return;
    const share = this.limitedSinceCut / (this.limitedSinceCut + this.successesSinceCut);
    const excess = share - (this.options.tolerance ?? 0.1);
    if (excess <= 0) return; // within tolerance: no cut, and the window keeps counting
    const factor = Math.max(this.options.minDecreaseFactor ?? 0.5, 1 - excess);
    this.current = Math.max(this.min, Math.floor(this.current * factor));
    this.lastDecrease = now;
    this.limitedSinceCut = 0;
    this.successesSinceCut = 0;
  }

  /** Holds every new call until `milliseconds` from now (the provider's quota reset). */
  pauseFor(milliseconds: number): void {
    const until = this.now() + milliseconds;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.schedule(milliseconds);
  }

  private canStart(): boolean {
    return this.now() >= this.pausedUntil && this.active < this.limit;
  }

  private drain(): void {
    for (const grant of this.waiting) {
      if (!this.canStart()) break;
      this.waiting.delete(grant);
      this.active++;
      grant();
    }
    // Timers may fire a hair before the clock reaches the pause's end: look again rather than strand waiters.
    const remaining = this.pausedUntil - this.now();
    if (this.waiting.size > 0 && remaining > 0) this.schedule(remaining);
  }

  private schedule(milliseconds: number): void {
    clearTimeout(this.pauseTimer);
    // Not unref'd: waiters depend on it, and an unref'd timer could let the process exit under them.
    this.pauseTimer = setTimeout(() => this.drain(), Math.ceil(milliseconds) + 1);
  }
}
