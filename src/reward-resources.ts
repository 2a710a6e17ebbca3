/**
 * The resources a reward may hold, made the way a library user makes them: a persistent judge cache (SQLite) and
 * a scheduler registry — one set of judge limits (concurrency, rate limits, circuit breaker) per judge model, shared
 * by every reward created with the same registry. Both go into `createReward(spec, { cache, schedulers })`.
 */
import { JudgeCache, type JudgeCacheOptions } from './runtime/judge-cache.js';
import type { ModelScheduler } from './runtime/model-scheduler.js';

export type { JudgeCache, JudgeCacheOptions };

/** Judge-model key (provider:model@endpoint) → its scheduler. */
export type SchedulerRegistry = Map<string, ModelScheduler>;

/** Opens (creating if needed) a judge cache file; `path: ':memory:'` for a throwaway one. Close it when done. */
export function createJudgeCache(options: JudgeCacheOptions): Promise<JudgeCache> {
  return JudgeCache.open(options);
}

/** An empty registry: rewards given the same one share each judge model's limits. */
export function createSchedulerRegistry(): SchedulerRegistry {
  return new Map();
}
