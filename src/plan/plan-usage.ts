/**
 * What a plan scales: each judge model's usage per judged rollout and per group, measured on sample rows (a dry
 * run, sample-usage.ts) or on a scored file (scored-usage.ts), with how each figure was obtained. run-plan.ts turns
 * it into calls, tokens, cost and time per step.
 */
import type { Price } from '../models/cost.js';

/** Calls and tokens of one unit (a judged rollout, or a group). `sent` and the tokens are after dedup. */
export interface CallVolume {
  /** Calls the judges ask for. */
  requested: number;
  /** Calls that reach the model: the requested ones less those answered by an identical call (cache or in flight). */
  sent: number;
  input_tokens: number;
  output_tokens: number;
}

/** The limits and price a judge model runs under (the spec's, after --concurrency and --prices). */
export interface ModelLimits {
  concurrency: number | null;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  price: Price | null;
}

export interface ModelUsage {
  /** provider:model@endpoint, as the runtime keys its limits. */
  model: string;
  limits: ModelLimits;
  /** Per rollout that reaches the judges (not gated, not empty). In a scored file this includes group calls. */
  perJudgedRow: CallVolume;
  /** Per group of `--group` rollouts (group judges, dry run only; a scored file measures them per row). */
  perGroup: CallVolume;
  /** Measured cost (USD) per judged rollout, from a scored file's records; null when none carried a cost. */
  measuredCostPerJudgedRow: number | null;
  /** The median latency of the calls the model answered (a scored file), in ms; null when unmeasured. */
  measuredLatencyMs: number | null;
}

/** How the rollouts a plan scales were counted. */
export interface UsageSource {
  mode: 'sample' | 'scored';
  /** Rows read (readable lines). */
  rows: number;
  /** Rows whose judges were (or would be) called: not stopped by a gate, not empty, readable. */
  judged: number;
  gated: number;
  empty: number;
  /** Lines that were not readable rows (skipped). */
  unreadable: number;
  /** Groups in the sample (dry run with a group judge) and their mean size; 0 and null otherwise. */
  groups: number;
  meanGroupSize: number | null;
  /** How output tokens were counted: the models' max_tokens (an upper bound), an --output-tokens estimate, or measured. */
  outputTokens: 'max_tokens' | 'estimate' | 'measured';
}

export interface UsageEstimate {
  source: UsageSource;
  /** One entry per judge model, in spec order. */
  models: ModelUsage[];
  /** What the estimate could not see, in a sentence each. */
  notes: string[];
}

export const NO_CALLS: CallVolume = { requested: 0, sent: 0, input_tokens: 0, output_tokens: 0 };

export function addVolumes(a: CallVolume, b: CallVolume): CallVolume {
  return {
    requested: a.requested + b.requested,
    sent: a.sent + b.sent,
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
  };
}

export function scaleVolume(volume: CallVolume, factor: number): CallVolume {
  return {
    requested: volume.requested * factor,
    sent: volume.sent * factor,
    input_tokens: volume.input_tokens * factor,
    output_tokens: volume.output_tokens * factor,
  };
}
