/**
 * Reads a whole JSONL file of objects for analysis. Unlike `score`, which streams and keeps going past a
 * bad line, the lab stops at the first unreadable line: statistics over silently partial data mislead.
 */
import { readFileSync } from 'node:fs';
import { LabError } from '../lab-error.js';

export interface JsonlRecord {
  /** 1-based line number in the file. */
  line: number;
  value: Record<string, unknown>;
}

export function readJsonlRecords(path: string, what: string): JsonlRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LabError(
      'input',
      `${what} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const records: JsonlRecord[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new LabError('input', `${what} ${path}:${line}: not valid JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new LabError(
        'input',
        `${what} ${path}:${line}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
      );
    }
    records.push({ line, value: value as Record<string, unknown> });
  });
  if (records.length === 0) throw new LabError('input', `${what} ${path}: the file has no rows`);
  return records;
}

/** The row id as a string: a string or number `id` field, else null. */
export function recordId(value: Record<string, unknown>, field = 'id'): string | null {
  const id = value[field];
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return null;
}

/** Throws when two rows share an id: joins by id would silently pick one. */
export function assertUniqueIds(ids: readonly string[], what: string, path: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id))
      throw new LabError('input', `${what} ${path}: the id ${JSON.stringify(id)} appears more than once; ids must be unique to join files`);
    seen.add(id);
  }
}
