/**
 * `data convert`'s engine: streams the input's records through one source reader (source-row.ts) and one target
 * writer (target-row.ts for JSONL targets, verl-parquet.ts for verl), so memory stays bounded by a verl row group
 * whatever the file's size. Rows that cannot be converted are handed to the caller with their line, never written
 * half-made; the report counts what was dropped or changed, per field.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { emptyReport, type ConvertReport } from './convert-report.js';
import { sourceFileKind, type SourceFormat, type TargetFormat } from './dataset-formats.js';
import type { DatasetProblem } from './dataset-problem.js';
import type { FieldMapping } from './dataset-row.js';
import { readDataset } from './read-dataset.js';
import { toDatasetRow } from './source-row.js';
import { toTargetRow } from './target-row.js';
import { toVerlRow, VerlParquetWriter, type VerlOptions } from './verl-parquet.js';

export interface ConvertOptions {
  from: SourceFormat;
  to: TargetFormat;
  output: string;
  mapping: FieldMapping;
  verl: VerlOptions;
}

export async function convertDataset(
  input: string,
  options: ConvertOptions,
  onSkip: (problem: DatasetProblem) => void,
): Promise<ConvertReport> {
  const report = emptyReport(input, options.output, options.from, options.to);
  const sink = options.to === 'verl' ? verlSink(options.output, options.verl, report) : jsonlSink(options.output, options.to, report);
  try {
    for await (const batch of readDataset(input, sourceFileKind(options.from))) {
      for (const record of batch) {
        report.rowsRead++;
        if ('error' in record) {
          report.skipped++;
          onSkip({
            line: record.line,
            kind: 'not-json',
            field: 'row',
            found: 'a line that is not JSON',
            expected: `one JSON object per line (${record.error})`,
          });
          continue;
        }
        const result = toDatasetRow(record.value, record.line, options.from, options.mapping, report);
        if ('problems' in result) {
          report.skipped++;
          result.problems.items.forEach(onSkip);
          continue;
        }
        await sink.write(result.row, report.rowsWritten);
        report.rowsWritten++;
      }
    }
  } finally {
    await sink.close();
  }
  return report;
}

interface RowSink {
  write(row: Parameters<typeof toTargetRow>[0], index: number): Promise<void>;
  close(): Promise<void>;
}

function jsonlSink(path: string, format: Exclude<TargetFormat, 'verl'>, report: ConvertReport): RowSink {
  const stream: WriteStream = createWriteStream(path);
  return {
    async write(row) {
      if (!stream.write(`${JSON.stringify(toTargetRow(row, format, report))}\n`)) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      await once(stream, 'finish');
    },
  };
}

function verlSink(path: string, options: VerlOptions, report: ConvertReport): RowSink {
  const writer = new VerlParquetWriter(path);
  return {
    write: (row, index) => writer.add(toVerlRow(row, index, options, report)),
    close: () => writer.finish(),
  };
}
