/**
 * Running totals over scored rows, in constant memory: reward mean/std/min/max (Welford), per-component
 * means, flag counts and judge usage. Used by the `score` summary table (and later by the server's stats).
 */
import type { RewardResult } from './result.js';

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

export interface SummaryStats {
  rows: number;
  scored: number;
  row_errors: number;
  reward: { mean: number; std: number; min: number; max: number } | null;
  components: Record<string, { mean: number; count: number }>;
  flags: Record<string, number>;
  judge: { calls: number; attempts: number; input_tokens: number; output_tokens: number };
  models: Record<string, ModelUsage>;
}

export class RunSummary {
  private rows = 0;
  private rowErrors = 0;
  private count = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly components = new Map<string, { sum: number; count: number }>();
  private readonly flags = new Map<string, number>();
  private readonly judge = { calls: 0, attempts: 0, input_tokens: 0, output_tokens: 0 };
  private readonly models = new Map<string, ModelUsage>();

  add(result: RewardResult): void {
    this.rows++;
    for (const flag of result.flags) this.flags.set(flag, (this.flags.get(flag) ?? 0) + 1);
    if (result.reward === null) {
      this.rowErrors++;
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
    this.judge.calls += result.metrics.judge_calls ?? 0;
    this.judge.attempts += result.metrics.judge_attempts ?? 0;
    this.judge.input_tokens += result.metrics.judge_input_tokens ?? 0;
    this.judge.output_tokens += result.metrics.judge_output_tokens ?? 0;
    for (const call of result.components.flatMap((component) => component.calls ?? [])) {
      const key = call.model ?? '(judge)';
      const usage = this.models.get(key) ?? { calls: 0, cached: 0, attempts: 0, retries: 0, errors: 0, input_tokens: 0, output_tokens: 0, cost_usd: null };
      if (call.cached) usage.cached++;
      else usage.calls++;
      usage.attempts += call.attempts;
      usage.retries += Math.max(0, call.attempts - 1);
      if (call.error) usage.errors++;
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

  stats(): SummaryStats {
    return {
      rows: this.rows,
      scored: this.count,
      row_errors: this.rowErrors,
      reward: this.count === 0 ? null : { mean: this.mean, std: this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0, min: this.min, max: this.max },
      components: Object.fromEntries([...this.components].map(([name, entry]) => [name, { mean: entry.sum / entry.count, count: entry.count }])),
      flags: Object.fromEntries(this.flags),
      judge: { ...this.judge },
      models: Object.fromEntries([...this.models].map(([key, usage]) => [key, { ...usage }])),
    };
  }
}

/** The summary as an aligned text table. */
export function formatSummary(stats: SummaryStats, seconds: number): string {
  const fixed = (value: number) => value.toFixed(3);
  const rows: Array<[string, string]> = [];
  rows.push(['rows', `${stats.rows} (${stats.scored} scored, ${stats.row_errors} unreadable)`]);
  if (stats.reward) {
    rows.push(['reward mean ± std', `${fixed(stats.reward.mean)} ± ${fixed(stats.reward.std)}`]);
    rows.push(['reward min / max', `${fixed(stats.reward.min)} / ${fixed(stats.reward.max)}`]);
  }
  for (const [name, entry] of Object.entries(stats.components)) rows.push([`  ${name}`, `${fixed(entry.mean)} (n=${entry.count})`]);
  for (const flag of ['gated', 'empty_response', 'judge_error', 'deadline_exceeded', 'nothing_scored', 'response_cut_for_judge', 'row_error', 'internal_error']) {
    if (stats.flags[flag]) rows.push([flag === 'judge_error' ? 'judge_error (neutral)' : flag, String(stats.flags[flag])]);
  }
  rows.push(['judge calls (attempts)', `${stats.judge.calls} (${stats.judge.attempts})`]);
  rows.push(['judge tokens in / out', `${stats.judge.input_tokens} / ${stats.judge.output_tokens}`]);
  for (const [model, usage] of Object.entries(stats.models)) {
    const cost = usage.cost_usd === null ? 'cost unknown (no price)' : `$${usage.cost_usd.toFixed(4)}`;
    rows.push([`  ${model}`, `${usage.calls} calls + ${usage.cached} cached, ${usage.retries} retries, ${usage.errors} errors, ${usage.input_tokens} / ${usage.output_tokens} tokens, ${cost}`]);
  }
  rows.push(['wall time', `${seconds.toFixed(1)} s (${(stats.rows / Math.max(seconds, 1e-9)).toFixed(1)} rows/s)`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
