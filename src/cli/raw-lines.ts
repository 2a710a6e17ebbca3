/**
 * A file's lines as the exact bytes on disk, split on `\n` only (nothing decoded or stripped), each with
 * whether it ended in `\n`: what a rewrite needs to keep untouched lines byte for byte.
 */
import { createReadStream } from 'node:fs';

export interface RawLine {
  /** The line's bytes, without its `\n`. */
  bytes: Buffer;
  /** False only for a last line with no `\n` (e.g. cut off by a killed writer). */
  complete: boolean;
}

export async function* readRawLines(path: string): AsyncGenerator<RawLine> {
  let pending: Buffer[] = [];
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, end));
      yield { bytes: Buffer.concat(pending), complete: true };
      pending = [];
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield { bytes: Buffer.concat(pending), complete: false };
}
