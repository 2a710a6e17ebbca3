/**
 * SharedInflight against a real redis-server, two processes (two shared states): the first claim of a key takes its
 * lease, the second waits for the holder's verdict; a lease released without a verdict, or expired with its holder,
 * passes to the waiter; a stored verdict answers at once; a waiter gives up with its signal; Redis down → local.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { useRedisServer } from '../../../test/support/use-redis-server.js';
import type { JudgeReply } from '../../models/judge-model.js';
import { SharedState } from './shared-state.js';

const redis = useRedisServer();

const states: SharedState[] = [];
afterEach(() => {
  for (const state of states.splice(0)) state.close();
});

async function shared(leaseMs = 5000): Promise<SharedState> {
  const state = await SharedState.open({
    url: redis.url,
    prefix: 'rk',
    leaseMs,
    pollMs: 10,
    cacheTtlMs: 60_000,
    log: () => {},
    random: () => 0,
  });
  states.push(state);
  return state;
}

const REPLY: JudgeReply = { text: '{"score": 4}', finishReason: 'stop', usage: { input_tokens: 11, output_tokens: 4 } };

describe('SharedInflight', () => {
  it('the first process takes the lease; the second waits and gets its verdict once stored', async () => {
    const [a, b] = await Promise.all([shared(), shared()]);
    const first = await a.inflight.claim('k1');
    expect(first.kind).toBe('holder');
    expect(redis.cli('GET', 'rk:lease:k1')).toBe(a.owner);
    const second = b.inflight.claim('k1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (first.kind === 'holder') first.lease.complete(REPLY);
    expect(await second).toEqual({ kind: 'verdict', reply: REPLY, waited: true });
    expect(redis.cli('EXISTS', 'rk:lease:k1')).toBe('0');
    expect(JSON.parse(redis.cli('GET', 'rk:cache:k1'))).toEqual({ v: 1, ...REPLY });
    const ttl = Number(redis.cli('PTTL', 'rk:cache:k1'));
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // a stored verdict answers the next claim at once
    expect(await b.inflight.claim('k1')).toEqual({ kind: 'verdict', reply: REPLY, waited: false });
    expect([a.stats().cache_hits, b.stats().cache_hits, b.stats().inflight_joins]).toEqual([0, 1, 1]);
  });

  it('a lease released without a verdict passes to the waiter, which calls the judge itself', async () => {
    const [a, b] = await Promise.all([shared(), shared()]);
    const first = await a.inflight.claim('k2');
    const second = b.inflight.claim('k2');
    await new Promise((resolve) => setTimeout(resolve, 30));
    if (first.kind === 'holder') first.lease.release();
    const claimed = await second;
    expect(claimed.kind).toBe('holder');
    expect(redis.cli('GET', 'rk:lease:k2')).toBe(b.owner);
  });

  it('a reply never accepted as a verdict frees the key after the grace period', async () => {
    const [a, b] = await Promise.all([shared(), shared()]);
    const first = await a.inflight.claim('k3');
    if (first.kind === 'holder') first.lease.awaitVerdict(100);
    const started = performance.now();
    const claimed = await b.inflight.claim('k3');
    expect(claimed.kind).toBe('holder');
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('a holder that dies: its lease is refreshed no more and expires, and the waiter takes it', async () => {
    const [a, b] = await Promise.all([shared(400), shared(400)]);
    const first = await a.inflight.claim('k4');
    expect(first.kind).toBe('holder');
    await new Promise((resolve) => setTimeout(resolve, 800)); // refreshed: still held after two lease lengths
    expect(redis.cli('GET', 'rk:lease:k4')).toBe(a.owner);
    a.close(); // dies
    const diedAt = performance.now();
    const claimed = await b.inflight.claim('k4');
    expect(claimed.kind).toBe('holder');
    expect(performance.now() - diedAt).toBeLessThan(600);
    expect(redis.cli('GET', 'rk:lease:k4')).toBe(b.owner);
  });

  it('a waiter whose caller gives up stops at once', async () => {
    const [a, b] = await Promise.all([shared(), shared()]);
    await a.inflight.claim('k5');
    const controller = new AbortController();
    const waiting = b.inflight.claim('k5', controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await waiting).toEqual({ kind: 'gave_up' });
  });

  it('an entry in another shape is not a verdict: the claim says to call the judge', async () => {
    const state = await shared();
    redis.cli('SET', 'rk:cache:k6', '{"v":2,"text":1}');
    expect(await state.inflight.claim('k6')).toEqual({ kind: 'local' });
  });

  it('Redis down: the claim says to call the judge without a lease', async () => {
    const other = await startRedisServer();
    const state = await SharedState.open({ url: other.url, log: () => {} });
    states.push(state);
    await other.kill();
    expect(await state.inflight.claim('k7')).toEqual({ kind: 'local' });
    expect(state.stats()).toMatchObject({ up: false, outages: 1, fallbacks: { inflight: 1 } });
  });
});
