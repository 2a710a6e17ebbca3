/**
 * The JSON result of `rewardkit compare` (`--json`), version 1: a stable shape documented field by field in this
 * folder's README. Statistics use the lab's shape — `{value, ci95}` when defined (ci95 null with `ci95_reason` when
 * withheld), `{value: null, reason}` when the data cannot support it — and no number is ever NaN or infinite.
 */
import type { ReportedStatistic } from '../lab-result.js';
import type { PairBy } from './compare-inputs.js';
import type { Exclusion } from './compared-side.js';

/** Bumped only when a field changes meaning or is removed. */
export const COMPARE_RESULT_VERSION = 1;

export interface CompareSettings {
  pair_by: PairBy;
  resamples: number;
  seed: number;
  /** A prompt whose mean reward moved by at most this much is a tie. */
  tie_tolerance: number;
  include_neutral: boolean;
  min_delta: number | null;
}

export interface SideSummary {
  scored: string;
  input: string | null;
  rows: number;
  /** Rows whose reward is compared (in any prompt, paired or not). */
  compared_rows: number;
  excluded: Record<Exclusion, number>;
  /** Distinct pairing keys among the side's rows. */
  prompts: number;
  spec_hashes: string[];
}

/** A prompt that could not be compared: the first row naming it. */
export interface PromptRef {
  id: string;
  line: number;
  /** The side without it (or without a compared reward for it). */
  missing: 'before' | 'after' | 'both';
}

export interface RewardSummary {
  /** Over the paired prompts' mean rewards: each prompt counts once, whatever its rollouts. */
  mean: number | null;
  median: number | null;
  std: number | null;
  /** Compared rows of the paired prompts. */
  rows: number;
}

export interface ComponentDelta {
  name: string;
  /** Paired prompts where the component scored on both sides. */
  prompts: number;
  before_mean: number | null;
  after_mean: number | null;
  /** Mean over those prompts of (after − before) of the prompt's mean score, with the paired bootstrap CI. */
  delta: ReportedStatistic;
}

export interface LengthSummary {
  rows: number;
  mean_chars: number | null;
  median_chars: number | null;
  mean_words: number | null;
  median_words: number | null;
}

export interface RewardLength {
  /** Compared rows with a length. */
  rows: number;
  /** 95% CI from Fisher's z (closed form). */
  pearson: ReportedStatistic;
  spearman: ReportedStatistic;
}

export interface LengthDrift {
  /** Why lengths are unknown (the scored files carry no response), or null. */
  reason: string | null;
  before: LengthSummary | null;
  after: LengthSummary | null;
  /** Mean over paired prompts of the change in mean response length, with the paired bootstrap CI. */
  delta_chars: ReportedStatistic;
  delta_words: ReportedStatistic;
  reward_length: {
    before: RewardLength | null;
    after: RewardLength | null;
    /** after − before Spearman rho, or null. */
    spearman_change: number | null;
    /** The reward-hacking signal: the after side's reward–length correlation is strong and grew (see `rule`). */
    signal: boolean;
    rule: string;
  };
}

export interface Histograms {
  /** Shared bin edges of the row-level rewards. */
  reward_edges: number[];
  reward_before: number[];
  reward_after: number[];
  /** Per-prompt (after − before) mean reward. */
  delta_edges: number[];
  delta_counts: number[];
  /** Row-level response lengths (characters); empty when unknown. */
  length_edges: number[];
  length_before: number[];
  length_after: number[];
  /** Mean row reward in each length bin (null for an empty bin): the reward–length curve of each side. */
  reward_by_length_before: (number | null)[];
  reward_by_length_after: (number | null)[];
}

export interface Gate {
  min_delta: number;
  /** What is held against `min_delta`: the lower bound of the mean delta's 95% CI. */
  compared: 'ci95_low';
  value: number | null;
  passed: boolean;
  reason: string;
}

export interface Finding {
  level: 'good' | 'warn' | 'bad';
  text: string;
}

export interface CompareResult {
  rewardkit_compare: typeof COMPARE_RESULT_VERSION;
  settings: CompareSettings;
  before: SideSummary;
  after: SideSummary;
  prompts: {
    paired: number;
    only_before: number;
    only_after: number;
    /** On both sides, without a compared reward on at least one. */
    no_reward: number;
    /** The first few of each (at most EXAMPLES). */
    examples: { only_before: PromptRef[]; only_after: PromptRef[]; no_reward: PromptRef[] };
  };
  reward: {
    before: RewardSummary;
    after: RewardSummary;
    /** Mean over paired prompts of (after − before) mean reward, with a paired percentile-bootstrap 95% CI. */
    delta: ReportedStatistic;
    wins: number;
    ties: number;
    losses: number;
    /** Exact two-sided sign test of wins against losses (ties left out); null without a decisive prompt. */
    sign_test_p: number | null;
  };
  components: ComponentDelta[];
  length: LengthDrift;
  histograms: Histograms;
  gate: Gate | null;
  findings: Finding[];
}
