/**
 * How a judge panel (panel-judge.ts) turns its members' scores into one: pure, no I/O.
 * - `mean` / `median`: of the member scores; the panel passes when that score is >= threshold.
 * - `majority`: score 1 when more than half of the members pass (score >= threshold), else 0 (a tie fails).
 * - `unanimity`: score 1 when every member passes, else 0.
 * `agreement` is the share of members whose own pass/fail (score >= threshold) equals the panel's: 1 when all
 * agree; with two members split, 0.5. `score_std` is the population standard deviation of the member scores.
 * Both are rounded to 6 decimals (round6).
 */
import { round6 } from '../round6.js';
import type { PANEL_COMBINES } from '../spec/schema.js';

export type PanelCombine = (typeof PANEL_COMBINES)[number];

export interface PanelVerdict {
  score: number;
  passed: boolean;
  /** Share of members whose pass/fail equals the panel's, in [0, 1]. */
  agreement: number;
  /** Population standard deviation of the member scores. */
  score_std: number;
}

/** Combines at least one member score (each in [0, 1]). */
export function combinePanel(scores: readonly number[], combine: PanelCombine, threshold: number): PanelVerdict {
  if (scores.length === 0) throw new Error('combinePanel needs at least one member score');
  const passes = scores.filter((score) => score >= threshold).length;
  const score = combinedScore(scores, combine, passes);
  const passed = combine === 'majority' || combine === 'unanimity' ? score === 1 : score >= threshold;
  const agreeing = passed ? passes : scores.length - passes;
  const mean = scores.reduce((sum, value) => sum + value, 0) / scores.length;
  const variance = scores.reduce((sum, value) => sum + (value - mean) ** 2, 0) / scores.length;
  return { score, passed, agreement: round6(agreeing / scores.length), score_std: round6(Math.sqrt(variance)) };
}

function combinedScore(scores: readonly number[], combine: PanelCombine, passes: number): number {
  switch (combine) {
    case 'mean':
      return scores.reduce((sum, value) => sum + value, 0) / scores.length;
    case 'median': {
      const sorted = [...scores].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    }
    case 'majority':
      return passes * 2 > scores.length ? 1 : 0;
    case 'unanimity':
      return passes === scores.length ? 1 : 0;
  }
}

/** The default quorum of a panel of `size` members: a majority. */
export function defaultQuorum(size: number): number {
  return Math.floor(size / 2) + 1;
}
