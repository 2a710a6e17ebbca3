/**
 * Streams the JSON objects of a JSONL file, one per non-blank line, with their 1-based line numbers — in constant
 * memory whatever the file's size (a scored file of a million rows never becomes one string). Like the rest of the
 * lab it stops at the first line that is not a JSON object: statistics over silently partial data mislead.
 */
import { createReadStream } from 'node:fs';
import { LabError } from '../lab-error.js';

export interface JsonlObject {
  line: number;
  value: Record<string, unknown>;
}

/**
 * Calls `visit` for each object of the file, in order. `what` names the file in errors ("--before", …). With
 * `onBadLine`, a line that is not a JSON object is handed to it instead of stopping the read.
 */
export async function forEachJsonlObject(
  path: string,
  what: string,
  visit: (record: JsonlObject) => void,
  onBadLine?: (line: number, message: string) => void,
): Promise<number> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let pending = '';
  let line = 0;
  let objects = 0;
  const take = (raw: string) => {
    line += 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    let value: unknown;
    let problem: string | null = null;
    try {
      value = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        problem = `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`;
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    if (problem !== null) {
      if (!onBadLine) throw new LabError('input', `${what} ${path}:${line}: ${problem}`);
      onBadLine(line, problem);
      return;
    }
    objects += 1;
    visit({ line, value: value as Record<string, unknown> });
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0;
      for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
        take(pending + chunk.slice(start, end));
        pending = '';
        start = end + 1;
      }
      pending += chunk.slice(start);
    }
  } catch (error) {
    stream.destroy();
    if (LabError.isInstance(error)) throw error;
    throw new LabError(
      'input',
      `${what} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (pending !== '') take(pending);
  if (objects === 0) throw new LabError('input', `${what} ${path}: the file has no rows`);
  return objects;
}
