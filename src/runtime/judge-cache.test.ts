/**
 * JudgeCache: the SQLite-backed reply cache — round trips, hit/miss accounting, TTL expiry on an injected
 * clock, LRU trimming beyond maxEntries, and persistence of a file-backed cache across close/reopen.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { JudgeReply } from '../models/judge-model.js';
import { DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_CACHE_TTL_MS, JudgeCache } from './judge-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardkit-judge-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opened: JudgeCache[] = [];
afterEach(() => {
  for (const cache of opened.splice(0)) {
    try {
      cache.close();
    } catch {
      // already closed by the test
    }
  }
});

async function open(options: Parameters<typeof JudgeCache.open>[0]): Promise<JudgeCache> {
  const cache = await JudgeCache.open(options);
  opened.push(cache);
  return cache;
}

function manualClock(start = 0) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

const meta = { model: 'openai-compatible:fake', namespace: '' };

function reply(text: string, usage = { input_tokens: 12, output_tokens: 3 }): JudgeReply {
  return { text, finishReason: 'stop', usage };
}

describe('JudgeCache defaults', () => {
  it('keeps entries 30 days and at most a million by default', () => {
    expect(DEFAULT_CACHE_TTL_MS).toBe(2_592_000_000);
    expect(DEFAULT_CACHE_MAX_ENTRIES).toBe(1_000_000);
  });
});

describe('JudgeCache get/set', () => {
  it('returns what was stored: text, finish reason and usage', async () => {
    const cache = await open({ path: ':memory:' });
    cache.set('k1', { text: '{"score": 4}', finishReason: 'length', usage: { input_tokens: 120, output_tokens: 30 } }, meta);
    expect(cache.get('k1')).toEqual({ text: '{"score": 4}', finishReason: 'length', usage: { input_tokens: 120, output_tokens: 30 } });
  });

  it('does not store the response headers', async () => {
    const cache = await open({ path: ':memory:' });
    cache.set('k1', { ...reply('{}'), headers: { 'x-ratelimit-remaining-requests': '5' } }, meta);
    expect(cache.get('k1')).toEqual(reply('{}'));
  });

  it('returns undefined for an unknown key and counts a miss', async () => {
    const cache = await open({ path: ':memory:' });
    expect(cache.get('nope')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 0, hits: 0, misses: 1, writes: 0 });
  });

  it('replaces the entry on a second set of the same key', async () => {
    const cache = await open({ path: ':memory:' });
    cache.set('k', reply('first'), meta);
    cache.set('k', reply('second'), meta);
    expect(cache.get('k')).toEqual(reply('second'));
    expect(cache.stats()).toEqual({ entries: 1, hits: 1, misses: 0, writes: 2 });
  });

  it('keeps keys apart', async () => {
    const cache = await open({ path: ':memory:' });
    cache.set('a', reply('A'), meta);
    cache.set('b', reply('B'), meta);
    expect(cache.get('a')?.text).toBe('A');
    expect(cache.get('b')?.text).toBe('B');
  });

  it('counts entries, hits, misses and writes', async () => {
    const cache = await open({ path: ':memory:' });
    cache.set('a', reply('A'), meta);
    cache.set('b', reply('B'), meta);
    cache.get('a');
    cache.get('a');
    cache.get('b');
    cache.get('c');
    expect(cache.stats()).toEqual({ entries: 2, hits: 3, misses: 1, writes: 2 });
  });
});

describe('JudgeCache expiry', () => {
  it('serves an entry up to exactly ttlMs after it was written', async () => {
    const clock = manualClock(1000);
    const cache = await open({ path: ':memory:', ttlMs: 500, now: clock.now });
    cache.set('k', reply('x'), meta);
    clock.t = 1500;
    expect(cache.get('k')).toEqual(reply('x'));
  });

  it('misses on and deletes an entry older than ttlMs', async () => {
    const clock = manualClock(1000);
    const cache = await open({ path: ':memory:', ttlMs: 500, now: clock.now });
    cache.set('k', reply('x'), meta);
    clock.t = 1501;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.stats()).toEqual({ entries: 0, hits: 0, misses: 1, writes: 1 });
  });

  it('counts age from the write, not from the last read', async () => {
    const clock = manualClock(0);
    const cache = await open({ path: ':memory:', ttlMs: 500, now: clock.now });
    cache.set('k', reply('x'), meta);
    clock.t = 400;
    expect(cache.get('k')).toEqual(reply('x'));
    clock.t = 501;
    expect(cache.get('k')).toBeUndefined();
  });

  it('evict() drops every expired entry and keeps the fresh ones', async () => {
    const clock = manualClock(0);
    const cache = await open({ path: ':memory:', ttlMs: 1000, now: clock.now });
    cache.set('old1', reply('1'), meta);
    cache.set('old2', reply('2'), meta);
    clock.t = 800;
    cache.set('fresh', reply('3'), meta);
    clock.t = 1001;
    cache.evict();
    expect(cache.stats().entries).toBe(1);
    expect(cache.get('fresh')).toEqual(reply('3'));
  });
});

describe('JudgeCache size limit', () => {
  it('evict() trims the least recently used entries beyond maxEntries', async () => {
    const clock = manualClock(0);
    const cache = await open({ path: ':memory:', maxEntries: 2, now: clock.now });
    clock.t = 1;
    cache.set('a', reply('A'), meta);
    clock.t = 2;
    cache.set('b', reply('B'), meta);
    clock.t = 3;
    cache.set('c', reply('C'), meta);
    clock.t = 4;
    cache.get('a'); // a is now more recently used than b
    cache.evict();
    expect(cache.stats().entries).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(reply('A'));
    expect(cache.get('c')).toEqual(reply('C'));
  });

  it('keeps everything while at or under maxEntries', async () => {
    const clock = manualClock(0);
    const cache = await open({ path: ':memory:', maxEntries: 3, now: clock.now });
    for (const [i, key] of ['a', 'b', 'c'].entries()) {
      clock.t = i + 1;
      cache.set(key, reply(key), meta);
    }
    cache.evict();
    expect(cache.stats().entries).toBe(3);
  });

  it('trims by itself every 1000 writes', async () => {
    const clock = manualClock(0);
    const cache = await open({ path: ':memory:', maxEntries: 10, now: clock.now });
    for (let i = 0; i < 999; i++) {
      clock.t = i + 1;
      cache.set(`k${i}`, reply(String(i)), meta);
    }
    expect(cache.stats().entries).toBe(999);
    clock.t = 1000;
    cache.set('k999', reply('999'), meta);
    expect(cache.stats().entries).toBe(10);
    expect(cache.get('k989')).toBeUndefined();
    expect(cache.get('k990')).toEqual(reply('990'));
    expect(cache.get('k999')).toEqual(reply('999'));
  });
});

describe('JudgeCache on a file', () => {
  it('keeps entries across close and reopen', async () => {
    const path = join(dir, 'persist.sqlite');
    const first = await open({ path });
    first.set('k', reply('kept', { input_tokens: 7, output_tokens: 2 }), meta);
    first.close();
    const second = await open({ path });
    expect(second.get('k')).toEqual(reply('kept', { input_tokens: 7, output_tokens: 2 }));
    expect(second.stats()).toEqual({ entries: 1, hits: 1, misses: 0, writes: 0 });
  });

  it('creates missing parent directories', async () => {
    const path = join(dir, 'nested', 'deeper', 'cache.sqlite');
    expect(existsSync(join(dir, 'nested'))).toBe(false);
    const cache = await open({ path });
    cache.set('k', reply('x'), meta);
    expect(existsSync(path)).toBe(true);
  });

  it('expires old entries when opened', async () => {
    const path = join(dir, 'expire-on-open.sqlite');
    const clock = manualClock(0);
    const first = await open({ path, ttlMs: 1000, now: clock.now });
    first.set('k', reply('x'), meta);
    first.close();
    clock.t = 5000;
    const second = await open({ path, ttlMs: 1000, now: clock.now });
    expect(second.stats().entries).toBe(0);
  });

  it('trims to a smaller maxEntries when opened', async () => {
    const path = join(dir, 'trim-on-open.sqlite');
    const clock = manualClock(0);
    const first = await open({ path, now: clock.now });
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) {
      clock.t = i + 1;
      first.set(key, reply(key), meta);
    }
    first.close();
    const second = await open({ path, maxEntries: 1, now: clock.now });
    expect(second.stats().entries).toBe(1);
    expect(second.get('d')).toEqual(reply('d'));
  });

  it('a ":memory:" cache does not outlive its close', async () => {
    const first = await open({ path: ':memory:' });
    first.set('k', reply('x'), meta);
    first.close();
    const second = await open({ path: ':memory:' });
    expect(second.get('k')).toBeUndefined();
  });
});
