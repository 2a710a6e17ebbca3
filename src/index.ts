/**
 * rewardkit's library API — load a spec, open (or create) a reward, score rows, read the results:
 *   const opened = await openReward({ spec: 'reward.yaml', judge: 'openai:gpt-4o-mini' });   // as `rewardkit score` opens it
 *   const result = await opened.reward.score(row);        // { id, reward, metrics, components, flags, … }; never throws
 *   opened.close();
 * or `createReward(spec, { cache: await createJudgeCache({ path }), schedulers: createSchedulerRegistry() })`.
 * Every error rewardkit throws on purpose is a RewardkitError (`RewardkitError.isInstance(error)`).
 * The CLI's own helpers (summaries, flag parsing, preflight) are not part of it.
 */
export { loadSpec, parseSpec, validateSpecObject } from './spec/load-spec.js';
export type { RewardSpec, CheckSpec, JudgeSpec, ModelSpec } from './spec/schema.js';
export { rewardSpecJsonSchema } from './spec/json-schema.js';

export { openReward, loadRewardSpec } from './open-reward.js';
export type { OpenRewardOptions, OpenedReward } from './open-reward.js';
export { createReward, DEFAULT_GROUP_WINDOW } from './reward.js';
export type { Reward, RewardOptions, ScoreOptions, BatchOptions, GroupSession, GroupSessionOptions } from './reward.js';
export type { JudgeCall } from './runtime/judge-call.js';
export { createJudgeCache, createSchedulerRegistry } from './reward-resources.js';
export type { JudgeCache, SchedulerRegistry } from './reward-resources.js';
export { createJudgeModel } from './models/judge-model.js';
export type { JudgeModel, JudgeRequest, JudgeReply } from './models/judge-model.js';

export type { RewardResult, ComponentResult, ComponentError, JudgeCallRecord, TokenUsage } from './result.js';

export { RewardkitError } from './rewardkit-error.js';
export { SpecError } from './spec/spec-error.js';
export { OpenRewardError } from './open-reward.js';
