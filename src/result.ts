/**
 * The result types every layer returns, kept as small as autoevals' Score: a component's score is
 * normalised to [0, 1] or null ("could not score" — never a fake 0), with the evidence beside it.
 */

/** Why a judge (or a call to it) failed. */
export type ErrorKind =
  | 'parse_error'
  | 'out_of_scale'
  | 'truncated'
  | 'refusal'
  | 'empty_output'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'auth_error'
  | 'bad_request'
  | 'circuit_open'
  | 'unknown';

export interface ComponentError {
  kind: ErrorKind;
  message: string;
  /** The judge provider's HTTP status, when it answered with an error. */
  status?: number;
  /** The start (at most 500 characters) of the provider's error response body. */
  body?: string;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

/** One judge model call, kept whole so it can be logged, billed and debugged. */
export interface JudgeCallRecord {
  /** Which prompt this was: "item 2", "order response-first", … */
  label: string;
  raw: string;
  finish_reason: string;
  usage: TokenUsage;
  latency_ms: number;
  attempts: number;
  /** The judge model (provider:model@endpoint). */
  model?: string;
  /** The judge template's `version` (provenance: which prompt produced this verdict). */
  template_version?: string;
  /** Answered from the cache or by an identical call already in flight: no tokens spent. */
  cached?: boolean;
  /** From the model's price (spec `price` or a --prices table); absent when unknown. */
  cost_usd?: number;
  error?: ComponentError;
}

export type ComponentStatus = 'scored' | 'undetermined' | 'skipped' | 'error';

export interface ComponentResult {
  name: string;
  kind: 'check' | 'judge';
  type: string;
  /** Normalised to [0, 1]; null when the component could not score. */
  score: number | null;
  weight: number;
  status: ComponentStatus;
  /** Present on gating checks. */
  gate?: { min_score: number; passed: boolean };
  /** Present when the spec sets `pass_threshold` and the component scored: reported as the 0/1 metric `<name>_pass`. */
  pass?: { threshold: number; passed: boolean };
  /** The judge's reasons (per criterion / dimension / item), or what a check found. */
  rationale?: string;
  details?: Record<string, unknown>;
  error?: ComponentError;
  calls?: JudgeCallRecord[];
}

/**
 * A component that could not judge for want of a reference says so with this `details` key (checks and judges
 * alike), and the reward puts the same row-level flag on the row (`RewardResult.flags`).
 */
export const NO_REFERENCE = 'no_reference';

/**
 * The row flag of the later part of a group that could not be judged whole: `score` judges a group when its
 * `--group-window` has passed (or the run was resumed in the middle of it), so rows of the group that come later
 * are judged as a group of their own, against fewer rivals (src/group-session.ts).
 */
export const GROUP_CUT = 'group_cut';

export interface RewardResult {
  id: string;
  /** SHA-256 of the normalised spec that produced this result (src/spec/spec-hash.ts): provenance. */
  spec_hash?: string;
  /**
   * In aggregate.range; null when the row itself could not be read (flag `row_error`, see `error`), or when a
   * judge failed under `aggregate.on_judge_error: null` (flag `judge_error`: "no reward", not a row error).
   */
  reward: number | null;
  /** True when the reward is the neutral fallback (a judge failed after retries). */
  neutral: boolean;
  /** Name of the gate that failed, if any. */
  gated_by: string | null;
  flags: string[];
  /** Flat numbers for dashboards: one per component plus judge usage counters. */
  metrics: Record<string, number>;
  components: ComponentResult[];
  /** Set when the row could not be read: the field and what was expected. */
  error?: { field: string; message: string };
}
