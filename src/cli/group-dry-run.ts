/**
 * `score --dry-run` with a group judge: the input is planned in windows of `--group-window` rows
 * (reward.planGroups), so the count of judge calls includes one call per group, order and chunk instead of one
 * per row. Prints the first row's checks and per-row judge prompts, then the prompts of the first group's call(s).
 */
import type { BatchPlan, Reward } from '../reward.js';
import { EXIT } from './exit-codes.js';
import type { JsonlLine } from './read-jsonl.js';

type CommandIo = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

interface Counts {
  rows: number;
  calls: number;
  groupCalls: number;
  groups: number;
  gated: number;
  empty: number;
  unreadable: number;
}

export async function groupedDryRun(reward: Reward, source: AsyncIterable<JsonlLine>, window: number, io: CommandIo): Promise<number> {
  const counts: Counts = { rows: 0, calls: 0, groupCalls: 0, groups: 0, gated: 0, empty: 0, unreadable: 0 };
  let batch: Array<{ row: unknown; fallbackId: string; line: number }> = [];
  let shownFirst = false;
  const planBatch = async () => {
    const plan = await reward.planGroups(batch);
    if (!shownFirst) shownFirst = showFirst(plan, batch, io);
    count(plan, batch, counts, io);
    batch = [];
  };
  for await (const entry of source) {
    counts.rows++;
    if ('error' in entry) {
      counts.unreadable++;
      io.stderr.write(`${entry.error}\n`);
      continue;
    }
    batch.push({ row: entry.value, fallbackId: `line-${entry.line}`, line: entry.line });
    if (batch.length === window) await planBatch();
  }
  if (batch.length > 0) await planBatch();
  const { rows, calls, groupCalls, groups, gated, empty, unreadable } = counts;
  io.stdout.write(
    `\n${rows} rows: a real run would make ${calls} judge calls, ${groupCalls} of them for ${groups} groups (windows of ${window} rows) ` +
      `(${gated} rows stopped by a gate, ${empty} empty responses, ${unreadable} unreadable lines).\n`,
  );
  return unreadable > 0 ? EXIT.badRows : EXIT.ok;
}

function count(plan: BatchPlan, batch: ReadonlyArray<{ line: number }>, counts: Counts, io: CommandIo): void {
  plan.rows.forEach((row, index) => {
    if (row.error) {
      counts.unreadable++;
      io.stderr.write(`line ${batch[index]!.line}: row skipped — ${row.error.message}\n`);
    } else if (row.empty) counts.empty++;
    else if (row.gatedBy) counts.gated++;
    else counts.calls += row.prompts.length;
  });
  for (const group of plan.groups) {
    counts.groups++;
    counts.groupCalls += group.prompts.length;
    counts.calls += group.prompts.length;
  }
}

/** Prints the first readable row's plan and the first group's prompts; false when the batch had no readable row. */
function showFirst(plan: BatchPlan, batch: ReadonlyArray<{ line: number }>, io: CommandIo): boolean {
  const index = plan.rows.findIndex((row) => !row.error);
  if (index < 0) return false;
  const row = plan.rows[index]!;
  io.stdout.write(`# Dry run — no judge is called.\n# Row ${JSON.stringify(row.id)} (line ${batch[index]!.line})\n`);
  for (const check of row.checks)
    io.stdout.write(`#   check ${check.name}: ${check.score === null ? 'undetermined' : check.score.toFixed(3)} — ${check.rationale}\n`);
  if (row.gatedBy) io.stdout.write(`#   gate "${row.gatedBy}" fails for this row: a real run would not call the judges below.\n`);
  for (const prompt of row.prompts) {
    io.stdout.write(`\n===== judge ${prompt.judge} · ${prompt.label} · system =====\n${prompt.request.system}\n`);
    io.stdout.write(`===== judge ${prompt.judge} · ${prompt.label} · user =====\n${prompt.request.user}\n`);
  }
  const group = plan.groups[0];
  if (group) {
    const ids = group.members.map((id) => JSON.stringify(id)).join(', ');
    io.stdout.write(
      `\n# Group judge ${group.judge}: the first group has ${group.members.length} rows (${ids}), ${group.prompts.length} calls\n`,
    );
    for (const prompt of group.prompts) {
      io.stdout.write(`\n===== judge ${group.judge} · ${prompt.label} · system =====\n${prompt.request.system}\n`);
      io.stdout.write(`===== judge ${group.judge} · ${prompt.label} · user =====\n${prompt.request.user}\n`);
    }
  }
  return true;
}
