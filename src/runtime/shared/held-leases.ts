/**
 * The Redis leases one process holds, kept alive: while any is held, `refresh` is called with all of them every third
 * of the lease length (one script extends them on the Redis server's clock). A lease given back is no longer
 * refreshed, and the timer stops when none is held. A lease held longer than `maxHoldMs` is no longer refreshed
 * either (it then expires on Redis one lease length later): a release that never comes — a bug, a lost callback —
 * costs a slot for that long at most, not forever. `clear` forgets them all (a closing process): they then expire on
 * Redis by themselves. Used by shared-concurrency.ts (slot leases) and shared-inflight.ts (dedup leases).
 */
export class HeldLeases {
  /** Each lease held, with when it was taken (performance.now()). */
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly leaseMs: number,
    private readonly refresh: (leases: string[]) => void,
    private readonly maxHoldMs: number = Number.POSITIVE_INFINITY,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(lease: string): void {
    this.held.set(lease, this.now());
    if (this.timer) return;
    this.timer = setInterval(() => this.refreshHeld(), Math.max(1, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops refreshing `lease`; false when it was not held (already given back, or held too long). */
  delete(lease: string): boolean {
    const held = this.held.delete(lease);
    if (this.held.size === 0) this.stop();
    return held;
  }

  get size(): number {
    return this.held.size;
  }

  clear(): void {
    this.held.clear();
    this.stop();
  }

  private refreshHeld(): void {
    const oldest = this.now() - this.maxHoldMs;
    for (const [lease, since] of this.held) if (since < oldest) this.held.delete(lease);
    if (this.held.size === 0) return this.stop();
    this.refresh([...this.held.keys()]);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
