/**
 * RedisLink against a real redis-server (test/support/redis-server.ts): an operation reaches Redis or reports that it
 * did not, never throws and never waits past the command timeout; an outage — killed, paused (SIGSTOP), never there —
 * is one warning line and a fallback count per operation; the link comes back by itself with one line.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/support/closed-port.js';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { useRedisServer } from '../../../test/support/use-redis-server.js';
import { RedisLink, type RedisLogLevel } from './redis-link.js';
import { redactedUrl, redisUrlProblem } from './redis-url.js';

const redis = useRedisServer({ flushBeforeEach: false });

const links: RedisLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) link.close();
});

async function openLink(options: { commandTimeoutMs?: number; url?: string; connectTimeoutMs?: number } = {}) {
  const lines: Array<[RedisLogLevel, string]> = [];
  const link = await RedisLink.open({
    url: options.url ?? redis.url,
    commandTimeoutMs: options.commandTimeoutMs ?? 200,
    connectTimeoutMs: options.connectTimeoutMs ?? 1000,
    probeIntervalMs: 50,
    log: (level, line) => lines.push([level, line]),
  });
  links.push(link);
  return { link, lines };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RedisLink', () => {
  it('reaches Redis while it answers, and counts nothing as a fallback', async () => {
    const { link, lines } = await openLink();
    expect(link.up).toBe(true);
    expect(await link.attempt('cache_set', (client) => client.set('rk-test:link', 'v'))).toEqual({ reached: true, value: 'OK' });
    expect(await link.attempt('cache_get', (client) => client.get('rk-test:link'))).toEqual({ reached: true, value: 'v' });
    expect(link.stats()).toEqual({
      up: true,
      outages: 0,
      reconnects: 0,
      fallbacks: { cache_get: 0, cache_set: 0, budget: 0, concurrency: 0, inflight: 0, lease_refresh: 0 },
    });
    expect(lines).toEqual([]);
  });

  it('killed: one warning, every operation falls back at once; restarted: back by itself with one line', async () => {
    const { link, lines } = await openLink();
    await redis.kill();
    const started = performance.now();
    const results = await Promise.all([1, 2, 3].map(() => link.attempt('budget', (client) => client.ping())));
    expect(results).toEqual([{ reached: false }, { reached: false }, { reached: false }]);
    expect(performance.now() - started).toBeLessThan(200);
    expect(await link.attempt('inflight', (client) => client.ping())).toEqual({ reached: false });
    expect(link.up).toBe(false);
    expect(lines.length).toBe(1);
    expect(lines[0]![0]).toBe('warn');
    expect(lines[0]![1]).toMatch(
      new RegExp(`^redis ${redis.url} unreachable \\(.+\\): each process uses its own judge cache and limits until it answers again$`),
    );
    expect(link.stats()).toMatchObject({ up: false, outages: 1, fallbacks: { budget: 3, inflight: 1 } });

    await redis.restart();
    await waitUntil(() => link.up);
    expect(lines.length).toBe(2);
    expect(lines[1]![0]).toBe('info');
    expect(lines[1]![1]).toMatch(
      new RegExp(`^redis ${redis.url} reconnected after \\d+\\.\\d s: sharing the judge cache, budgets and calls in flight again$`),
    );
    expect(await link.attempt('cache_get', (client) => client.ping())).toEqual({ reached: true, value: 'PONG' });
    expect(link.stats()).toMatchObject({ up: true, outages: 1, reconnects: 1 });
  });

  it('paused (answers nothing): the operation in flight falls back within the command timeout; resumed: back up', async () => {
    const { link, lines } = await openLink({ commandTimeoutMs: 150 });
    redis.pause();
    try {
      const started = performance.now();
      expect(await link.attempt('cache_get', (client) => client.get('rk-test:paused'))).toEqual({ reached: false });
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(140);
      expect(waited).toBeLessThan(400);
      // one timeout is not yet an outage: the link confirms with a PING, which times out too — down now
      expect(link.up).toBe(true);
      await waitUntil(() => !link.up);
      // the next operation does not wait at all
      const again = performance.now();
      expect(await link.attempt('cache_get', (client) => client.get('rk-test:paused'))).toEqual({ reached: false });
      expect(performance.now() - again).toBeLessThan(100); // not the 150 ms timeout
      expect(lines.map(([level, line]) => [level, line.replace(/\(.*\)/, '(…)')])).toEqual([
        ['warn', `redis ${redis.url} unreachable (…): each process uses its own judge cache and limits until it answers again`],
      ]);
    } finally {
      redis.resume();
    }
    await waitUntil(() => link.up);
    expect(lines.length).toBe(2);
    expect(link.stats().fallbacks.cache_get).toBe(2);
  });

  it('one command timed out by a stalled event loop is not an outage: a PING confirms Redis answers, the link stays up', async () => {
    const { link, lines } = await openLink({ commandTimeoutMs: 200 });
    const pending = link.attempt('cache_get', (client) => client.get('rk-test:stall'));
    const until = Date.now() + 400;
    while (Date.now() < until); // the process itself stalls past the command timeout
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(link.up).toBe(true);
    expect(link.stats().outages).toBe(0);
    expect(lines).toEqual([]);
  });

  it('a write owed while Redis was down is sent once the link is back', async () => {
    const { link } = await openLink({ commandTimeoutMs: 100 });
    redis.pause();
    try {
      link.deliver('inflight', (client) => client.set('rk-test:owed', 'v'));
      await waitUntil(() => !link.up);
      expect(link.owedCount).toBe(1);
    } finally {
      redis.resume();
    }
    await waitUntil(() => link.up);
    await waitUntil(() => redis.cli('GET', 'rk-test:owed') === 'v');
    expect(link.owedCount).toBe(0);
  });

  it('a Redis that is not there: starts on the local path at the first refusal, not after the connect timeout, with one warning', async () => {
    const port = await closedPort();
    const url = `redis://127.0.0.1:${port}`;
    const started = performance.now();
    const { link, lines } = await openLink({ url, connectTimeoutMs: 2000 });
    expect(performance.now() - started).toBeLessThan(500);
    expect(link.up).toBe(false);
    expect(lines).toEqual([
      [
        'warn',
        `redis ${url} unreachable (connect ECONNREFUSED 127.0.0.1:${port}): each process uses its own judge cache and limits until it answers again`,
      ],
    ]);
    expect(await link.attempt('cache_get', (client) => client.ping())).toEqual({ reached: false });
  });

  it('an error reply is not an outage: that operation falls back, logged once per operation and message', async () => {
    const { link, lines } = await openLink();
    await link.attempt('cache_set', (client) => client.set('rk-test:text', 'a'));
    const wrongType = () => link.attempt('cache_get', (client) => client.hget('rk-test:text', 'field'));
    expect(await wrongType()).toEqual({ reached: false });
    expect(await wrongType()).toEqual({ reached: false });
    expect(link.up).toBe(true);
    expect(lines).toEqual([
      [
        'warn',
        `redis ${redis.url}: cache_get failed (WRONGTYPE Operation against a key holding the wrong kind of value); that operation uses the local path`,
      ],
    ]);
    expect(link.stats().fallbacks.cache_get).toBe(2);
  });

  it('a failover behind one endpoint: the connection left on the demoted primary gets READONLY, reconnects and finds the new primary', async () => {
    // the endpoint (as ElastiCache's primary endpoint): a TCP forwarder whose new connections go to the current primary
    const replica = await startRedisServer();
    let primaryPort = redis.port;
    const sockets: Socket[] = [];
    const endpoint = createServer((socket) => {
      const upstream = connect(primaryPort, '127.0.0.1');
      sockets.push(socket, upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const url = `redis://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    try {
      const { link, lines } = await openLink({ url });
      expect(await link.attempt('cache_set', (client) => client.set('rk-test:failover', 'before'))).toEqual({ reached: true, value: 'OK' });
      // failover: the replica is promoted, the old primary becomes its replica, the endpoint points at the new one
      redis.cli('REPLICAOF', '127.0.0.1', String(replica.port));
      primaryPort = replica.port;
      // the write caught on the old primary falls back (never an error to the caller) and makes ioredis reconnect
      expect(await link.attempt('cache_set', (client) => client.set('rk-test:failover', 'during'))).toEqual({ reached: false });
      await waitUntil(() => link.stats().reconnects === 1);
      expect(await link.attempt('cache_set', (client) => client.set('rk-test:failover', 'after'))).toEqual({ reached: true, value: 'OK' });
      expect(replica.cli('GET', 'rk-test:failover')).toBe('after');
      expect(link.stats()).toMatchObject({ up: true, outages: 1, reconnects: 1, fallbacks: { cache_set: 1 } });
      expect(lines.map(([level, line]) => `${level} ${line.replace(/after [0-9.]+ s/, 'after N s')}`)).toEqual([
        `warn redis ${url}: cache_set failed (READONLY You can't write against a read only replica.); that operation uses the local path`,
        `warn redis ${url} unreachable (connection lost): each process uses its own judge cache and limits until it answers again`,
        `info redis ${url} reconnected after N s: sharing the judge cache, budgets and calls in flight again`,
      ]);
    } finally {
      redis.cli('REPLICAOF', 'NO', 'ONE');
      redis.cli('FLUSHALL');
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => endpoint.close(resolve));
      await replica.stop();
    }
  });
});

describe('Redis URLs', () => {
  it.each([
    ['redis://127.0.0.1:6379', undefined],
    ['rediss://user:secret@cache.example.com:6380/2', undefined],
    ['redis://cache', undefined],
    ['http://127.0.0.1:6379', 'expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "http://127.0.0.1:6379"'],
    ['127.0.0.1:6379', 'expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "127.0.0.1:6379"'],
    ['localhost', 'expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "localhost"'],
    [
      'redis://:hunter2@host:6379/cache',
      'expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "redis://:***@host:6379/cache" (the path must be a database number)',
    ],
    ['user:pw@host', 'expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got a value that is not a URL'],
  ])('%s → %s', (url, problem) => {
    expect(redisUrlProblem(url)).toBe(problem);
  });

  it('logs show a URL without its password', () => {
    expect(redactedUrl('redis://user:hunter2@10.0.0.5:6379/1')).toBe('redis://user:***@10.0.0.5:6379/1');
    expect(redactedUrl('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
  });
});
