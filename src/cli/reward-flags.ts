/**
 * The flags every command that opens a reward shares beyond --judge / --concurrency — `--prices`, `--cache-ttl-days`,
 * `--cache-max-entries` — with one help text and one parser, so `score`, `serve` and the lab cannot drift apart; the
 * Redis flags of the commands that share state with other processes (`--redis`, `--redis-prefix`: serve and score);
 * and the mapping of openReward's typed errors to the CLI's exit codes (src/open-reward.ts).
 */
import { OpenRewardError, type JudgeCachePolicy } from '../open-reward.js';
import { redisPrefixProblem, redisUrlProblem } from '../runtime/shared/redis-url.js';
import type { SharedStateStats } from '../runtime/shared/shared-state.js';
import { positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';

/** parseArgs options of the shared flags. */
export const PRICES_AND_CACHE_POLICY_FLAGS = {
  prices: { type: 'string' },
  'cache-ttl-days': { type: 'string' },
  'cache-max-entries': { type: 'string' },
} as const;

/** Help lines of --cache-ttl-days and --cache-max-entries (score, serve and the lab show the same). */
export const CACHE_POLICY_HELP = `  --cache-ttl-days N      cached verdicts older than N days are asked again (default 30)
  --cache-max-entries N   beyond N entries the least recently used are dropped (default 1000000)`;

/** Help line of --prices. */
export const PRICES_HELP = `  --prices FILE           YAML/JSON map "provider:model" → {input_per_mtok, output_per_mtok} (USD)`;

export interface PricesAndCachePolicy {
  /** The --prices file, read by openReward. */
  prices?: string;
  cachePolicy: JudgeCachePolicy;
}

/** Reads the shared flags (a bad number is a usage error naming the flag). */
export function pricesAndCachePolicyOf(values: {
  prices?: unknown;
  'cache-ttl-days'?: unknown;
  'cache-max-entries'?: unknown;
}): PricesAndCachePolicy {
  const ttlDays = positiveInteger(values['cache-ttl-days'] as string | undefined, '--cache-ttl-days');
  const maxEntries = positiveInteger(values['cache-max-entries'] as string | undefined, '--cache-max-entries');
  return {
    ...(typeof values.prices === 'string' ? { prices: values.prices } : {}),
    cachePolicy: { ...(ttlDays === undefined ? {} : { ttlDays }), ...(maxEntries === undefined ? {} : { maxEntries }) },
  };
}

/** parseArgs options of the Redis flags (serve and score). */
export const REDIS_FLAGS = {
  redis: { type: 'string' },
  'redis-prefix': { type: 'string' },
} as const;

/** Help lines of --redis and --redis-prefix. */
export const REDIS_HELP = `  --redis URL             share the judge cache, identical calls in flight, and each judge model's
                          RPM/TPM budgets and shared_concurrency with every process on this Redis
                          (redis://HOST:6379, rediss://… for TLS; default $REWARDKIT_REDIS_URL). Redis
                          down or slow: each process uses its own cache and limits until it is back
  --redis-prefix NAME     start of every Redis key; deployments with different prefixes share nothing
                          (default $REWARDKIT_REDIS_PREFIX, else rewardkit)`;

export interface RedisSettings {
  /** The Redis URL (--redis, else REWARDKIT_REDIS_URL), for openReward's `redis`. */
  redis?: string;
  redisPrefix?: string;
}

/** Reads --redis / --redis-prefix, falling back to REWARDKIT_REDIS_URL / REWARDKIT_REDIS_PREFIX (a bad value names its source). */
export function redisSettingsOf(
  values: { redis?: unknown; 'redis-prefix'?: unknown },
  env: NodeJS.ProcessEnv = process.env,
): RedisSettings {
  const flagUrl = typeof values.redis === 'string' ? values.redis : undefined;
  const url = flagUrl ?? (env.REWARDKIT_REDIS_URL?.trim() || undefined);
  const flagPrefix = typeof values['redis-prefix'] === 'string' ? values['redis-prefix'] : undefined;
  const prefix = flagPrefix ?? (env.REWARDKIT_REDIS_PREFIX?.trim() || undefined);
  const urlSource = flagUrl === undefined ? 'REWARDKIT_REDIS_URL' : '--redis';
  const prefixSource = flagPrefix === undefined ? 'REWARDKIT_REDIS_PREFIX' : '--redis-prefix';
  if (url !== undefined) {
    const problem = redisUrlProblem(url);
    if (problem) throw new CliError(`${urlSource}: ${problem}`, EXIT.usage);
  }
  if (prefix !== undefined) {
    const problem = redisPrefixProblem(prefix);
    if (problem) throw new CliError(`${prefixSource}: ${problem}`, EXIT.usage);
    if (url === undefined) throw new CliError(`${prefixSource} needs --redis URL (or REWARDKIT_REDIS_URL) as well`, EXIT.usage);
  }
  return { ...(url === undefined ? {} : { redis: url }), ...(prefix === undefined ? {} : { redisPrefix: prefix }) };
}

export interface OpenFailureWording {
  /** What was not done, after "cannot reach the judge, so " (e.g. "no row was scored"). */
  notDone: string;
  /** The advice under the list of unreachable judges. */
  advice: string;
  /** Added to a cache that cannot be opened (e.g. "use --cache FILE elsewhere, or --no-cache"). */
  cacheHint?: string;
}

/** The CliError for an OpenRewardError of `command` (other errors are returned as they are). */
export function cliErrorOf(command: string, error: unknown, wording: OpenFailureWording): unknown {
  if (!OpenRewardError.isInstance(error)) return error;
  if (error.kind === 'judge_unreachable') {
    return new CliError(
      `${command}: cannot reach the judge, so ${wording.notDone}:\n${error.problems}\n${wording.advice}`,
      EXIT.judgeUnreachable,
    );
  }
  const hint = error.kind === 'cache' && wording.cacheHint ? ` (${wording.cacheHint})` : '';
  return new CliError(`${command}: ${error.message}${hint}`, EXIT.usage);
}

/** The line `score` ends with under --redis: what the shared state answered instead of the judge, and its health. */
export function redisSummaryLine(stats: SharedStateStats): string {
  const fallbacks = Object.values(stats.fallbacks).reduce((sum, count) => sum + count, 0);
  const health =
    fallbacks === 0 ? 'Redis answered every operation' : `${fallbacks} operations on the local path (${stats.outages} outages)`;
  return `redis: ${stats.cache_hits} from the shared cache, ${stats.inflight_joins} joined another process's call; ${health}`;
}
