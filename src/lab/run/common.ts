/**
 * What the lab command runners share: the engine flags, opening (and always closing) the judge cache,
 * response lengths for the verbosity line when the judgements come from files, and progress lines.
 */
import type { JudgeCachePolicy } from '../../open-reward.js';
import { createSchedulerRegistry } from '../../reward-resources.js';
import type { EngineContext } from '../engine/lab-engine.js';
import { openLabCache } from '../engine/lab-engine.js';
import { lengthsById, readRollouts } from '../inputs/rollouts.js';
import type { LabSettings } from '../lab-result.js';

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

export interface RunContext {
  settings: LabSettings;
  /** Progress and notes for the user (stderr). */
  log: (message: string) => void;
}

/** Runs `work` with an engine context (cache + shared schedulers), closing the cache afterwards. */
export async function withEngineContext<T>(flags: EngineFlags, work: (context: EngineContext) => Promise<T>): Promise<T> {
  const cache = await openLabCache(flags.cache, flags.cachePolicy);
  const schedulers = createSchedulerRegistry();
  try {
    return await work({ ...(cache ? { cache } : {}), schedulers, preflight: flags.preflight, ...(flags.prices ? { prices: flags.prices } : {}) });
  } finally {
    cache?.close();
  }
}

export interface Lengths {
  lengths: (number | null)[] | null;
  reason: string;
}

/** Lengths for ids from a rollouts file (joined by id), or none with the reason. */
export function lengthsFromRollouts(ids: readonly string[], rolloutsPath: string | undefined, what: string): Lengths {
  if (!rolloutsPath) return { lengths: null, reason: `${what} do not carry the response text: pass --rollouts ROLLOUTS.jsonl to get the verbosity line` };
  const byId = lengthsById(readRollouts(rolloutsPath, undefined, '--rollouts'));
  const lengths = ids.map((id) => byId.get(id) ?? null);
  if (lengths.every((length) => length === null)) return { lengths: null, reason: `no id of ${what} is in --rollouts ${rolloutsPath}` };
  return { lengths, reason: '' };
}

/** "12.3 s" since `started` (performance.now()). */
export function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
