/** Counts over a batch of reward results, for one log line per request or invocation. */
import type { RewardResult } from '../result.js';

export interface ResultSummary {
  rows: number;
  neutral: number;
  gated: number;
  row_errors: number;
  judge_errors: number;
  deadline_exceeded: number;
  judge_calls: number;
}

export function summariseResults(results: readonly RewardResult[]): ResultSummary {
  const summary: ResultSummary = {
    rows: results.length,
    neutral: 0,
    gated: 0,
    row_errors: 0,
    judge_errors: 0,
    deadline_exceeded: 0,
    judge_calls: 0,
  };
  for (const result of results) {
    if (result.neutral) summary.neutral++;
    if (result.flags.includes('gated')) summary.gated++;
    if (result.reward === null && !result.flags.includes('judge_error')) summary.row_errors++; // null + judge_error: on_judge_error: null
    if (result.flags.includes('judge_error')) summary.judge_errors++;
    if (result.flags.includes('deadline_exceeded')) summary.deadline_exceeded++;
    summary.judge_calls += result.metrics.judge_calls ?? 0;
  }
  return summary;
}
