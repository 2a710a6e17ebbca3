/**
 * A circuit breaker per judge endpoint. After `failures` consecutive connection/5xx/timeout failures the
 * circuit opens: calls wait (they don't burn their retries on a dead endpoint) for `cooldownMs`; then one
 * probe call goes through. Its success closes the circuit and releases the waiters; its failure re-opens it
 * for twice as long (up to 4 × cooldownMs and 60 s), so a long outage costs few probes yet recovery is
 * noticed soon after the endpoint is back.
 * A call waits at most `maxWaitMs` (or until its own deadline) before it fails as unavailable.
 */
import { sleep } from './backoff.js';

const MAX_COOLDOWN_MS = 60_000;

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failures: number;
  cooldownMs: number;
  maxWaitMs: number;
  now?: () => number;
}

export class CircuitOpenError extends Error {
  constructor(waitedMs: number) {
    super(`judge endpoint unavailable: circuit open, waited ${waitedMs} ms`);
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt = 0;
  private state_: CircuitState = 'closed';
  private probeInFlight = false;
  private cooldownMs: number;
  private readonly now: () => number;
  /** How many times the circuit has opened (for metrics). */
  opened = 0;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.cooldownMs = options.cooldownMs;
  }

  get state(): CircuitState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= this.cooldownMs) return 'half-open';
    return this.state_;
  }

  /**
   * Resolves when a call may go: true when it is the half-open probe. Throws CircuitOpenError after
   * maxWaitMs, or the signal's reason when it aborts first.
   */
  async admit(signal?: AbortSignal): Promise<boolean> {
    const started = this.now();
    for (;;) {
      const state = this.state;
      if (state === 'closed') return false;
      if (state === 'half-open' && !this.probeInFlight) {
        this.probeInFlight = true;
        return true;
      }
      const waited = this.now() - started;
      if (waited >= this.options.maxWaitMs) throw new CircuitOpenError(Math.round(waited));
      const untilProbe = state === 'open' ? this.cooldownMs - (this.now() - this.openedAt) : 50;
      await sleep(Math.max(10, Math.min(untilProbe, this.options.maxWaitMs - waited, 250)), signal);
    }
  }

  /** Gives the probe slot back when the probe call was never sent (its caller gave up while queued). */
  cancelProbe(): void {
    this.probeInFlight = false;
  }

  /** Records a call's outcome. `endpointFailure`: the endpoint itself failed (network, 5xx, timeout). */
  record(endpointFailure: boolean, wasProbe: boolean): void {
    if (wasProbe) this.probeInFlight = false;
    if (!endpointFailure) {
      this.consecutiveFailures = 0;
      this.state_ = 'closed';
      this.cooldownMs = this.options.cooldownMs;
      return;
    }
    this.consecutiveFailures++;
    if (wasProbe || (this.state_ === 'closed' && this.consecutiveFailures >= this.options.failures)) {
      if (wasProbe) this.cooldownMs = Math.min(MAX_COOLDOWN_MS, 4 * this.options.cooldownMs, this.cooldownMs * 2);
      if (this.state_ !== 'open' || wasProbe) this.opened++;
      this.state_ = 'open';
      this.openedAt = this.now();
    }
  }
}
