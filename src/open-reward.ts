/**
 * openReward: the one place that turns a spec file plus a run's overrides into a ready reward and the resources it
 * holds — used by `score`, `serve`, `judge test`, the lab and the Lambda. In order:
 *   read the prices table → load the spec (a judge the spec gives no model is the default local judge, or must be
 *   named: `defaultJudge: 'required'`, the Lambda) → replace every judge model with `judge` and cap `concurrency`
 *   → fill in prices → `transform` → preflight each judge → open the cache → connect to Redis (`redis`: the cache,
 *   calls in flight and limits shared with other processes) → build the reward on a scheduler registry.
 * `close()` releases what was opened here (a cache or shared state passed in is the caller's to close).
 *
 * Problems a user can fix are an OpenRewardError (its `kind` says which) or the SpecError of load-spec.ts; each face
 * maps them to its exit code, HTTP status or Lambda reply, adding its own advice.
 */
import { createReward, type Reward, type RewardOptions } from './reward.js';
import {
  createJudgeCache,
  createSchedulerRegistry,
  openSharedState,
  type JudgeCache,
  type SchedulerRegistry,
  type SharedState,
} from './reward-resources.js';
import { RewardkitError } from './rewardkit-error.js';
import { applyPrices, loadPriceTable, type PriceTable } from './models/cost.js';
import { modelKey } from './models/judge-model.js';
import { judgeModelsOf, preflightSpec } from './models/preflight.js';
import { applyJudgeOverride, parseJudgeFlag, type JudgeOverride } from './spec/judge-override.js';
import { loadSpec } from './spec/load-spec.js';
import { loadSpecWithJudge } from './spec/load-spec-with-judge.js';
import type { RewardSpec } from './spec/schema.js';
import { DEFAULT_CACHE_TTL_MS } from './runtime/judge-cache.js';
import type { RedisLogLevel } from './runtime/shared/redis-link.js';
import { redisUrlProblem } from './runtime/shared/redis-url.js';
import { redisPrefixProblem } from './runtime/shared/redis-url.js';

/** The judge cache file score and the lab use unless told otherwise. */
export const DEFAULT_CACHE_PATH = '.rewardkit/judge-cache.sqlite';
const DAY_MS = 86_400_000;

export interface RewardSpecOptions {
  /** The spec file (YAML or JSON). */
  spec: string;
  /** PROVIDER:MODEL (as `--judge`) replacing every judge model of the spec. */
  judge?: string;
  /** The judge's API base URL (as `--judge-base-url`); needs `judge`. */
  judgeBaseUrl?: string;
  /** Caps every judge model's calls in flight (overrides the spec). */
  concurrency?: number;
  /** A YAML/JSON prices file (as `--prices`), or the table itself: fills in each judge model's price. */
  prices?: string | PriceTable;
  /** A judge the spec gives no model: 'local' (default) uses the default local judge; 'required' leaves it an error. */
  defaultJudge?: 'local' | 'required';
  /** Adjusts the loaded spec (e.g. `lab position` judges both orders). */
  transform?: (spec: RewardSpec) => RewardSpec;
}

export interface JudgeCachePolicy {
  /** Cached verdicts older than this are asked again (default 30). */
  ttlDays?: number;
  /** Beyond this many entries the least recently used are dropped (default 1,000,000). */
  maxEntries?: number;
}

export interface RewardResourceOptions {
  /** Check each judge answers before anything is scored (default true). */
  preflight?: boolean;
  /** Where preflight warnings (transient trouble) go; default a line on stderr. */
  onPreflightWarning?: (line: string) => void;
  /** A cache file to open (only when the spec has judges), or an open cache to share; none by default. */
  cache?: string | JudgeCache;
  /** Expiry and size of a cache opened here. */
  cachePolicy?: JudgeCachePolicy;
  /** The cache namespace of every score call that names none: the same request under another namespace is asked again. */
  cacheNamespace?: string;
  /** Share each judge model's limits with other rewards of this process (default: a registry of its own). */
  schedulers?: SchedulerRegistry;
  /**
   * Share the judge cache, identical calls in flight, and each judge model's RPM/TPM budgets and `shared_concurrency`
   * with every process on the same Redis and prefix: a redis:// or rediss:// URL (connected here, only when the spec
   * has judges, and closed by `close()`), or an open SharedState (openSharedState; the caller's to close). Shared
   * verdicts live as long as the cache policy's `ttlDays`. Redis down or slow never fails a call: each process falls
   * back to its own cache and limits, and reconnects by itself.
   */
  redis?: string | SharedState;
  /** The start of every Redis key (default `rewardkit`): deployments with different prefixes share nothing. */
  redisPrefix?: string;
  /** Where the Redis outage warning and the reconnect line go (default: a line on stderr). */
  onRedisLog?: (level: RedisLogLevel, line: string) => void;
  /** Passed to createReward: hooks such as onRetry / onJudgeCall, custom judge models. */
  rewardOptions?: Omit<RewardOptions, 'cache' | 'schedulers' | 'cacheNamespace'>;
}

export type OpenRewardOptions = RewardSpecOptions & RewardResourceOptions;

export interface LoadedRewardSpec {
  /** The spec file. */
  path: string;
  /** The spec with the judge override, concurrency, prices and transform applied. */
  spec: RewardSpec;
}

export interface OpenedReward {
  readonly spec: RewardSpec;
  readonly specPath: string;
  readonly reward: Reward;
  /** provider:model@endpoint of each judge model the spec uses (distinct, in spec order). */
  readonly judgeModels: string[];
  readonly cache: JudgeCache | undefined;
  readonly schedulers: SchedulerRegistry;
  /** The Redis shared state, when `redis` was given and the spec has judges. */
  readonly sharedState: SharedState | undefined;
  /** A reward for a spec derived from this one (e.g. a Nova-reading twin): same cache, schedulers and hooks, same spec hash. */
  derive(spec: RewardSpec): Reward;
  /** Closes the cache and the Redis connection if they were opened here. */
  close(): void;
}

/** What went wrong opening a reward (a spec problem is a SpecError instead). */
export type OpenRewardErrorKind = 'judge_flag' | 'prices' | 'cache' | 'judge_unreachable' | 'redis';

const OPEN_REWARD_ERROR = 'rewardkit.error.OpenRewardError';
const OPEN_REWARD_ERROR_SYMBOL = Symbol.for(OPEN_REWARD_ERROR);

export class OpenRewardError extends RewardkitError {
  private readonly [OPEN_REWARD_ERROR_SYMBOL] = true;

  constructor(
    readonly kind: OpenRewardErrorKind,
    message: string,
    /** judge_unreachable: one indented line per judge that failed its preflight, ready to list under an explanation. */
    readonly problems?: string,
  ) {
    super(message);
    this.name = 'OpenRewardError';
  }

  static override isInstance(error: unknown): error is OpenRewardError {
    return RewardkitError.hasMarker(error, OPEN_REWARD_ERROR);
  }
}

/** Loads a spec for a run: prices, the judge rule and override, concurrency and transform applied; nothing opened. */
export function loadRewardSpec(options: RewardSpecOptions): LoadedRewardSpec {
  const prices = typeof options.prices === 'string' ? pricesFrom(options.prices) : options.prices;
  const override = judgeOverrideOf(options.judge, options.judgeBaseUrl);
  const loaded =
    options.defaultJudge === 'required'
      ? applyJudgeOverride(loadSpec(options.spec, override ? { defaultJudgeModel: override } : {}).spec, override, options.concurrency)
      : loadSpecWithJudge(options.spec, override, options.concurrency).spec;
  const priced = applyPrices(loaded, prices);
  return { path: options.spec, spec: options.transform ? options.transform(priced) : priced };
}

/** Loads the spec, checks its judges, opens the cache and builds the reward. */
export async function openReward(options: OpenRewardOptions): Promise<OpenedReward> {
  return openLoadedReward(loadRewardSpec(options), options);
}

/** The second half of openReward, for a face that must look at the spec before any judge is called (score --retry-errors). */
export async function openLoadedReward(loaded: LoadedRewardSpec, options: RewardResourceOptions = {}): Promise<OpenedReward> {
  const { spec } = loaded;
  const models = judgeModelsOf(spec);
  if (options.preflight !== false) {
    const problems = await preflightSpec(spec, options.onPreflightWarning ? { warn: options.onPreflightWarning } : {});
    if (problems) throw new OpenRewardError('judge_unreachable', `cannot reach the judge:\n${problems}`, problems);
  }
  if (options.redis !== undefined && options.schedulers)
    throw new OpenRewardError(
      'redis',
      'redis: give the shared state to the scheduler registry (createSchedulerRegistry({ sharedState })), not beside one',
    );
  const ownCache =
    typeof options.cache === 'string' && models.length > 0 ? await openJudgeCache(options.cache, options.cachePolicy) : undefined;
  const cache = ownCache ?? (typeof options.cache === 'object' ? options.cache : undefined);
  let ownShared: SharedState | undefined;
  try {
    ownShared = typeof options.redis === 'string' && models.length > 0 ? await openRewardSharedState(options.redis, options) : undefined;
  } catch (error) {
    ownCache?.close();
    throw error;
  }
  const sharedState = ownShared ?? (typeof options.redis === 'object' ? options.redis : undefined);
  const schedulers = options.schedulers ?? createSchedulerRegistry(sharedState ? { sharedState } : {});
  const rewardOptions: RewardOptions = {
    ...options.rewardOptions,
    ...(cache ? { cache } : {}),
    schedulers,
    ...(options.cacheNamespace ? { cacheNamespace: options.cacheNamespace } : {}),
  };
  const reward = createReward(spec, rewardOptions);
  return {
    spec,
    specPath: loaded.path,
    reward,
    judgeModels: [...new Set(models.map(modelKey))],
    cache,
    schedulers,
    sharedState,
    derive: (derived) => createReward(derived, { ...rewardOptions, specHash: reward.specHash }),
    close: () => {
      ownCache?.close();
      ownShared?.close();
    },
  };
}

/**
 * Connects to the shared Redis of `openReward`'s `redis` URL, as openReward does; for a process that opens many rewards
 * on one shared state (the queue worker). A malformed URL or prefix is an OpenRewardError of kind 'redis'.
 */
export async function openRewardSharedState(
  url: string,
  options: Pick<RewardResourceOptions, 'redisPrefix' | 'cachePolicy' | 'onRedisLog'>,
): Promise<SharedState> {
  const problem = redisUrlProblem(url) ?? (options.redisPrefix === undefined ? undefined : redisPrefixProblem(options.redisPrefix));
  if (problem) throw new OpenRewardError('redis', `redis: ${problem}`);
  const ttlDays = options.cachePolicy?.ttlDays;
  return openSharedState({
    url,
    ...(options.redisPrefix === undefined ? {} : { prefix: options.redisPrefix }),
    cacheTtlMs: ttlDays === undefined ? DEFAULT_CACHE_TTL_MS : ttlDays * DAY_MS,
    ...(options.onRedisLog ? { log: options.onRedisLog } : {}),
  });
}

/** Opens a judge cache file with a policy; an OpenRewardError of kind 'cache' when it cannot be opened. */
export async function openJudgeCache(path: string, policy: JudgeCachePolicy = {}): Promise<JudgeCache> {
  try {
    return await createJudgeCache({
      path,
      ...(policy.ttlDays === undefined ? {} : { ttlMs: policy.ttlDays * DAY_MS }),
      ...(policy.maxEntries === undefined ? {} : { maxEntries: policy.maxEntries }),
    });
  } catch (error) {
    throw new OpenRewardError('cache', `cannot open the judge cache ${path}: ${(error as Error).message}`);
  }
}

/** `--judge PROVIDER:MODEL` and `--judge-base-url` as an override of the spec's judges; an OpenRewardError 'judge_flag' when wrong. */
export function judgeOverrideOf(judge: string | undefined, baseUrl: string | undefined): JudgeOverride | undefined {
  if (baseUrl && !judge) throw new OpenRewardError('judge_flag', '--judge-base-url needs --judge PROVIDER:MODEL as well');
  if (!judge) return undefined;
  try {
    return parseJudgeFlag(judge, baseUrl);
  } catch (error) {
    throw new OpenRewardError('judge_flag', (error as Error).message);
  }
}

function pricesFrom(path: string): PriceTable {
  try {
    return loadPriceTable(path);
  } catch (error) {
    throw new OpenRewardError('prices', (error as Error).message);
  }
}
