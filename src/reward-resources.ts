/**
 * The resources a reward may hold, made the way a library user makes them: a persistent judge cache (SQLite),
 * a scheduler registry — one set of judge limits (concurrency, rate limits, circuit breaker) per judge model, shared
 * by every reward created with the same registry — and, to share the cache, the limits and calls in flight with other
 * processes, a connection to Redis (openSharedState) that the registry hands to each of its schedulers.
 * They go into `createReward(spec, { cache, schedulers })`.
 */
import { JudgeCache, type JudgeCacheOptions } from './runtime/judge-cache.js';
import type { ModelScheduler } from './runtime/model-scheduler.js';
import type { SharedState, SharedStateOptions } from './runtime/shared/shared-state.js';

export type { JudgeCache, JudgeCacheOptions, SharedState, SharedStateOptions };

/** Judge-model key (provider:model@endpoint) → its scheduler; with `sharedState`, each scheduler also shares through Redis. */
export type SchedulerRegistry = Map<string, ModelScheduler> & { readonly sharedState?: SharedState };

/** Opens (creating if needed) a judge cache file; `path: ':memory:'` for a throwaway one. Close it when done. */
export function createJudgeCache(options: JudgeCacheOptions): Promise<JudgeCache> {
  return JudgeCache.open(options);
}

/**
 * Connects to Redis (waiting up to its connect timeout; a Redis that does not answer leaves the process on its local
 * cache and limits until it does). Close it when done.
 */
export async function openSharedState(options: SharedStateOptions): Promise<SharedState> {
  // loaded here, not at the top: a process without --redis never loads the Redis client (start-up, Lambda cold starts)
  const { SharedState } = await import('./runtime/shared/shared-state.js');
  return SharedState.open(options);
}

/** An empty registry: rewards given the same one share each judge model's limits (and `sharedState`, with other processes). */
export function createSchedulerRegistry(options: { sharedState?: SharedState } = {}): SchedulerRegistry {
  return Object.assign(new Map<string, ModelScheduler>(), options.sharedState ? { sharedState: options.sharedState } : {});
}
