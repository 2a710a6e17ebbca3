/**
 * The lab's edge to the reward engine: opens a reward with openReward (the same --judge / --judge-base-url override,
 * --prices and preflight as `score`) on a cache and schedulers shared by the run, and scores rollouts — optionally
 * under a cache namespace, so a repeat asks the judge again instead of reusing an earlier verdict. A spec with a
 * group judge scores all the rollouts as one batch, so the rollouts of one prompt are judged together.
 */
import type { Reward } from '../../reward.js';
import type { RewardResult } from '../../result.js';
import { openJudgeCache, openReward, OpenRewardError, type JudgeCachePolicy, type OpenedReward } from '../../open-reward.js';
import type { JudgeCache, SchedulerRegistry } from '../../reward-resources.js';
import { mapWithConcurrency } from '../../runtime/ordered-map.js';
import type { RewardSpec } from '../../spec/schema.js';
import { LabError } from '../lab-error.js';
import type { Rollout } from '../inputs/rollouts.js';

export interface EngineOptions {
  /** The spec file. */
  spec: string;
  /** PROVIDER:MODEL replacing every judge model of the spec. */
  judge?: string;
  judgeBaseUrl?: string;
  /** Ceiling of every judge model's concurrency. */
  concurrency?: number;
  /** Adjusts the loaded spec (e.g. `lab position` judges both orders). */
  transform?: (spec: RewardSpec) => RewardSpec;
}

export interface EngineContext {
  cache?: JudgeCache;
  /** Shared by every engine of one lab run: one set of limits per judge model. */
  schedulers: SchedulerRegistry;
  preflight: boolean;
  /** A --prices file: fills in each judge model's price. */
  prices?: string;
}

export interface LabEngine {
  spec: RewardSpec;
  specPath: string;
  /** provider:model@endpoint of each judge model the spec uses. */
  judgeModels: string[];
  reward: Reward;
  /** Scores every rollout (input order); `namespace` makes the judge answer afresh. */
  score(rollouts: readonly Rollout[], options?: ScoreRolloutsOptions): Promise<RewardResult[]>;
}

interface ScoreRolloutsOptions {
  /** Cache namespace: the same request under another namespace is asked again (e.g. "repeat-2"). */
  namespace?: string;
  /** Group judges: seeds the order their rollouts are shown in (lab noise --source permute); ignored without one. */
  groupOrderSeed?: string;
  /** Called once per scored row (with a group judge: once per row after the whole batch). */
  onRow?: () => void;
}

/** Opens the reward of one engine (src/open-reward.ts) on the run's shared cache and schedulers. */
export async function openEngine(options: EngineOptions, context: EngineContext): Promise<LabEngine> {
  let opened: OpenedReward;
  try {
    opened = await openReward({
      ...options,
      ...(context.prices ? { prices: context.prices } : {}),
      preflight: context.preflight,
      ...(context.cache ? { cache: context.cache } : {}),
      schedulers: context.schedulers,
    });
  } catch (error) {
    throw labErrorOf(error);
  }
  const { reward } = opened;
  return {
    spec: opened.spec,
    specPath: opened.specPath,
    judgeModels: opened.judgeModels,
    reward,
    score: (rollouts, scoreOptions = {}) => {
      if (reward.groupsJudged) return scoreGrouped(reward, rollouts, scoreOptions);
      return mapWithConcurrency(rollouts, reward.suggestedRowConcurrency, async (rollout) => {
        const result = await reward.score(rollout.row, {
          fallbackId: `line-${rollout.line}`,
          ...(scoreOptions.namespace ? { cacheNamespace: scoreOptions.namespace } : {}),
        });
        scoreOptions.onRow?.();
        return result;
      });
    },
  };
}

/** All rollouts as one batch: the rows of one group, wherever they are in the file, are judged in one group call. */
async function scoreGrouped(reward: Reward, rollouts: readonly Rollout[], options: ScoreRolloutsOptions): Promise<RewardResult[]> {
  const results = await reward.scoreBatch(
    rollouts.map((rollout) => rollout.row),
    {
      fallbackId: (index) => `line-${rollouts[index]!.line}`,
      ...(options.namespace ? { cacheNamespace: options.namespace } : {}),
      ...(options.groupOrderSeed ? { groupOrderSeed: options.groupOrderSeed } : {}),
    },
  );
  for (let index = 0; index < results.length; index += 1) options.onRow?.();
  return results;
}

/** Opens the persistent judge cache every engine of a run shares, or none for null. */
export async function openLabCache(path: string | null, policy: JudgeCachePolicy = {}): Promise<JudgeCache | undefined> {
  if (path === null) return undefined;
  try {
    return await openJudgeCache(path, policy);
  } catch (error) {
    throw labErrorOf(error);
  }
}

/** openReward's typed errors as the lab's (other errors pass through). */
function labErrorOf(error: unknown): unknown {
  if (!OpenRewardError.isInstance(error)) return error;
  if (error.kind === 'judge_unreachable') {
    return new LabError(
      'judge_unreachable',
      `cannot reach the judge, so nothing was judged:\n${error.problems}\n` +
        'Start the judge server, or point the run at another judge with --judge PROVIDER:MODEL --judge-base-url URL.',
    );
  }
  return new LabError('usage', error.kind === 'cache' ? `${error.message} (use --cache FILE elsewhere, or --no-cache)` : error.message);
}
