/**
 * SharedCache entries it cannot use are misses, never errors: an embedding whose bytes are not float64 values; and a
 * fractional TTL (a library user's ttlDays) is written as a whole number of milliseconds, rounded up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useRedisServer } from '../../../test/support/use-redis-server.js';
import { RedisLink } from './redis-link.js';
import { SharedCache } from './shared-cache.js';

const redis = useRedisServer({ flushBeforeEach: false });
const links: RedisLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) link.close();
});

async function cacheWith(ttlMs: number): Promise<SharedCache> {
  const link = await RedisLink.open({ url: redis.url, log: () => {} });
  links.push(link);
  return new SharedCache(link, { keyPrefix: 'rk:cache:', ttlMs }, { cache_hits: 0, inflight_joins: 0 });
}

describe('SharedCache', () => {
  it('an embedding whose byte length is not a multiple of 8 is a miss, beside a good one', async () => {
    const cache = await cacheWith(60_000);
    const float32 = Buffer.from(new Float32Array([1, 2, 3]).buffer).toString('base64'); // 12 bytes
    redis.cli('SET', 'rk:cache:bad', JSON.stringify({ v: 1, vector: float32, input_tokens: 3 }));
    cache.setEmbedding('good', { vector: [0.5, -1], inputTokens: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await cache.getEmbeddings(['bad', 'good'])).toEqual([undefined, { vector: [0.5, -1], inputTokens: 2 }]);
  });

  it('a fractional TTL is written rounded up to whole milliseconds', async () => {
    const cache = await cacheWith(0.5 * 86_400_000 + 0.25);
    expect(cache.ttlMs).toBe(43_200_001);
    cache.setReply('k', { text: '{"score":1}', finishReason: 'stop', usage: { input_tokens: 1, output_tokens: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redis.cli('EXISTS', 'rk:cache:k')).toBe('1');
    expect(Number(redis.cli('PTTL', 'rk:cache:k'))).toBeGreaterThan(43_199_000);
  });
});
