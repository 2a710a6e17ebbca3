/**
 * What a deterministic check is: a pure function of the row that returns a score in [0, 1]
 * (or null when it cannot decide) and what it found. One file per check type beside this one.
 */
import type { RowContext } from '../input/row-view.js';

export interface CheckOutcome {
  /** [0, 1], or null when the check cannot decide (e.g. text too short to detect a language). */
  score: number | null;
  /** A one-line human reason. */
  message: string;
  details?: Record<string, unknown>;
}

export type Check = (context: RowContext) => CheckOutcome | Promise<CheckOutcome>;

/** Joins every string a selector reaches into one text (non-strings as JSON). */
export function selectedText(context: RowContext, selector: string): string {
  return context
    .select(selector)
    .map((value) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value)))
    .join('\n');
}
