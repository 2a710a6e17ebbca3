/**
 * Outcome counts over a batch of reward results (rows, neutral, gated, errors, judge calls): the fields of the one log
 * line per request (server) or invocation (Lambda).
 */
import type { RewardResult } from '../result.js';

export interface ResultCounts {
  rows: number;
  neutral: number;
  gated: number;
  row_errors: number;
  judge_errors: number;
  deadline_exceeded: number;
  judge_calls: number;
}

export function countResults(results: readonly RewardResult[]): ResultCounts {
  const counts: ResultCounts = {
    rows: results.length,
    neutral: 0,
    gated: 0,
    row_errors: 0,
    judge_errors: 0,
    deadline_exceeded: 0,
    judge_calls: 0,
  };
  for (const result of results) {
    if (result.neutral) counts.neutral++;
    if (result.flags.includes('gated')) counts.gated++;
    if (result.reward === null && !result.flags.includes('judge_error')) counts.row_errors++; // null + judge_error: on_judge_error: null
    if (result.flags.includes('judge_error')) counts.judge_errors++;
    if (result.flags.includes('deadline_exceeded')) counts.deadline_exceeded++;
    counts.judge_calls += result.metrics.judge_calls ?? 0;
  }
  return counts;
}
