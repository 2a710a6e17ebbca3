/**
 * `--resume`: find where an interrupted run stopped. Output lines are written in input order, so the
 * last complete line's `line` number is the resume point. A partial last line (kill -9 mid-write) is cut
 * off; only the file's tail is read, so this is instant even for a huge output.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';

export interface ResumePoint {
  /** Input line number of the last finished row (0 when the output is empty). */
  lastLine: number;
  /** Bytes of a partial last line that were cut off. */
  truncatedBytes: number;
}

const BLOCK = 64 * 1024;

export function findResumePoint(outputPath: string): ResumePoint {
  let fd: number;
  try {
    fd = openSync(outputPath, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lastLine: 0, truncatedBytes: 0 };
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const lastNewline = findNewlineBefore(fd, size);
    const end = lastNewline + 1; // 0 when there is no complete line
    let lastLine = 0;
    if (end > 0) {
      const previousNewline = findNewlineBefore(fd, lastNewline);
      const length = lastNewline - (previousNewline + 1);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, previousNewline + 1);
      lastLine = lineNumberOf(buffer.toString('utf8'), outputPath);
    }
    // Checked first, cut second: a file that is not ours is left as it was.
    if (end < size) ftruncateSync(fd, end);
    return { lastLine, truncatedBytes: size - end };
  } finally {
    closeSync(fd);
  }
}

function lineNumberOf(text: string, outputPath: string): number {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw new Error(`--resume: the last line of ${outputPath} is not JSON; is this a rewardkit output file?`);
  }
  const line = record !== null && typeof record === 'object' ? (record as { line?: unknown }).line : undefined;
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) {
    throw new Error(`--resume: the last line of ${outputPath} has no "line" number; is this a rewardkit output file?`);
  }
  return line;
}

/** Position of the last "\n" strictly before `end`, or -1. */
function findNewlineBefore(fd: number, end: number): number {
  const buffer = Buffer.alloc(BLOCK);
  for (let stop = end; stop > 0; stop -= BLOCK) {
    const start = Math.max(0, stop - BLOCK);
    const read = readSync(fd, buffer, 0, stop - start, start);
    const index = buffer.subarray(0, read).lastIndexOf(10);
    if (index >= 0) return start + index;
  }
  return -1;
}
