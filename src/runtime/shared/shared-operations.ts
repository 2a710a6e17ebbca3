/**
 * The operations a process shares through Redis, as the fallbacks metric labels them: what an operation was doing
 * when it took the local path instead. A module of its own so that the metrics need not load a Redis client.
 */
export const SHARED_OPERATIONS = ['cache_get', 'cache_set', 'budget', 'concurrency', 'inflight', 'lease_refresh'] as const;
export type SharedOperation = (typeof SHARED_OPERATIONS)[number];
