/**
 * Which GRPO group a row belongs to: its `group_id` when it has one, else the identical prompt (system prompt and the
 * conversation before the rollout; a tool-using rollout's own turns are its `context`, not its prompt, so they do not
 * split a group). One rule for everything that groups rows (lab noise, score --retry-errors); a group judge refines it
 * with what its template shows (judges/group-judge.ts `groupKey`).
 */
import { createHash } from 'node:crypto';
import type { RowView } from './row-view.js';

/** sha256 (hex) of [groupId ?? '', system, prompt]: rows with equal keys belong to one group. */
export function groupKeyOf(view: RowView): string {
  return createHash('sha256')
    .update(JSON.stringify([view.groupId ?? '', view.system, view.prompt]))
    .digest('hex');
}
