/**
 * A Lua script run atomically on the shared Redis: sent once by its SHA-1 (EVALSHA), and in full (EVAL) when the
 * server does not know it yet — after a restart or a failover its script cache is empty. The scripts themselves live
 * beside the concept they implement (shared-rate-budget.ts, shared-concurrency.ts, shared-inflight.ts); each reads
 * the server's clock (`TIME`), never a client's, so processes on different machines need no clock sync.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class RedisScript {
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
