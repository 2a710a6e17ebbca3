/** The terminal view of a run plan: what was measured, one line per judge model per step, the whole run, the notes. */
import type { RunPlan, StepVolume } from './run-plan.js';
import type { WallTime } from './wall-time.js';

const HEADERS = ['judge model', 'calls/step', 'per rollout', 'dedup', 'input tok', 'output tok', 'cost USD', 'least time', 'binds'];

export function formatPlanTable(plan: RunPlan): string {
  const { source } = plan;
  const lines: string[] = [];
  const groups = plan.group_size > 1 ? ` in groups of ${plan.group_size} (${count(plan.groups_per_step)} groups)` : '';
  lines.push(
    `rewardkit plan: ${count(plan.rows_per_step)} rollouts per step${groups}, ${count(plan.steps)} step${plan.steps === 1 ? '' : 's'}`,
  );
  const read = source.mode === 'sample' ? `a dry run of ${source.rows} sample rows` : `${source.rows} scored rows`;
  lines.push(
    `from ${read} (${source.file}): ${source.judged} reach the judges, ${source.gated} gated, ${source.empty} empty, ${source.unreadable} unreadable`,
  );
  lines.push(`rollouts reaching the judges: ${percent(plan.judged_share)} (${plan.judged_share_from})`);
  lines.push('');
  const rows = plan.models.map((model) => [
    model.model,
    count(model.per_step.sent),
    fixed(plan.rows_per_step === 0 ? 0 : model.per_step.sent / plan.rows_per_step, 3),
    percent(model.dedup_share),
    count(model.per_step.input_tokens),
    count(model.per_step.output_tokens),
    usd(model.per_step.cost_usd),
    duration(model.wall_time_per_step.least_s),
    bindsOf(model.wall_time_per_step),
  ]);
  const total = plan.per_step;
  if (plan.models.length > 1) rows.push(totalRow('total per step', total, plan.rows_per_step, total.least_wall_time_s));
  lines.push(...table([HEADERS, ...rows]));
  lines.push('');
  const run = plan.run;
  lines.push(
    `whole run (${count(plan.steps)} step${plan.steps === 1 ? '' : 's'}): ${count(run.sent)} judge calls, ` +
      `${count(run.input_tokens)} input + ${count(run.output_tokens)} output tokens, ${run.cost_usd === null ? 'cost unknown' : `$${usd(run.cost_usd)}`}, ` +
      `least judge time ${duration(run.least_wall_time_s)}` +
      (total.binding ? ` (bound by ${total.binding.model}'s ${total.binding.limit.replaceAll('_', ' ')})` : ''),
  );
  if (plan.notes.length > 0) lines.push('', 'notes:', ...plan.notes.map((note) => `  - ${note}`));
  return lines.join('\n');
}

function totalRow(label: string, volume: StepVolume, rows: number, least: number | null): string[] {
  return [
    label,
    count(volume.sent),
    fixed(rows === 0 ? 0 : volume.sent / rows, 3),
    percent(volume.requested === 0 ? 0 : 1 - volume.sent / volume.requested),
    count(volume.input_tokens),
    count(volume.output_tokens),
    usd(volume.cost_usd),
    duration(least),
    '',
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 0 || column === row.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

function bindsOf(wall: WallTime): string {
  if (wall.binds === null) return 'unknown';
  return { concurrency: 'concurrency', requests_per_minute: 'RPM', tokens_per_minute: 'TPM' }[wall.binds];
}

/** A count: whole numbers with thousands separators, fractions to one decimal. */
function count(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

function usd(value: number | null): string {
  return value === null ? '?' : value.toFixed(4);
}

/** Seconds as "12.5 s", "3 min 05 s" or "2 h 07 min"; "?" when unknown. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '?';
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
