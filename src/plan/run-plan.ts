/**
 * A run's plan from a usage estimate: per judge model, the calls, tokens and cost of one step of `rowsPerStep`
 * rollouts in groups of `groupSize` (rollouts reaching the judges × their usage + groups × the group judges' usage),
 * the least wall time its limits allow, and the same for `steps` steps. This is the `plan --json` shape
 * (`rewardkit_plan: 1`); every number is rounded to six decimals.
 */
import { costOf } from '../models/cost.js';
import { round6 } from '../round6.js';
import { addVolumes, scaleVolume, type CallVolume, type ModelLimits, type UsageEstimate, type UsageSource } from './plan-usage.js';
import { leastWallTime, type BindingLimit, type WallTime } from './wall-time.js';

export interface PlanOptions {
  /** The file the usage came from (the sample, or the scored file). */
  file: string;
  rowsPerStep: number;
  groupSize: number;
  steps: number;
  /** Share of rollouts that pass the gates and reach the judges (`--gate-pass-rate`); default the measured one. */
  judgedShare?: number;
  /** Latency of one call (`--latency-ms`); default the measured median (a scored file), else unknown. */
  latencyMs?: number;
}

export interface StepVolume extends CallVolume {
  /** USD; null when the model has no price and the source measured no cost. */
  cost_usd: number | null;
}

export interface ModelPlan {
  model: string;
  limits: ModelLimits;
  latency_ms: number | null;
  latency_from: '--latency-ms' | 'measured median' | null;
  per_judged_row: CallVolume;
  per_group: CallVolume;
  /** Share of the requested calls answered by an identical call (not sent). */
  dedup_share: number;
  per_step: StepVolume;
  cost_from: 'price' | 'measured' | null;
  wall_time_per_step: WallTime;
  run: StepVolume;
}

export interface RunPlan {
  rewardkit_plan: 1;
  source: UsageSource & { file: string };
  rows_per_step: number;
  group_size: number;
  groups_per_step: number;
  steps: number;
  judged_share: number;
  judged_share_from: 'sample checks' | 'measured' | '--gate-pass-rate';
  models: ModelPlan[];
  per_step: StepVolume & { least_wall_time_s: number | null; binding: { model: string; limit: BindingLimit } | null };
  run: StepVolume & { least_wall_time_s: number | null };
  notes: string[];
}

export function planRun(estimate: UsageEstimate, options: PlanOptions): RunPlan {
  const { source } = estimate;
  const measuredShare = source.rows === 0 ? 0 : source.judged / source.rows;
  const judgedShare = options.judgedShare ?? measuredShare;
  const judgedRows = options.rowsPerStep * judgedShare;
  const groups = options.rowsPerStep / options.groupSize;
  const notes = [...estimate.notes];
  const models = estimate.models.map((usage): ModelPlan => {
    const step = addVolumes(scaleVolume(usage.perJudgedRow, judgedRows), scaleVolume(usage.perGroup, groups));
    const latencyMs = options.latencyMs ?? usage.measuredLatencyMs;
    const { price } = usage.limits;
    const cost = price
      ? costOf(step, price)
      : usage.measuredCostPerJudgedRow === null
        ? step.sent === 0
          ? 0
          : null
        : usage.measuredCostPerJudgedRow * judgedRows;
    if (cost === null) notes.push(`${usage.model}: no price (give --prices FILE or the model's price in the spec): its cost is unknown`);
    const wall = leastWallTime({ calls: step.sent, tokens: step.input_tokens + step.output_tokens }, usage.limits, latencyMs);
    return {
      model: usage.model,
      limits: usage.limits,
      latency_ms: latencyMs === null ? null : round6(latencyMs),
      latency_from: options.latencyMs !== undefined ? '--latency-ms' : latencyMs === null ? null : 'measured median',
      per_judged_row: rounded(usage.perJudgedRow),
      per_group: rounded(usage.perGroup),
      dedup_share: round6(step.requested === 0 ? 0 : 1 - step.sent / step.requested),
      per_step: { ...rounded(step), cost_usd: roundOrNull(cost) },
      cost_from: price ? 'price' : usage.measuredCostPerJudgedRow === null ? null : 'measured',
      wall_time_per_step: {
        concurrency_s: roundOrNull(wall.concurrency_s),
        requests_per_minute_s: roundOrNull(wall.requests_per_minute_s),
        tokens_per_minute_s: roundOrNull(wall.tokens_per_minute_s),
        least_s: roundOrNull(wall.least_s),
        binds: wall.binds,
      },
      run: { ...rounded(scaleVolume(step, options.steps)), cost_usd: roundOrNull(cost === null ? null : cost * options.steps) },
    };
  });
  if (models.some((model) => model.per_step.sent > 0 && model.latency_ms === null && model.limits.concurrency !== null))
    notes.push('no call latency (give --latency-ms N, or plan --from a scored file): the concurrency limit is not timed');
  if (judgedShare < 1 && models.some((model) => model.per_group.requested > 0))
    notes.push('group calls assume every group has a rollout past the gates, with all --group rollouts: an upper bound');
  const perStep = totalOf(models.map((model) => model.per_step));
  const binding = models.reduce<{ model: string; limit: BindingLimit; seconds: number } | null>((worst, model) => {
    const { least_s, binds } = model.wall_time_per_step;
    return least_s !== null && binds !== null && (worst === null || least_s > worst.seconds)
      ? { model: model.model, limit: binds, seconds: least_s }
      : worst;
  }, null);
  return {
    rewardkit_plan: 1,
    source: { ...source, meanGroupSize: roundOrNull(source.meanGroupSize), file: options.file },
    rows_per_step: options.rowsPerStep,
    group_size: options.groupSize,
    groups_per_step: round6(groups),
    steps: options.steps,
    judged_share: round6(judgedShare),
    judged_share_from: options.judgedShare !== undefined ? '--gate-pass-rate' : source.mode === 'sample' ? 'sample checks' : 'measured',
    models,
    per_step: {
      ...perStep,
      least_wall_time_s: binding ? binding.seconds : null,
      binding: binding ? { model: binding.model, limit: binding.limit } : null,
    },
    run: {
      ...totalOf(models.map((model) => model.run)),
      least_wall_time_s: binding ? round6(binding.seconds * options.steps) : null,
    },
    notes,
  };
}

function totalOf(volumes: readonly StepVolume[]): StepVolume {
  const sum = (pick: (volume: StepVolume) => number) => round6(volumes.reduce((total, volume) => total + pick(volume), 0));
  const unknownCost = volumes.some((volume) => volume.cost_usd === null);
  return {
    requested: sum((volume) => volume.requested),
    sent: sum((volume) => volume.sent),
    input_tokens: sum((volume) => volume.input_tokens),
    output_tokens: sum((volume) => volume.output_tokens),
    cost_usd: unknownCost ? null : sum((volume) => volume.cost_usd ?? 0),
  };
}

function rounded(volume: CallVolume): CallVolume {
  return {
    requested: round6(volume.requested),
    sent: round6(volume.sent),
    input_tokens: round6(volume.input_tokens),
    output_tokens: round6(volume.output_tokens),
  };
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round6(value);
}
