/**
 * One thing wrong with a dataset: where (the file's line, or a parquet file's row), which field, the value found
 * and what was expected, under a kind the summary counts. Every rule of src/data reports through this shape.
 */
import { describe } from '../input/row-view.js';

export const PROBLEM_KINDS = [
  'not-json',
  'not-object',
  'messages',
  'message',
  'role',
  'content',
  'no-user-message',
  'system-not-first',
  'last-not-user',
  'reference-answer',
  'id',
  'duplicate-id',
  'tools',
  'verl-field',
  'row-count',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface DatasetProblem {
  /** The 1-based line of a JSONL or CSV file, or the 1-based row of a parquet file; 0 for the file as a whole. */
  line: number;
  kind: ProblemKind;
  /** The field path inside the row (`messages[2].role`), or `file` for a whole-file limit. */
  field: string;
  /** The value found, described (`the string ""`, `an array of 0`, `nothing`). */
  found: string;
  expected: string;
}

/** Collects a row's problems; rules call `add` with the raw value found, which is described here once. */
export class ProblemList {
  readonly items: DatasetProblem[] = [];
  constructor(readonly line: number) {}

  add(kind: ProblemKind, field: string, value: unknown, expected: string): void {
    this.items.push({ line: this.line, kind, field, found: describe(value), expected });
  }

  /** A problem whose "found" is already a sentence (e.g. "3 rows", "role \"system\" at messages[2]"). */
  addFound(kind: ProblemKind, field: string, found: string, expected: string): void {
    this.items.push({ line: this.line, kind, field, found, expected });
  }
}
