/**
 * Warnings about a whole batch, for the server and the Lambda — the signs of a reward that is quietly the
 * same for every rollout:
 *   - the neutral share: when more than a threshold of a batch's rewards are the neutral fallback (or no
 *     reward at all), a warning names the likely cause — the most common judge error kind and message among
 *     the results' components (else the row errors, the deadline, …). Rate-limited: at most one warning per
 *     interval, with the number of such batches not logged in between.
 *   - missing references: when no row of a request has a reference (every judged row carries the flag
 *     `no_reference`), one warning for the request saying which components were left out and why.
 */
import { NO_REFERENCE, type RewardResult } from '../result.js';

export const DEFAULT_NEUTRAL_WARN_SHARE = 0.5;
export const DEFAULT_NEUTRAL_WARN_INTERVAL_MS = 60_000;
/** Rows with one of these flags never reached the judges: they say nothing about references. */
const NOT_JUDGED = ['row_error', 'gated', 'empty_response', 'config_error', 'internal_error'];

/** The share of a batch whose reward is the neutral fallback or missing (what a trainer cannot learn from). */
export function neutralShareOf(results: readonly RewardResult[]): { neutral: number; share: number } {
  const neutral = results.filter(isNeutral).length;
  return { neutral, share: results.length === 0 ? 0 : neutral / results.length };
}

function isNeutral(result: RewardResult): boolean {
  return result.neutral || result.reward === null;
}

export interface NeutralCause {
  /** A judge error kind (`server_error`, `auth_error`, `timeout`, …), or `row_error`, `deadline_exceeded`, `nothing_scored`, … */
  kind: string;
  /** The most common message of that kind. */
  message: string;
  /** Neutral rows with this kind of cause. */
  rows: number;
}

/** Why the neutral rows of a batch are neutral, most common first: the kind with most rows, and its most common message. */
export function likelyNeutralCause(results: readonly RewardResult[]): NeutralCause | undefined {
  const byKind = new Map<string, Map<string, number>>();
  for (const result of results) {
    if (!isNeutral(result)) continue;
    const { kind, message } = causeOf(result);
    const messages = byKind.get(kind) ?? new Map<string, number>();
    messages.set(message, (messages.get(message) ?? 0) + 1);
    byKind.set(kind, messages);
  }
  let best: NeutralCause | undefined;
  for (const [kind, messages] of byKind) {
    const rows = [...messages.values()].reduce((sum, count) => sum + count, 0);
    if (best && rows <= best.rows) continue;
    const [message] = [...messages].reduce((top, entry) => (entry[1] > top[1] ? entry : top));
    best = { kind, message, rows };
  }
  return best;
}

function causeOf(result: RewardResult): { kind: string; message: string } {
  const failed = result.components.find((component) => component.status === 'error' && component.error);
  if (failed?.error) {
    const status = failed.error.status === undefined ? '' : ` (HTTP ${failed.error.status})`;
    return { kind: failed.error.kind, message: `${failed.name}: ${failed.error.message}${status}` };
  }
  const flags = result.flags;
  if (flags.includes('deadline_exceeded'))
    return {
      kind: 'deadline_exceeded',
      message: 'rows not finished within the deadline (--deadline-ms, or the Lambda timeout minus its margin)',
    };
  for (const kind of ['row_error', 'config_error', 'internal_error']) {
    if (flags.includes(kind) || (kind === 'row_error' && result.reward === null && result.error))
      return { kind, message: result.error?.message ?? kind };
  }
  if (flags.includes('judge_error'))
    return {
      kind: 'judge_error',
      message: 'a judge failed (components left out of this reply: ask with components: true for the error kinds)',
    };
  if (flags.includes('nothing_scored')) return { kind: 'nothing_scored', message: 'no component could score the row' };
  return { kind: 'unknown', message: 'no flag says why' };
}

export interface NeutralShareWarning {
  rows: number;
  neutral: number;
  neutral_share: number;
  threshold: number;
  cause?: NeutralCause;
  /** Batches over the threshold since the last warning that were not logged (rate limit). */
  suppressed: number;
}

export interface NeutralShareAlarmOptions {
  /** Warn when the neutral share is above this (0–1; 1 never warns). */
  threshold?: number;
  /** At most one warning per this many milliseconds. */
  intervalMs?: number;
  now?: () => number;
}

/** Decides, batch by batch, whether to warn about the neutral share (rate-limited). Keep one per process. */
export class NeutralShareAlarm {
  readonly threshold: number;
  readonly intervalMs: number;
  private readonly now: () => number;
  private lastWarnedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(options: NeutralShareAlarmOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_NEUTRAL_WARN_SHARE;
    this.intervalMs = options.intervalMs ?? DEFAULT_NEUTRAL_WARN_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The warning to log for this batch, or undefined (under the threshold, or already warned within the interval). */
  check(results: readonly RewardResult[]): NeutralShareWarning | undefined {
    const { neutral, share } = neutralShareOf(results);
    if (results.length === 0 || share <= this.threshold) return undefined;
    const now = this.now();
    if (now - this.lastWarnedAt < this.intervalMs) {
      this.suppressed++;
      return undefined;
    }
    const suppressed = this.suppressed;
    this.lastWarnedAt = now;
    this.suppressed = 0;
    const cause = likelyNeutralCause(results);
    return {
      rows: results.length,
      neutral,
      neutral_share: round(share),
      threshold: this.threshold,
      ...(cause ? { cause } : {}),
      suppressed,
    };
  }
}

/** The log message of a neutral-share warning (the fields go beside it). */
export function neutralShareMessage(warning: NeutralShareWarning, thresholdName: string): string {
  const percent = Math.round(warning.neutral_share * 100);
  const cause = warning.cause ? `; most common cause (${warning.cause.rows} rows): ${warning.cause.kind}: ${warning.cause.message}` : '';
  const suppressed = warning.suppressed > 0 ? ` (${warning.suppressed} more such batches since the last warning)` : '';
  return `${warning.neutral} of ${warning.rows} rewards in this batch (${percent}%) are the neutral fallback, above ${thresholdName} ${warning.threshold}: the trainer learns nothing from them${cause}${suppressed}`;
}

export interface MissingReferenceWarning {
  rows: number;
  /** The components that could not score for want of a reference. */
  components: string[];
}

/**
 * One warning for a request in which no row has a reference: every row that was judged carries `no_reference`
 * (rows that were unreadable, gated or empty are not judged and do not count either way).
 */
export function missingReferenceWarning(results: readonly RewardResult[]): MissingReferenceWarning | undefined {
  const judged = results.filter((result) => !NOT_JUDGED.some((flag) => result.flags.includes(flag)));
  if (judged.length === 0 || !judged.every((result) => result.flags.includes(NO_REFERENCE))) return undefined;
  const components = new Set<string>();
  for (const result of judged)
    for (const component of result.components) if (component.details?.[NO_REFERENCE] === true) components.add(component.name);
  return { rows: judged.length, components: [...components] };
}

export function missingReferenceMessage(warning: MissingReferenceWarning, hint: string): string {
  const which = warning.components.length > 0 ? ` (${warning.components.join(', ')})` : '';
  return `no row of this request has a reference: the components that need one${which} were left out of all ${warning.rows} rewards (flag no_reference); ${hint}`;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
