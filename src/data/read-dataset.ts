/**
 * Streams a dataset file's records, one at a time, in constant memory: JSONL (one JSON value per line; a line that
 * is not JSON is an error record with its line number, blank lines are skipped), CSV (csv-parse; a header row names
 * the fields, every value is text) and parquet (hyparquet, one row group at a time; nested list and struct columns
 * become arrays and objects, 64-bit integers become numbers when exact, else text). `line` is the file's 1-based
 * line (JSONL, the first line of a CSV record) or row (parquet). Records come in batches (a read chunk's lines, a
 * parquet row group): one await per batch, not per line, keeps a million-line file fast.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { FileKind } from './dataset-formats.js';

export type SourceRecord = { line: number; value: unknown } | { line: number; error: string };

export function readDataset(path: string, kind: FileKind): AsyncGenerator<SourceRecord[]> {
  if (kind === 'csv') return readCsv(path);
  if (kind === 'parquet') return readParquet(path);
  return readJsonl(path);
}

/**
 * JSONL lines split on `\n` only (a trailing `\r` dropped), so `line` is always the file's own line number. Each
 * chunk is decoded once, up to its last newline (the bytes after it wait for the next chunk, so a multi-byte
 * character is never cut).
 */
async function* readJsonl(path: string): AsyncGenerator<SourceRecord[]> {
  let line = 0;
  let pending: Buffer | undefined;
  for await (const raw of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const chunk = pending ? Buffer.concat([pending, raw]) : raw;
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline === -1) {
      pending = chunk;
      continue;
    }
    pending = lastNewline + 1 < chunk.length ? chunk.subarray(lastNewline + 1) : undefined;
    const text = chunk.toString('utf8', 0, lastNewline + 1);
    const batch: SourceRecord[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      line++;
      const record = parseLine(text.slice(start, end), line);
      if (record) batch.push(record);
      start = end + 1;
    }
    yield batch;
  }
  if (pending) {
    const record = parseLine(pending.toString('utf8'), ++line);
    if (record) yield [record];
  }
}

function parseLine(raw: string, line: number): SourceRecord | undefined {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return undefined;
  try {
    return { line, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { line, error: (error as Error).message };
  }
}

async function* readCsv(path: string): AsyncGenerator<SourceRecord[]> {
  const parser = createReadStream(path).pipe(parse({ columns: true, info: true, raw: true, bom: true, skip_empty_lines: true }));
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number }; raw: string }>) {
    const newlines = item.raw.replace(/\r?\n$/, '').split('\n').length - 1;
    yield [{ line: item.info.lines - newlines, value: item.record }];
  }
}

async function* readParquet(path: string): AsyncGenerator<SourceRecord[]> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    yield rows.map((row, index) => ({ line: rowStart + index + 1, value: plainValue(row) }));
    rowStart = rowEnd;
  }
}

/** A parquet value as JSON data: BigInt → number when exact (else its text), typed arrays and dates kept readable. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = plainValue(item);
    return out;
  }
  return value;
}
