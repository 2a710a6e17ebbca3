/**
 * Streams a JSONL file (or stdin for "-") one line at a time. A line that is not JSON is yielded as an
 * error with its line number — reported and kept in the output, never silently dropped. Blank lines are skipped.
 * Lines end at `\n` only (a trailing `\r` is stripped): a raw CR inside a line — legal JSON whitespace —
 * never splits a row, so `line` is always the file's own line number (readline would also split on `\r`).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export type JsonlLine = { line: number; value: unknown } | { line: number; error: string };

function openInput(path: string): Readable {
  if (path !== '-') return createReadStream(path, { encoding: 'utf8' });
  process.stdin.setEncoding('utf8');
  return process.stdin;
}

/** The lines of a UTF-8 text stream, split on `\n` only, each without its `\n` and without one trailing `\r`. */
export async function* splitLines(stream: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending: string[] = [];
  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      pending.push(text.slice(start, end));
      yield withoutTrailingCr(pending.join(''));
      pending = [];
      start = end + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  }
  pending.push(decoder.decode());
  const last = pending.join('');
  if (last !== '') yield withoutTrailingCr(last);
}

function withoutTrailingCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export async function* readJsonl(path: string): AsyncGenerator<JsonlLine> {
  let number = 0;
  for await (const text of splitLines(openInput(path))) {
    number++;
    if (text.trim() === '') continue;
    try {
      yield { line: number, value: JSON.parse(text) };
    } catch (error) {
      yield { line: number, error: `line ${number} is not valid JSON: ${(error as Error).message}` };
    }
  }
}

/** Number of non-blank lines after line `afterLine` (for the progress bar's total); lines counted as readJsonl counts them. */
export async function countJsonlRows(path: string, afterLine = 0): Promise<number> {
  let count = 0;
  let number = 0;
  for await (const text of splitLines(createReadStream(path, { encoding: 'utf8' })))
    if (++number > afterLine && text.trim() !== '') count++;
  return count;
}
