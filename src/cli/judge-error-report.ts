/**
 * What `score` says at the end of a run whose judge failed: how many judge calls failed and why, whether that is
 * more than --max-judge-error-rate (exit code 9), and the exact command that judges only the failed rows again.
 */
import { percent, type ScoreTotals } from './score-tally.js';

export const DEFAULT_MAX_JUDGE_ERROR_RATE = 0.5;

export interface JudgeErrorReport {
  /** More than the allowed share of judge calls failed. */
  exceeded: boolean;
  /** Lines for stderr ('' when nothing failed). */
  text: string;
}

/**
 * `retryCommand`: the command line that re-judges the failed rows, or null when the run cannot be retried as it
 * was started (stdout output or stdin input), in which case the report says what is needed.
 */
export function judgeErrorReport(totals: ScoreTotals, maxRate: number, retryCommand: string | null): JudgeErrorReport {
  const { calls, errors } = totals.judge;
  const exceeded = calls > 0 && errors / calls > maxRate;
  if (totals.rejudge_rows === 0 && !exceeded) return { exceeded, text: '' };
  const lines: string[] = [];
  if (exceeded) {
    const kinds = Object.entries(totals.judge_error_kinds)
      .map(([kind, count]) => `${kind} ×${count}`)
      .join(', ');
    lines.push(
      `score: ${errors} of ${calls} judge calls failed (${percent(errors / calls)}, more than --max-judge-error-rate ${maxRate}): ${kinds}.`,
    );
    lines.push(
      `The rewards of ${totals.rejudge_rows} rows are fallbacks, not judgements. Check the judge (endpoint, model name, API key), then`,
    );
  } else {
    lines.push(
      `${totals.rejudge_rows} rows have a failed judge (flagged judge_error, deadline_exceeded or circuit_open). To judge them again,`,
    );
  }
  lines.push(
    retryCommand === null
      ? 'write the results to a file (--output FILE, with the input as a file) and run score --retry-errors on it with the same --spec, --input and --output.'
      : `judge only those rows again (other lines are kept as they are):\n  ${retryCommand}`,
  );
  return { exceeded, text: lines.join('\n') };
}

/** The `score --retry-errors` command for a run, repeating the options that choose the judge and the cache. */
export function retryCommandOf(values: Record<string, string | boolean | undefined>): string | null {
  if (typeof values.output !== 'string' || typeof values.input !== 'string' || values.input === '-') return null;
  const parts = ['rewardkit score --retry-errors'];
  for (const flag of [
    'spec',
    'input',
    'output',
    'judge',
    'judge-base-url',
    'cache',
    'cache-namespace',
    'row-deadline-ms',
    'prices',
    'concurrency',
  ]) {
    const value = values[flag];
    if (typeof value === 'string') parts.push(`--${flag} ${shellQuote(value)}`);
  }
  if (values['no-cache'] === true) parts.push('--no-cache');
  return parts.join(' ');
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
