/**
 * The tally of a `score` run: running totals over its rows, in constant memory — reward mean/std/min/max (Welford),
 * per-component means, flag counts, judge usage (also judge calls sent per rollout) and judge failures (the share of
 * failed calls decides `score`'s exit code 9), and the summary table `score` prints on stderr at the end. `score --retry-errors` re-judges the rows
 * `needsRejudging` picks.
 */
import type { RewardResult } from '../result.js';

/** Flags of a row whose judging failed: `score --retry-errors` judges such rows again. */
export const REJUDGE_FLAGS = ['judge_error', 'deadline_exceeded', 'circuit_open'] as const;

/** True when a judge failed for the row (a flag above, or a judge component in error): worth judging again. */
export function needsRejudging(result: Pick<RewardResult, 'flags' | 'components'>): boolean {
  return (
    result.flags.some((flag) => (REJUDGE_FLAGS as readonly string[]).includes(flag)) ||
    result.components.some((component) => component.kind === 'judge' && component.status === 'error')
  );
}

export interface ModelUsage {
  /** Calls this run sent to the model (cache hits and shared calls not included). */
  calls: number;
  /** Calls answered from the cache or by an identical call in flight. */
  cached: number;
  attempts: number;
  retries: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  /** null when no price is known for the model. */
  cost_usd: number | null;
}

export interface ScoreTotals {
  rows: number;
  scored: number;
  row_errors: number;
  /** Rows with no reward because a judge failed (`on_judge_error: null`). */
  no_reward: number;
  /** Rows a judge failed for (see needsRejudging): what `--retry-errors` would judge again. */
  rejudge_rows: number;
  reward: { mean: number; std: number; min: number; max: number } | null;
  components: Record<string, { mean: number; count: number }>;
  flags: Record<string, number>;
  /** `calls` counts every judge call record (cache hits too); `errors` the calls that failed after their retries. */
  judge: { calls: number; attempts: number; errors: number; input_tokens: number; output_tokens: number };
  /**
   * Judge calls sent to a model (not from the cache, not shared with an identical call in flight) ÷ rows; null with no
   * rows. A group judge's calls are on its group's owner row only, so each counts once: 0.25 for groups of 8 judged in 2 orders.
   */
  calls_per_rollout: number | null;
  /** Failed judge calls by error kind (server_error, auth_error, circuit_open, parse_error, …). */
  judge_error_kinds: Record<string, number>;
  models: Record<string, ModelUsage>;
}

export class ScoreTally {
  private rows = 0;
  private rowErrors = 0;
  private noReward = 0;
  private rejudgeRows = 0;
  private count = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly components = new Map<string, { sum: number; count: number }>();
  private readonly flags = new Map<string, number>();
  private readonly judge = { calls: 0, attempts: 0, errors: 0, input_tokens: 0, output_tokens: 0 };
  private readonly errorKinds = new Map<string, number>();
  private readonly models = new Map<string, ModelUsage>();

  add(result: RewardResult): void {
    this.rows++;
    for (const flag of result.flags) this.flags.set(flag, (this.flags.get(flag) ?? 0) + 1);
    if (needsRejudging(result)) this.rejudgeRows++;
    this.addJudgeUsage(result);
    if (result.reward === null) {
      // no reward: a failed judge under on_judge_error: null, or else a row that could not be read
      if (result.flags.includes('judge_error') && !result.flags.includes('row_error')) this.noReward++;
      else this.rowErrors++;
      return;
    }
    this.count++;
    const delta = result.reward - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (result.reward - this.mean);
    this.min = Math.min(this.min, result.reward);
    this.max = Math.max(this.max, result.reward);
    for (const component of result.components) {
      if (component.score === null) continue;
      const entry = this.components.get(component.name) ?? { sum: 0, count: 0 };
      entry.sum += component.score;
      entry.count++;
      this.components.set(component.name, entry);
    }
  }

  private addJudgeUsage(result: RewardResult): void {
    this.judge.calls += result.metrics.judge_calls ?? 0;
    this.judge.attempts += result.metrics.judge_attempts ?? 0;
    this.judge.input_tokens += result.metrics.judge_input_tokens ?? 0;
    this.judge.output_tokens += result.metrics.judge_output_tokens ?? 0;
    for (const call of result.components.flatMap((component) => component.calls ?? [])) {
      const key = call.model ?? '(judge)';
      const usage = this.models.get(key) ?? {
        calls: 0,
        cached: 0,
        attempts: 0,
        retries: 0,
        errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: null,
      };
      if (call.cached) usage.cached++;
      else usage.calls++;
      usage.attempts += call.attempts;
      usage.retries += Math.max(0, call.attempts - 1);
      if (call.error) {
        usage.errors++;
        this.judge.errors++;
        this.errorKinds.set(call.error.kind, (this.errorKinds.get(call.error.kind) ?? 0) + 1);
      }
      usage.input_tokens += call.usage.input_tokens;
      usage.output_tokens += call.usage.output_tokens;
      if (call.cost_usd !== undefined) usage.cost_usd = (usage.cost_usd ?? 0) + call.cost_usd;
      this.models.set(key, usage);
    }
  }

  /** A line that was not a readable row at all (e.g. invalid JSON). */
  addUnreadable(): void {
    this.rows++;
    this.rowErrors++;
    this.flags.set('row_error', (this.flags.get('row_error') ?? 0) + 1);
  }

  get judgeCalls(): number {
    return this.judge.calls;
  }

  get errorCount(): number {
    return this.rowErrors + (this.flags.get('judge_error') ?? 0) + (this.flags.get('internal_error') ?? 0);
  }

  /** Share of judge calls that failed (0 when no judge was called). */
  get judgeErrorRate(): number {
    return this.judge.calls === 0 ? 0 : this.judge.errors / this.judge.calls;
  }

  totals(): ScoreTotals {
    return {
      rows: this.rows,
      scored: this.count,
      row_errors: this.rowErrors,
      no_reward: this.noReward,
      rejudge_rows: this.rejudgeRows,
      reward:
        this.count === 0
          ? null
          : { mean: this.mean, std: this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0, min: this.min, max: this.max },
      components: Object.fromEntries(
        [...this.components].map(([name, entry]) => [name, { mean: entry.sum / entry.count, count: entry.count }]),
      ),
      flags: Object.fromEntries(this.flags),
      judge: { ...this.judge },
      calls_per_rollout: this.rows === 0 ? null : [...this.models.values()].reduce((sent, usage) => sent + usage.calls, 0) / this.rows,
      judge_error_kinds: Object.fromEntries(this.errorKinds),
      models: Object.fromEntries([...this.models].map(([key, usage]) => [key, { ...usage }])),
    };
  }
}

/** The summary table of a run: its totals as aligned text. */
export function formatSummaryTable(totals: ScoreTotals, seconds: number): string {
  const fixed = (value: number) => value.toFixed(3);
  const rows: Array<[string, string]> = [];
  const noReward = totals.no_reward > 0 ? `, ${totals.no_reward} no reward` : '';
  rows.push(['rows', `${totals.rows} (${totals.scored} scored, ${totals.row_errors} unreadable${noReward})`]);
  if (totals.reward) {
    rows.push(['reward mean ± std', `${fixed(totals.reward.mean)} ± ${fixed(totals.reward.std)}`]);
    rows.push(['reward min / max', `${fixed(totals.reward.min)} / ${fixed(totals.reward.max)}`]);
  }
  for (const [name, entry] of Object.entries(totals.components)) rows.push([`  ${name}`, `${fixed(entry.mean)} (n=${entry.count})`]);
  const shownFlags = ['gated', 'empty_response', 'judge_error', 'deadline_exceeded', 'circuit_open', 'nothing_scored'];
  shownFlags.push('response_cut_for_judge', 'row_error', 'internal_error');
  for (const flag of shownFlags) {
    if (totals.flags[flag]) rows.push([flag, String(totals.flags[flag])]);
  }
  rows.push(['judge calls (attempts)', `${totals.judge.calls} (${totals.judge.attempts})`]);
  if (totals.calls_per_rollout !== null) rows.push(['judge calls per rollout', fixed(totals.calls_per_rollout)]);
  if (totals.judge.errors > 0) {
    const kinds = Object.entries(totals.judge_error_kinds)
      .map(([kind, count]) => `${kind} ×${count}`)
      .join(', ');
    const share = percent(totals.judge.errors / Math.max(totals.judge.calls, 1));
    rows.push(['judge calls failed', `${totals.judge.errors} of ${totals.judge.calls} (${share}): ${kinds}`]);
  }
  rows.push(['judge tokens in / out', `${totals.judge.input_tokens} / ${totals.judge.output_tokens}`]);
  for (const [model, usage] of Object.entries(totals.models)) {
    const cost = usage.cost_usd === null ? 'cost unknown (no price)' : `$${usage.cost_usd.toFixed(4)}`;
    rows.push([
      `  ${model}`,
      `${usage.calls} calls + ${usage.cached} cached, ${usage.retries} retries, ${usage.errors} errors, ${usage.input_tokens} / ${usage.output_tokens} tokens, ${cost}`,
    ]);
  }
  rows.push(['wall time', `${seconds.toFixed(1)} s (${(totals.rows / Math.max(seconds, 1e-9)).toFixed(1)} rows/s)`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
