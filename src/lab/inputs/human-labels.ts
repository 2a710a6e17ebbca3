/**
 * Human labels for `lab calibrate`: JSONL, one row per item — `{"id": "nda-good", "human": 0.9}` — with
 * the label or score in a field (default "human"), and optionally per-criterion labels in a `criteria`
 * object keyed by criterion id (or "judge.criterion"): `{"criteria": {"grounding": 5, "actionability": 2}}`.
 */
import { LabError } from '../lab-error.js';
import { toRating } from '../rating-values.js';
import type { Rating } from '../statistics/index.js';
import { assertUniqueIds, readJsonlRecords, recordId } from './jsonl-records.js';

export interface HumanLabel {
  label: Rating;
  criteria: Map<string, Rating>;
}

export function readHumanLabels(path: string, field: string): Map<string, HumanLabel> {
  const records = readJsonlRecords(path, '--labels');
  const ids = records.map((record) => {
    const id = recordId(record.value);
    if (id === null)
      throw new LabError('input', `--labels ${path}:${record.line}: every label row needs an "id" (the rollout id it labels)`);
    return id;
  });
  assertUniqueIds(ids, '--labels', path);
  const labels = new Map<string, HumanLabel>();
  records.forEach((record, index) => {
    const label = toRating(record.value[field]);
    if (label === undefined)
      throw new LabError('input', `--labels ${path}:${record.line}: field "${field}" must be a number, a label, true/false or null`);
    const criteria = new Map<string, Rating>();
    const raw = record.value.criteria;
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'object' || Array.isArray(raw))
        throw new LabError('input', `--labels ${path}:${record.line}: "criteria" must be an object {criterion: label}`);
      for (const [criterion, value] of Object.entries(raw as Record<string, unknown>)) {
        const rating = toRating(value);
        if (rating === undefined)
          throw new LabError(
            'input',
            `--labels ${path}:${record.line}: criteria.${criterion} must be a number, a label, true/false or null`,
          );
        criteria.set(criterion, rating);
      }
    }
    labels.set(ids[index]!, { label, criteria });
  });
  if ([...labels.values()].every((entry) => entry.label === null) && [...labels.values()].every((entry) => entry.criteria.size === 0)) {
    throw new LabError('usage', `no row of ${path} has a label in the field "${field}" (choose the field with --human FIELD)`);
  }
  return labels;
}
