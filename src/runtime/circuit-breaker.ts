/**
 * A circuit breaker per judge endpoint. After `failures` consecutive connection/5xx/timeout failures the
 * circuit opens: calls wait (they don't burn their retries on a dead endpoint) for `cooldownMs`; then one
 * probe call goes through. Its success closes the circuit and releases the waiters; its failure re-opens it
 * for twice as long (up to 4 × cooldownMs and 60 s), so a long outage costs few probes yet recovery is
 * noticed soon after the endpoint is back.
 * A call waits at most `maxWaitMs` (or until its own deadline). Once the circuit has been open for longer
 * than `maxWaitMs` without a successful probe, the endpoint counts as dead: calls fail at once instead of
 * waiting, until a probe (the first call after each cooldown) succeeds. Every CircuitOpenError names the last
 * real failure, so a dead judge is reported as what it is (HTTP 500, refused connection, …).
 */
import { RewardkitError } from '../rewardkit-error.js';
import type { ErrorKind } from '../result.js';
import { sleep } from './backoff.js';

const MAX_COOLDOWN_MS = 60_000;

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failures: number;
  cooldownMs: number;
  maxWaitMs: number;
  now?: () => number;
}

/** A failed call as the breaker remembers it. */
export interface EndpointFailure {
  kind: ErrorKind;
  message: string;
  status?: number;
  body?: string;
}

const CIRCUIT_OPEN_ERROR = 'rewardkit.error.CircuitOpenError';
const CIRCUIT_OPEN_ERROR_SYMBOL = Symbol.for(CIRCUIT_OPEN_ERROR);

/** Thrown by `admit` when a call may not go to a dead or still-open endpoint; names its last real failure. */
export class CircuitOpenError extends RewardkitError {
  private readonly [CIRCUIT_OPEN_ERROR_SYMBOL] = true;

  constructor(
    message: string,
    /** The last real failure of the endpoint, when one was recorded. */
    readonly lastFailure?: EndpointFailure,
  ) {
    super(message);
    this.name = 'CircuitOpenError';
  }

  static override isInstance(error: unknown): error is CircuitOpenError {
    return RewardkitError.hasMarker(error, CIRCUIT_OPEN_ERROR);
  }
}

export class CircuitBreaker {
  private consecutiveFailures = 0;
  /** The kind shared by every consecutive failure, or null when they were of mixed kinds. */
  private streakKind: ErrorKind | null = null;
  private lastFailure: EndpointFailure | undefined;
  private openedAt = 0;
  /** When the current outage began: the first opening since the last success. */
  private outageStartedAt = 0;
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

  /** The endpoint's last real failure (kind, message, HTTP status and body), if any. */
  get lastEndpointFailure(): EndpointFailure | undefined {
    return this.lastFailure;
  }

  /** True once the circuit has been open longer than maxWaitMs with no successful probe: calls fail at once. */
  get failingFast(): boolean {
    return this.state_ === 'open' && this.now() - this.outageStartedAt >= this.options.maxWaitMs;
  }

  /** Why the circuit is open, e.g. "circuit open after 5 consecutive server_error (HTTP 500: …)". */
  describe(): string {
    const last = this.lastFailure;
    if (!last) return 'circuit open';
    const what = this.streakKind
      ? `${this.consecutiveFailures} consecutive ${last.kind}`
      : `${this.consecutiveFailures} consecutive failures, the last ${last.kind}`;
    return `circuit open after ${what} (${failureText(last)})`;
  }

  /**
   * Resolves when a call may go: true when it is the half-open probe. Throws CircuitOpenError at once while
   * failing fast, or after maxWaitMs; the signal's reason when it aborts first.
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
      if (this.failingFast) {
        const openFor = duration(this.now() - this.outageStartedAt);
        throw new CircuitOpenError(`${this.describe()}; open for ${openFor}, failing fast until a probe succeeds`, this.lastFailure);
      }
      const waited = this.now() - started;
      if (waited >= this.options.maxWaitMs)
        throw new CircuitOpenError(`${this.describe()}; waited ${Math.round(waited)} ms`, this.lastFailure);
      const untilProbe = state === 'open' ? this.cooldownMs - (this.now() - this.openedAt) : 50;
      const untilDead = this.options.maxWaitMs - (this.now() - this.outageStartedAt);
      await sleep(Math.max(10, Math.min(untilProbe, untilDead, this.options.maxWaitMs - waited, 250)), signal);
    }
  }

  /** Gives the probe slot back when the probe call was never sent (its caller gave up while queued). */
  cancelProbe(): void {
    this.probeInFlight = false;
  }

  /**
   * Records a call's outcome. `endpointFailure`: the endpoint itself failed (network, 5xx, timeout), and
   * `failure` says how (kept for the CircuitOpenError messages).
   */
  record(endpointFailure: boolean, wasProbe: boolean, failure?: EndpointFailure): void {
    if (wasProbe) this.probeInFlight = false;
    if (!endpointFailure) {
      this.consecutiveFailures = 0;
      this.streakKind = null;
      this.state_ = 'closed';
      this.cooldownMs = this.options.cooldownMs;
      return;
    }
    if (failure) {
      this.streakKind = this.consecutiveFailures === 0 || this.streakKind === failure.kind ? failure.kind : null;
      this.lastFailure = failure;
    }
    this.consecutiveFailures++;
    if (wasProbe || (this.state_ === 'closed' && this.consecutiveFailures >= this.options.failures)) {
      if (wasProbe) this.cooldownMs = Math.min(MAX_COOLDOWN_MS, 4 * this.options.cooldownMs, this.cooldownMs * 2);
      if (this.state_ === 'closed') this.outageStartedAt = this.now();
      if (this.state_ !== 'open' || wasProbe) this.opened++;
      this.state_ = 'open';
      this.openedAt = this.now();
    }
  }
}

/** "HTTP 500: upstream failed" for an HTTP failure, else the failure's own message. */
function failureText(failure: EndpointFailure): string {
  if (failure.status === undefined) return failure.message;
  const prefix = `${failure.status}: `;
  return `HTTP ${failure.status}: ${failure.message.startsWith(prefix) ? failure.message.slice(prefix.length) : failure.message}`;
}

function duration(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}
