/**
 * Plans without judging (`score --dry-run`): what a real run would do for a row — its checks, whether a gate
 * stops it, the prompts its judges would send — and, for rows scored together with a group judge, which rows
 * each group call would hold and its prompts. No judge is called; checks run (they are local and cheap).
 */
import type { RowContext } from './input/row-view.js';
import { isGroupJudge, type GroupJudge, type Judge, type JudgePrompt } from './judges/judge.js';
import type { ComponentResult } from './result.js';
import type { RowPhases } from './row-phases.js';

export interface RowPlan {
  id: string;
  error?: { field: string; message: string };
  checks: ComponentResult[];
  gatedBy: string | null;
  empty: boolean;
  prompts: Array<JudgePrompt & { judge: string }>;
}

/** One group call a real run would make (per group judge): the ids of its judged rows, in input order, and its prompts. */
export interface GroupPlan {
  judge: string;
  key: string;
  members: string[];
  prompts: JudgePrompt[];
}

export interface BatchPlan {
  /** Per row, in input order; `prompts` holds the judges other than group judges. */
  rows: RowPlan[];
  /** Groups in order of their first row; gated, empty and unreadable rows are in none. */
  groups: GroupPlan[];
}

/** The plan of one row with `judges` (a group judge plans the row as a group of one). Throws only on a bug. */
export async function planRow(row: unknown, fallbackId: string, judges: readonly Judge[], phases: RowPhases): Promise<RowPlan> {
  const read = phases.readRow(row, fallbackId);
  if ('done' in read) return { id: fallbackId, error: read.done.error!, checks: [], gatedBy: null, empty: false, prompts: [] };
  return planContext(read.context, judges, phases);
}

/** The plans of rows scored together: group judges plan one call per group of the rows. */
export async function planGroups(
  rows: ReadonlyArray<{ row: unknown; fallbackId: string }>,
  judges: readonly Judge[],
  phases: RowPhases,
): Promise<BatchPlan> {
  const rowJudges = judges.filter((judge) => !isGroupJudge(judge));
  const groupJudges = judges.filter(isGroupJudge);
  const plans: RowPlan[] = [];
  const groups = new Map<string, { judge: GroupJudge; key: string; members: RowContext[] }>();
  for (const { row, fallbackId } of rows) {
    const read = phases.readRow(row, fallbackId);
    if ('done' in read) {
      plans.push({ id: fallbackId, error: read.done.error!, checks: [], gatedBy: null, empty: false, prompts: [] });
      continue;
    }
    const plan = await planContext(read.context, rowJudges, phases);
    plans.push(plan);
    if (plan.empty || plan.gatedBy !== null) continue;
    groupJudges.forEach((judge, index) => {
      const key = judge.groupKey(read.context);
      const id = `${index}\0${key}`;
      const group = groups.get(id) ?? { judge, key, members: [] };
      group.members.push(read.context);
      groups.set(id, group);
    });
  }
  return {
    rows: plans,
    groups: [...groups.values()].map((group) => ({
      judge: group.judge.name,
      key: group.key,
      members: group.members.map((context) => context.view.id),
      prompts: group.judge.groupPrompts(group.members),
    })),
  };
}

async function planContext(context: RowContext, judges: readonly Judge[], phases: RowPhases): Promise<RowPlan> {
  const empty = context.view.response.trim() === '';
  const checked = empty ? { components: [], gatedBy: null } : await phases.runChecks(context);
  const prompts = judges.flatMap((judge) => judge.prompts(context).map((prompt) => ({ ...prompt, judge: judge.name })));
  return { id: context.view.id, checks: checked.components, gatedBy: checked.gatedBy, empty, prompts };
}
