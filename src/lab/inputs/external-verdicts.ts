/**
 * External verdict files: JSONL, one row per item, one field per rater —
 * `{"id": "q1", "gpt": 4, "claude": 5, "human": 4}`. A missing or null field is a missing rating. An
 * optional `response` (text) or `response_length` (number) field gives the length for the verbosity line.
 */
import { LabError } from '../lab-error.js';
import { toRating } from '../rating-values.js';
import type { Rating } from '../statistics/index.js';
import { assertUniqueIds, readJsonlRecords, recordId } from './jsonl-records.js';

export interface ItemLengths {
  /** Response length in characters per item, or null when unknown for every item. */
  lengths: (number | null)[] | null;
  /** Why `lengths` is null. */
  reason: string;
}

export interface ExternalVerdicts extends ItemLengths {
  ids: string[];
  raters: string[];
  /** items × raters */
  ratings: Rating[][];
}

export function readExternalVerdicts(path: string, raters: readonly string[], options: { lengthField?: string } = {}): ExternalVerdicts {
  const records = readJsonlRecords(path, '--input');
  const ids = records.map((record) => recordId(record.value) ?? `line-${record.line}`);
  assertUniqueIds(ids, '--input', path);
  const ratings = records.map((record) =>
    raters.map((rater) => {
      const rating = toRating(record.value[rater]);
      if (rating === undefined) {
        throw new LabError(
          'input',
          `--input ${path}:${record.line}: field "${rater}" must be a number, a label, true/false or null, got ${JSON.stringify(record.value[rater]).slice(0, 60)}`,
        );
      }
      return rating;
    }),
  );
  raters.forEach((rater, column) => {
    if (ratings.every((row) => row[column] === null)) {
      const fields = [...new Set(records.flatMap((record) => Object.keys(record.value)))].join(', ');
      throw new LabError('usage', `no row of ${path} has a rating in the field "${rater}" (fields seen: ${fields})`);
    }
  });
  return {
    ids,
    raters: [...raters],
    ratings,
    ...lengthsOf(
      records.map((record) => record.value),
      path,
      options.lengthField,
    ),
  };
}

/**
 * Lengths from each row's `lengthField` (text → its length, a number → itself), or by default from a
 * `response` text or a `response_length` number.
 */
export function lengthsOf(rows: readonly Record<string, unknown>[], path: string, lengthField?: string): ItemLengths {
  const fields = lengthField ? [lengthField] : ['response', 'response_length'];
  const lengths = rows.map((row) => {
    for (const field of fields) {
      const value = row[field];
      if (typeof value === 'string') return value.length;
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    }
    return null;
  });
  if (lengths.every((length) => length === null)) {
    const reason = lengthField
      ? `no row of ${path} has a text or a number in the field "${lengthField}"`
      : `${path} has no response text: add a "response" (text) or "response_length" (number) field, or pass --rollouts with the rollouts`;
    return { lengths: null, reason };
  }
  return { lengths, reason: '' };
}
