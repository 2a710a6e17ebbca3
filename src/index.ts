/**
 * rewardkit's library API. Typical use:
 *   const { spec } = loadSpec('reward.yaml');
 *   const reward = createReward(spec);
 *   const result = await reward.score(row);        // { id, reward, metrics, components, flags, … }
 *   const results = await reward.scoreBatch(rows);
 */
export { createReward, metricsOf } from './reward.js';
export type { Reward, RewardOptions, ScoreOptions, RowPlan, JudgeCallEvent } from './reward.js';
export { loadSpec, parseSpec, validateSpecObject } from './spec/load-spec.js';
export type { LoadedSpec } from './spec/load-spec.js';
export { loadSpecWithJudge, DEFAULT_JUDGE } from './spec/load-spec-with-judge.js';
export { SpecError, formatProblem } from './spec/spec-error.js';
export type { SpecProblem } from './spec/spec-error.js';
export { RewardSpecSchema, ModelSpecSchema, CheckSchema, JudgeSchema } from './spec/schema.js';
export type { RewardSpec, RewardSpecInput, CheckSpec, JudgeSpec, ModelSpec, Provider } from './spec/schema.js';
export { rewardSpecJsonSchema } from './spec/json-schema.js';
export { applyJudgeOverride, parseJudgeFlag } from './spec/judge-override.js';
export type { JudgeOverride } from './spec/judge-override.js';
export { toRowView } from './input/row-view.js';
export type { RowView } from './input/row-view.js';
export { RowError } from './input/row-error.js';
export { createJudgeModel } from './models/judge-model.js';
export type { JudgeModel, JudgeRequest, JudgeReply } from './models/judge-model.js';
export { preflight } from './models/preflight.js';
export { RunSummary, formatSummary } from './run-summary.js';
export type { ComponentResult, RewardResult, JudgeCallRecord, ErrorKind, ComponentError, TokenUsage } from './result.js';
