/**
 * The fixed set of per-row diagnostics every serving face reports beside the components (Nova
 * metrics_list, OpenRLHF extra_logs, the Python client's logged keys). Every name is present for every
 * row — 0 or 1 for flags, counts for judge usage — so a dashboard's mean over a batch is a true rate.
 */
import type { RewardResult } from '../result.js';
import { round6 } from '../round6.js';

/** Flags reported as 0/1, in this order. */
export const DIAGNOSTIC_FLAGS = [
  'neutral',
  'gated',
  'judge_error',
  'deadline_exceeded',
  'row_error',
  'empty_response',
  'nothing_scored',
  'response_cut_for_judge',
  'internal_error',
  'config_error',
] as const;

/** Judge usage counters copied from the result's metrics (0 when absent). */
export const DIAGNOSTIC_COUNTERS = [
  'judge_calls',
  'judge_cached',
  'judge_attempts',
  'judge_input_tokens',
  'judge_output_tokens',
  'judge_latency_ms',
] as const;

export const DIAGNOSTIC_NAMES: readonly string[] = [...DIAGNOSTIC_FLAGS, ...DIAGNOSTIC_COUNTERS];

export function diagnosticsOf(result: RewardResult): Record<string, number> {
  const flags = new Set(result.flags);
  // reward null is "no reward": a judge failure under on_judge_error: null, otherwise a row that could not be read
  const noReward = result.reward === null;
  const unreadable = noReward && !flags.has('judge_error');
  const diagnostics: Record<string, number> = {};
  for (const flag of DIAGNOSTIC_FLAGS) {
    // neutral: the trainer's number is the neutral value (trainerRewardOf) whenever the row has no reward
    const on =
      flag === 'neutral' ? result.neutral || noReward : flag === 'row_error' ? flags.has('row_error') || unreadable : flags.has(flag);
    diagnostics[flag] = on ? 1 : 0;
  }
  for (const counter of DIAGNOSTIC_COUNTERS) diagnostics[counter] = result.metrics[counter] ?? 0;
  return diagnostics;
}

/** Each component that scored, with its normalised score (0–1) and whether it counts in the aggregate. */
export function componentScoresOf(result: RewardResult): Array<{ name: string; score: number; inAggregate: boolean }> {
  return result.components
    .filter((component) => component.score !== null)
    .map((component) => ({
      name: component.name,
      score: result.metrics[component.name] ?? round6(component.score!),
      inAggregate: component.weight > 0,
    }));
}

/**
 * The number a trainer that needs one gets (Nova Lambda, `/v1/nova`, OpenRLHF `/get_reward`): the row's reward, or
 * the neutral value when it has none — a row that could not be read, or a judge failure under `on_judge_error: null`
 * (only `/v1/score`, and so the TRL client, pass `reward: null` on).
 */
export function trainerRewardOf(result: RewardResult, neutral: number): number {
  return result.reward !== null && Number.isFinite(result.reward) ? result.reward : neutral;
}
