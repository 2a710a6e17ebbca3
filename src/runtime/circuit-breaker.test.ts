/**
 * CircuitBreaker: opening after consecutive endpoint failures, waiting while open, the single half-open
 * probe, failing fast once the circuit has been open maxWaitMs (until a probe succeeds), and messages that
 * name the last real failure. Fake timers drive both the waits and the injected clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions, type EndpointFailure } from './circuit-breaker.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function breaker(options: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
  return new CircuitBreaker({ failures: 3, cooldownMs: 1000, maxWaitMs: 60_000, now: () => Date.now(), ...options });
}

/** Starts an admit and records in `log` how it ended: "name: probe", "name: go" or "name: <error>". */
function admitInto(circuit: CircuitBreaker, log: string[], name: string, signal?: AbortSignal): Promise<void> {
  return circuit.admit(signal).then(
    (probe) => void log.push(`${name}: ${probe ? 'probe' : 'go'}`),
    (error: Error) => void log.push(`${name}: ${error.name} ${error.message}`),
  );
}

const HTTP_500 = { kind: 'server_error' as const, message: '500: upstream down', status: 500, body: '{"error": "upstream down"}' };

function fail(circuit: CircuitBreaker, times: number, failure: EndpointFailure = HTTP_500): void {
  for (let i = 0; i < times; i++) circuit.record(true, false, failure);
}

describe('CircuitBreaker opening', () => {
  it('starts closed and admits at once, not as a probe', async () => {
    const circuit = breaker();
    expect(circuit.state).toBe('closed');
    await expect(circuit.admit()).resolves.toBe(false);
    expect(circuit.opened).toBe(0);
  });

  it('stays closed after failures - 1 consecutive endpoint failures', async () => {
    const circuit = breaker({ failures: 3 });
    fail(circuit, 2);
    expect(circuit.state).toBe('closed');
    expect(circuit.opened).toBe(0);
    await expect(circuit.admit()).resolves.toBe(false);
  });

  it('opens on the Nth consecutive endpoint failure and counts the opening', () => {
    const circuit = breaker({ failures: 3 });
    fail(circuit, 3);
    expect(circuit.state).toBe('open');
    expect(circuit.opened).toBe(1);
  });

  it('a success resets the consecutive-failure count', () => {
    const circuit = breaker({ failures: 3 });
    fail(circuit, 2);
    circuit.record(false, false);
    fail(circuit, 2);
    expect(circuit.state).toBe('closed');
    fail(circuit, 1);
    expect(circuit.state).toBe('open');
  });

  it('reports half-open once the cooldown has passed since opening', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    await vi.advanceTimersByTimeAsync(999);
    expect(circuit.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(circuit.state).toBe('half-open');
  });

  it('late failures of calls already in flight neither count a new opening nor restart the cooldown', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    await vi.advanceTimersByTimeAsync(500);
    fail(circuit, 3);
    expect(circuit.opened).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(circuit.state).toBe('half-open');
  });
});

describe('CircuitBreaker while open', () => {
  it('makes admit wait for the cooldown, then admits it as the probe', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    const log: string[] = [];
    void admitInto(circuit, log, 'a');
    await vi.advanceTimersByTimeAsync(999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['a: probe']);
  });

  it('admits exactly one probe; the others keep waiting while it is in flight', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    const log: string[] = [];
    void admitInto(circuit, log, 'a');
    void admitInto(circuit, log, 'b');
    void admitInto(circuit, log, 'c');
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(['a: probe']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(['a: probe']);
    expect(circuit.state).toBe('half-open');
  });

  it('closes on the probe success and releases the waiters as ordinary calls', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    const log: string[] = [];
    void admitInto(circuit, log, 'a');
    void admitInto(circuit, log, 'b');
    void admitInto(circuit, log, 'c');
    await vi.advanceTimersByTimeAsync(1000);
    circuit.record(false, true);
    expect(circuit.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(50); // waiters poll every 50 ms while half-open
    expect(log).toEqual(['a: probe', 'b: go', 'c: go']);
    await expect(circuit.admit()).resolves.toBe(false);
    expect(circuit.opened).toBe(1);
  });

  it('re-opens on the probe failure, counts it, and admits the next probe after twice the cooldown', async () => {
    const circuit = breaker({ failures: 3, cooldownMs: 1000 });
    fail(circuit, 3);
    const log: string[] = [];
    void admitInto(circuit, log, 'a');
    void admitInto(circuit, log, 'b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(['a: probe']);
    circuit.record(true, true); // re-opened at t = 1000 for 2000 ms
    expect(circuit.state).toBe('open');
    expect(circuit.opened).toBe(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(log).toEqual(['a: probe']);
    expect(circuit.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(circuit.state).toBe('half-open');
    expect(log).toEqual(['a: probe', 'b: probe']);
  });

  /** Checks the circuit stays open exactly `ms` from now, then takes the probe. */
  async function expectOpenFor(circuit: CircuitBreaker, ms: number): Promise<void> {
    await vi.advanceTimersByTimeAsync(ms - 1);
    expect(circuit.state).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(circuit.state).toBe('half-open');
    expect(await circuit.admit()).toBe(true);
  }

  it('doubles the cooldown on each failed probe, up to 4 × cooldownMs', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    await expectOpenFor(circuit, 1000);
    circuit.record(true, true);
    await expectOpenFor(circuit, 2000);
    circuit.record(true, true);
    await expectOpenFor(circuit, 4000);
    circuit.record(true, true);
    await expectOpenFor(circuit, 4000);
    expect(circuit.opened).toBe(4);
  });

  it('caps the doubled cooldown at 60 s', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 20_000, maxWaitMs: 600_000 });
    fail(circuit, 1);
    await expectOpenFor(circuit, 20_000);
    circuit.record(true, true);
    await expectOpenFor(circuit, 40_000);
    circuit.record(true, true);
    await expectOpenFor(circuit, 60_000);
  });

  it('returns to the configured cooldown once a probe succeeds', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    await expectOpenFor(circuit, 1000);
    circuit.record(true, true);
    await expectOpenFor(circuit, 2000);
    circuit.record(false, true);
    expect(circuit.state).toBe('closed');
    fail(circuit, 1);
    await expectOpenFor(circuit, 1000);
  });

  it('counts every opening: failures, failed probe, then failures again after a close', async () => {
    const circuit = breaker({ failures: 2, cooldownMs: 100 });
    fail(circuit, 2);
    await vi.advanceTimersByTimeAsync(100);
    expect(await circuit.admit()).toBe(true);
    circuit.record(true, true);
    await vi.advanceTimersByTimeAsync(200);
    expect(await circuit.admit()).toBe(true);
    circuit.record(false, true);
    expect(circuit.state).toBe('closed');
    expect(circuit.opened).toBe(2);
    fail(circuit, 1);
    expect(circuit.state).toBe('closed');
    fail(circuit, 1);
    expect(circuit.state).toBe('open');
    expect(circuit.opened).toBe(3);
  });

  it('fails a waiting call with CircuitOpenError once the circuit has been open maxWaitMs', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 10_000, maxWaitMs: 3000 });
    fail(circuit, 1);
    const log: string[] = [];
    const done = admitInto(circuit, log, 'a');
    await vi.advanceTimersByTimeAsync(2999);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(log).toEqual([
      'a: CircuitOpenError circuit open after 1 consecutive server_error (HTTP 500: upstream down); open for 3000 ms, failing fast until a probe succeeds',
    ]);
  });

  it('throws an instance of CircuitOpenError', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 10_000, maxWaitMs: 100 });
    fail(circuit, 1);
    const admitted = circuit.admit();
    const assertion = expect(admitted).rejects.toBeInstanceOf(CircuitOpenError);
    await vi.advanceTimersByTimeAsync(100);
    await assertion;
  });

  it('rejects with the signal reason when aborted while waiting', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 10_000 });
    fail(circuit, 1);
    const controller = new AbortController();
    const admitted = circuit.admit(controller.signal);
    await vi.advanceTimersByTimeAsync(300);
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(admitted).rejects.toBe(reason);
  });

  it('an aborted waiter does not take the probe', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000 });
    fail(circuit, 1);
    const controller = new AbortController();
    const log: string[] = [];
    void admitInto(circuit, log, 'aborted', controller.signal);
    void admitInto(circuit, log, 'b');
    controller.abort(new Error('deadline'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(['aborted: Error deadline', 'b: probe']);
  });
});

describe('CircuitBreaker failing fast once open longer than maxWaitMs', () => {
  it('fails calls at once, without waiting, once the circuit has been open maxWaitMs', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000, maxWaitMs: 5000 });
    fail(circuit, 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await circuit.admit()).toBe(true); // the probe
    circuit.record(true, true, HTTP_500); // fails: open for 2000 ms more (t = 1000 → 3000)
    await vi.advanceTimersByTimeAsync(2000);
    expect(await circuit.admit()).toBe(true); // the next probe, at t = 3000
    circuit.record(true, true, HTTP_500); // open until t = 7000
    await vi.advanceTimersByTimeAsync(1999); // t = 4999: not yet failing fast, a call waits
    expect(circuit.failingFast).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // t = 5000: open for maxWaitMs since the first opening
    expect(circuit.failingFast).toBe(true);
    const log: string[] = [];
    await admitInto(circuit, log, 'a'); // no timer advanced: it fails at once
    await admitInto(circuit, log, 'b');
    expect(log).toEqual([
      'a: CircuitOpenError circuit open after 3 consecutive server_error (HTTP 500: upstream down); open for 5000 ms, failing fast until a probe succeeds',
      'b: CircuitOpenError circuit open after 3 consecutive server_error (HTTP 500: upstream down); open for 5000 ms, failing fast until a probe succeeds',
    ]);
  });

  it('releases every waiter at once when the circuit turns dead, not one maxWaitMs each', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 60_000, maxWaitMs: 3000 });
    fail(circuit, 1);
    const log: string[] = [];
    await vi.advanceTimersByTimeAsync(2000);
    const late = admitInto(circuit, log, 'late'); // started 2 s into the outage
    await vi.advanceTimersByTimeAsync(1000);
    await late;
    expect(log).toEqual([
      'late: CircuitOpenError circuit open after 1 consecutive server_error (HTTP 500: upstream down); open for 3000 ms, failing fast until a probe succeeds',
    ]);
  });

  it('still lets a probe through on the backoff schedule, and its success ends the fast failing', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 1000, maxWaitMs: 500 });
    fail(circuit, 1);
    await vi.advanceTimersByTimeAsync(500);
    await expect(circuit.admit()).rejects.toBeInstanceOf(CircuitOpenError); // t = 500: dead, no probe due yet
    await vi.advanceTimersByTimeAsync(500); // t = 1000: a probe is due
    expect(await circuit.admit()).toBe(true);
    await expect(circuit.admit()).rejects.toBeInstanceOf(CircuitOpenError); // others fail while the probe is in flight
    circuit.record(true, true, HTTP_500); // probe fails: next probe at t = 3000
    await vi.advanceTimersByTimeAsync(1999);
    await expect(circuit.admit()).rejects.toBeInstanceOf(CircuitOpenError);
    await vi.advanceTimersByTimeAsync(1);
    expect(await circuit.admit()).toBe(true);
    circuit.record(false, true); // the endpoint is back
    expect(circuit.failingFast).toBe(false);
    await expect(circuit.admit()).resolves.toBe(false);
    fail(circuit, 1); // a new outage starts its own maxWaitMs
    const log: string[] = [];
    const waiting = admitInto(circuit, log, 'a');
    await vi.advanceTimersByTimeAsync(499);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(log).toEqual([
      'a: CircuitOpenError circuit open after 1 consecutive server_error (HTTP 500: upstream down); open for 500 ms, failing fast until a probe succeeds',
    ]);
  });

  it('carries the last real failure on the error', async () => {
    const circuit = breaker({ failures: 1, cooldownMs: 10_000, maxWaitMs: 100 });
    fail(circuit, 1);
    await vi.advanceTimersByTimeAsync(100);
    const error = await circuit.admit().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).lastFailure).toEqual(HTTP_500);
  });

  it('says "consecutive failures, the last …" when the failures were of different kinds', () => {
    const circuit = breaker({ failures: 2 });
    fail(circuit, 1, { kind: 'timeout', message: 'judge call timed out after 100 ms' });
    fail(circuit, 1, { kind: 'network_error', message: 'cannot reach http://127.0.0.1:9/v1: ECONNREFUSED' });
    expect(circuit.describe()).toBe(
      'circuit open after 2 consecutive failures, the last network_error (cannot reach http://127.0.0.1:9/v1: ECONNREFUSED)',
    );
  });
});
