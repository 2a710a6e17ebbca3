/**
 * Streams a JSONL file (or stdin for "-") one line at a time. A line that is not JSON is yielded as an
 * error with its line number — reported and kept in the output, never silently dropped. Blank lines are skipped.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type JsonlLine = { line: number; value: unknown } | { line: number; error: string };

export async function* readJsonl(path: string): AsyncGenerator<JsonlLine> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number++;
    if (text.trim() === '') continue;
    try {
      yield { line: number, value: JSON.parse(text) };
    } catch (error) {
      yield { line: number, error: `line ${number} is not valid JSON: ${(error as Error).message}` };
    }
  }
}

/** Number of non-blank lines after line `afterLine` (for the progress bar's total). */
export async function countJsonlRows(path: string, afterLine = 0): Promise<number> {
  let count = 0;
  let number = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of lines) if (++number > afterLine && text.trim() !== '') count++;
  return count;
}
