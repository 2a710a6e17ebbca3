/**
 * The engine flags of a lab run that opens a reward (--judge … --no-preflight, parsed by the CLI) and the one
 * way a runner uses them: open the run's judge cache and schedulers, do the work, always close the cache.
 */
import type { JudgeCachePolicy } from '../../open-reward.js';
import { createSchedulerRegistry } from '../../reward-resources.js';
import { openLabCache, type EngineContext } from './lab-engine.js';

export interface EngineFlags {
  /** PROVIDER:MODEL replacing every judge model of the spec. */
  judge?: string;
  judgeBaseUrl?: string;
  concurrency?: number;
  /** Only the first N rollouts. */
  limit?: number;
  /** SQLite judge cache, or null for none. */
  cache: string | null;
  /** Expiry and size of that cache (--cache-ttl-days, --cache-max-entries). */
  cachePolicy?: JudgeCachePolicy;
  /** A --prices file. */
  prices?: string;
  preflight: boolean;
}

/** Runs `work` with an engine context (cache + shared schedulers), closing the cache afterwards. */
export async function withEngineContext<T>(flags: EngineFlags, work: (context: EngineContext) => Promise<T>): Promise<T> {
  const cache = await openLabCache(flags.cache, flags.cachePolicy);
  const schedulers = createSchedulerRegistry();
  try {
    return await work({
      ...(cache ? { cache } : {}),
      schedulers,
      preflight: flags.preflight,
      ...(flags.prices ? { prices: flags.prices } : {}),
    });
  } finally {
    cache?.close();
  }
}
