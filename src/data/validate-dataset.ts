/**
 * `data validate`'s engine: streams a dataset file through one format's row rules, hands every problem to the caller
 * as it is found (so memory does not grow with the file, apart from the ids seen, which duplicate detection needs:
 * kept compactly by seen-ids.ts, about 32 bytes per distinct id of 10 characters), and returns the summary: rows,
 * problems by kind, roles, reference answers present, duplicate ids, and the documented whole-file limits.
 */
import { fileKindOf, type FileKind, type ValidateFormat } from './dataset-formats.js';
import { rowCountProblem, type Platform } from './dataset-limits.js';
import { ProblemList, type DatasetProblem, type ProblemKind } from './dataset-problem.js';
import { checkNovaRow } from './nova-dataset-rules.js';
import { checkOpenAiRow } from './openai-dataset-rules.js';
import { readDataset } from './read-dataset.js';
import type { RowFacts } from './row-facts.js';
import { SeenIds } from './seen-ids.js';
import { checkVerlRow } from './verl-dataset-rules.js';

export type RowFormat = Exclude<ValidateFormat, 'auto'>;

export interface ValidateOptions {
  format: ValidateFormat;
  /** Whose documented row-count limits apply (default: bedrock for nova, none otherwise). */
  platform?: Platform;
}

export interface DatasetSummary {
  file: string;
  format: RowFormat;
  platform: Platform;
  /** Non-blank lines (JSONL) or rows (parquet) read. */
  rows: number;
  /** Rows with no problem. */
  validRows: number;
  problems: number;
  problemsByKind: Partial<Record<ProblemKind, number>>;
  /** Messages per role as written (lower case), over all rows. */
  roles: Record<string, number>;
  referenceAnswers: { string: number; object: number; none: number };
  rowsWithTools: number;
  rowsWithId: number;
  /** Rows whose id an earlier row already used. */
  duplicateIds: number;
}

const RULES: Record<RowFormat, (record: Record<string, unknown>, problems: ProblemList) => RowFacts> = {
  nova: checkNovaRow,
  openai: checkOpenAiRow,
  verl: checkVerlRow,
};

/** The row format `auto` stands for: verl for a parquet file, Nova RFT for JSONL. */
export function resolveFormat(format: ValidateFormat, kind: FileKind): RowFormat {
  if (format !== 'auto') return format;
  return kind === 'parquet' ? 'verl' : 'nova';
}

export async function validateDataset(
  path: string,
  options: ValidateOptions,
  onProblem: (problem: DatasetProblem) => void,
): Promise<DatasetSummary> {
  const kind = fileKindOf(path);
  const format = resolveFormat(options.format, kind);
  const platform = options.platform ?? (format === 'nova' ? 'bedrock' : 'none');
  const check = RULES[format];
  const summary: DatasetSummary = {
    file: path,
    format,
    platform,
    rows: 0,
    validRows: 0,
    problems: 0,
    problemsByKind: {},
    roles: {},
    referenceAnswers: { string: 0, object: 0, none: 0 },
    rowsWithTools: 0,
    rowsWithId: 0,
    duplicateIds: 0,
  };
  const report = (problem: DatasetProblem) => {
    summary.problems++;
    summary.problemsByKind[problem.kind] = (summary.problemsByKind[problem.kind] ?? 0) + 1;
    onProblem(problem);
  };
  /** Every id seen, with the line it was first seen on. */
  const seenIds = new SeenIds();
  for await (const batch of readDataset(path, kind)) {
    for (const record of batch) {
      summary.rows++;
      const problems = new ProblemList(record.line);
      if ('error' in record) {
        problems.addFound('not-json', 'row', 'a line that is not JSON', `one JSON object per line (${record.error})`);
      } else if (record.value === null || typeof record.value !== 'object' || Array.isArray(record.value)) {
        problems.add('not-object', 'row', record.value, 'a JSON object');
      } else {
        const facts = check(record.value as Record<string, unknown>, problems);
        for (const role of facts.roles) summary.roles[role] = (summary.roles[role] ?? 0) + 1;
        summary.referenceAnswers[facts.reference]++;
        if (facts.tools) summary.rowsWithTools++;
        if (facts.id !== undefined) {
          summary.rowsWithId++;
          const seen = seenIds.firstUse(facts.id, record.line);
          if (seen !== undefined) {
            summary.duplicateIds++;
            problems.add(
              'duplicate-id',
              'id',
              facts.id,
              `an id not used before (first used on ${kind === 'parquet' ? 'row' : 'line'} ${seen})`,
            );
          }
        }
      }
      if (problems.items.length === 0) summary.validRows++;
      for (const problem of problems.items) report(problem);
    }
  }
  const limit = rowCountProblem(summary.rows, platform);
  if (limit) report({ line: 0, kind: 'row-count', field: 'file', found: limit.found, expected: limit.expected });
  return summary;
}
