/**
 * Rollouts for the lab: each row with its id and response length, read through the engine's own row
 * reader (`toRowView`) so ids and responses mean exactly what they mean to `score`.
 */
import { RowError } from '../../input/row-error.js';
import { toRowView } from '../../input/row-view.js';
import { InputSpecSchema, type InputSpec } from '../../spec/schema.js';
import { assertUniqueIds, readJsonlRecords } from './jsonl-records.js';

export interface Rollout {
  line: number;
  /** The row's id, or "line-N" when it has none (the same fallback `score` uses). */
  id: string;
  row: Record<string, unknown>;
  /** The response length in characters; null when the row cannot be read. */
  length: number | null;
  /** The row's reference answer as text ('' when none): for the copy-the-reference probe. */
  reference: string;
}

/**
 * Reads rollouts (the first `limit`). Ids must be unique when the rows are joined with something else by id
 * (`uniqueIds`, the default); a plain judging pass accepts repeated ids (e.g. several rollouts of one prompt).
 */
export function readRollouts(
  path: string,
  input: InputSpec = InputSpecSchema.parse({}),
  flag = '--input',
  limit?: number,
  uniqueIds = true,
): Rollout[] {
  const records = readJsonlRecords(path, flag).slice(0, limit ?? Infinity);
  const rollouts = records.map(({ line, value }): Rollout => {
    const fallbackId = `line-${line}`;
    try {
      const view = toRowView(value, input, fallbackId);
      const reference =
        view.reference === undefined || view.reference === null
          ? ''
          : typeof view.reference === 'string'
            ? view.reference
            : JSON.stringify(view.reference);
      return { line, id: view.id, row: value, length: view.response.length, reference };
    } catch (error) {
      if (!RowError.isInstance(error)) throw error;
      const rawId = value.id;
      const id = typeof rawId === 'string' && rawId !== '' ? rawId : typeof rawId === 'number' ? String(rawId) : fallbackId;
      return { line, id, row: value, length: null, reference: '' };
    }
  });
  if (uniqueIds)
    assertUniqueIds(
      rollouts.map((rollout) => rollout.id),
      flag,
      path,
    );
  return rollouts;
}

/** Response lengths by id, for joining with score output or external verdicts. */
export function lengthsById(rollouts: readonly Rollout[]): Map<string, number | null> {
  return new Map(rollouts.map((rollout) => [rollout.id, rollout.length]));
}
