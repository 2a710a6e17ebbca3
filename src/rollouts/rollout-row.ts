/**
 * A rollout as an output row: the dataset row as a Nova RFT row (data/target-row.ts: messages, reference_answer,
 * tools and every extra field kept) with the policy's reply appended as the last `assistant` message — the row the
 * platform sends a reward Lambda, so `rewardkit score` reads it as is — under the id `<row id>#<sample>` and the
 * group id `<row id>`, so `score` groups the n rollouts of one prompt for a group judge.
 */
import { emptyReport, type ConvertReport } from '../data/convert-report.js';
import type { DatasetRow } from '../data/dataset-row.js';
import { toTargetRow } from '../data/target-row.js';

/** The id of sample `sample` (0-based) of row `rowId`. */
export function rolloutId(rowId: string, sample: number): string {
  return `${rowId}#${sample}`;
}

/** The row's id as text (a number becomes its digits), or `line-N` when it has none. */
export function rowIdOf(row: DatasetRow, line: number): string {
  if (typeof row.id === 'string' && row.id !== '') return row.id;
  if (typeof row.id === 'number' && Number.isFinite(row.id)) return String(row.id);
  return `line-${line}`;
}

/**
 * The output row of one rollout. `messages` is the prompt as sent (the --system override in place); `report` counts an
 * extra field lost to a name clash (an extra called `id` or `group_id` is replaced by the rollout's own).
 */
export function rolloutRow(
  row: DatasetRow,
  messages: Record<string, unknown>[],
  rowId: string,
  sample: number,
  text: string,
  report: ConvertReport = emptyReport('', '', 'dataset', 'rollouts'),
): Record<string, unknown> {
  const { id: _id, group_id: _group, ...nova } = toTargetRow({ ...row, messages }, 'nova', report);
  return {
    id: rolloutId(rowId, sample),
    group_id: rowId,
    ...nova,
    messages: [...messages, { role: 'assistant', content: text }],
  };
}
