/**
 * What a conversion did besides copying: rows it could not convert (each with its line, like a validation problem),
 * fields it dropped (counts per field), values it had to change to fit the target (counts per change), and where
 * the reference answers came from. Printed after `data convert`; `--json` prints it as is.
 */
import type { DatasetProblem } from './dataset-problem.js';

export interface ConvertReport {
  input: string;
  output: string;
  from: string;
  to: string;
  rowsRead: number;
  rowsWritten: number;
  /** Rows not written (no prompt, not JSON, …). */
  skipped: number;
  /** Field → rows it was dropped from (the target has no place for it). */
  dropped: Record<string, number>;
  /** Change → rows it was made in (kept, but in another shape or place). */
  changed: Record<string, number>;
  /** Source field → rows whose reference answer came from it. */
  referenceFrom: Record<string, number>;
  /** Rows the target format will not accept as they are (e.g. an OpenAI RFT row whose last message is not the user's). */
  warnings: Record<string, number>;
}

export function emptyReport(input: string, output: string, from: string, to: string): ConvertReport {
  return { input, output, from, to, rowsRead: 0, rowsWritten: 0, skipped: 0, dropped: {}, changed: {}, referenceFrom: {}, warnings: {} };
}

export function count(into: Record<string, number>, key: string, by = 1): void {
  into[key] = (into[key] ?? 0) + by;
}

export type SkippedRow = DatasetProblem;
