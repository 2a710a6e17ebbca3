/**
 * The lab's edge to the reward engine: loads a spec (with the same --judge / --judge-base-url override as
 * `score`), checks the judges are reachable, and scores rollouts — optionally under a cache namespace, so
 * a repeat asks the judge again instead of reusing an earlier verdict.
 */
import { modelKey } from '../../models/judge-model.js';
import { judgeModelsOf, preflightSpec } from '../../models/preflight.js';
import { createReward, type Reward } from '../../reward.js';
import type { RewardResult } from '../../result.js';
import { JudgeCache } from '../../runtime/judge-cache.js';
import type { ModelScheduler } from '../../runtime/model-scheduler.js';
import { mapWithConcurrency } from '../../runtime/ordered-map.js';
import { parseJudgeFlag, type JudgeOverride } from '../../spec/judge-override.js';
import { loadSpecWithJudge } from '../../spec/load-spec-with-judge.js';
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
  schedulers: Map<string, ModelScheduler>;
  preflight: boolean;
}

export interface LabEngine {
  spec: RewardSpec;
  specPath: string;
  /** provider:model@endpoint of each judge model the spec uses. */
  judgeModels: string[];
  reward: Reward;
  /** Scores every rollout (input order); `namespace` makes the judge answer afresh. */
  score(rollouts: readonly Rollout[], options?: { namespace?: string; onRow?: () => void }): Promise<RewardResult[]>;
}

export function parseJudgeOverride(judge: string | undefined, baseUrl: string | undefined): JudgeOverride | undefined {
  if (baseUrl && !judge) throw new LabError('usage', '--judge-base-url needs --judge PROVIDER:MODEL as well');
  if (!judge) return undefined;
  try {
    return parseJudgeFlag(judge, baseUrl);
  } catch (error) {
    throw new LabError('usage', (error as Error).message);
  }
}

export async function openEngine(options: EngineOptions, context: EngineContext): Promise<LabEngine> {
  const override = parseJudgeOverride(options.judge, options.judgeBaseUrl);
  const overridden = loadSpecWithJudge(options.spec, override, options.concurrency).spec;
  const spec = options.transform ? options.transform(overridden) : overridden;
  const models = judgeModelsOf(spec);
  const unreachable = context.preflight ? await preflightSpec(spec) : null;
  if (unreachable) {
    throw new LabError(
      'judge_unreachable',
      `cannot reach the judge, so nothing was judged:\n${unreachable}\n` +
        'Start the judge server, or point the run at another judge with --judge PROVIDER:MODEL --judge-base-url URL.',
    );
  }
  const reward = createReward(spec, { ...(context.cache ? { cache: context.cache } : {}), schedulers: context.schedulers });
  return {
    spec,
    specPath: options.spec,
    judgeModels: [...new Set(models.map(modelKey))],
    reward,
    score: (rollouts, scoreOptions = {}) =>
      mapWithConcurrency(rollouts, reward.suggestedRowConcurrency, async (rollout) => {
        const result = await reward.score(rollout.row, { fallbackId: `line-${rollout.line}`, ...(scoreOptions.namespace ? { cacheNamespace: scoreOptions.namespace } : {}) });
        scoreOptions.onRow?.();
        return result;
      }),
  };
}

/** Opens the persistent judge cache, or none for null. */
export async function openLabCache(path: string | null): Promise<JudgeCache | undefined> {
  if (path === null) return undefined;
  try {
    return await JudgeCache.open({ path });
  } catch (error) {
    throw new LabError('usage', `cannot open the judge cache ${path}: ${(error as Error).message} (use --cache FILE elsewhere, or --no-cache)`);
  }
}
