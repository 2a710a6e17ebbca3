/**
 * `--resume`: the rollouts an interrupted run already wrote, by id. A run writes whole lines in order, but a sample
 * that failed is not written, so "everything up to the last line" is not enough: the ids of every written rollout
 * are read, and the next run generates exactly the samples missing (failed ones included) and appends them. A
 * partial last line (the process killed mid-write) is cut off first, as `score --resume` does.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { readDataset } from '../data/read-dataset.js';

export interface DoneRollouts {
  /** Ids of the rollouts in the file. */
  ids: Set<string>;
  /** Bytes of a partial last line that were cut off. */
  truncatedBytes: number;
}

/** Reads the ids of `path` (none when it does not exist); throws an Error naming the line that is not a rollout. */
export async function readDoneRollouts(path: string): Promise<DoneRollouts> {
  if (!existsSync(path)) return { ids: new Set(), truncatedBytes: 0 };
  const truncatedBytes = cutPartialLastLine(path);
  const ids = new Set<string>();
  for await (const batch of readDataset(path, 'jsonl')) {
    for (const record of batch) {
      const id = 'value' in record ? (record.value as { id?: unknown } | null)?.id : undefined;
      if (typeof id !== 'string' || id === '') {
        throw new Error(`--resume: line ${record.line} of ${path} is not a rollout row with an "id"; is this a rewardkit rollouts file?`);
      }
      ids.add(id);
    }
  }
  return { ids, truncatedBytes };
}

/** Cuts the bytes after the file's last newline (a line the writer did not finish); returns how many were cut. */
function cutPartialLastLine(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const block = Buffer.alloc(64 * 1024);
    let end = 0;
    for (let stop = size; stop > 0; stop -= block.length) {
      const start = Math.max(0, stop - block.length);
      const read = readSync(fd, block, 0, stop - start, start);
      const index = block.subarray(0, read).lastIndexOf(10);
      if (index >= 0) {
        end = start + index + 1;
        break;
      }
    }
    if (end < size) ftruncateSync(fd, end);
    return size - end;
  } finally {
    closeSync(fd);
  }
}
