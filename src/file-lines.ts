/**
 * The lines of a file as byte ranges of one reused buffer, one read chunk at a time — how the JSONL readers of
 * `data validate` (src/data/read-dataset.ts) and `compare` (src/lab/compare/jsonl-stream.ts) stream files of a million
 * lines without building chunk-sized strings. Lines are split on `\n` only (a range excludes it; the last line may
 * have none). A line longer than the chunk grows the buffer to the longest line's size. The buffer is reused: a
 * consumer decodes each range it keeps before asking for the next chunk.
 */
import { open } from 'node:fs/promises';

export interface LineChunk {
  buffer: Buffer;
  /** Line i is bytes [starts[i], ends[i]) of the buffer. */
  starts: number[];
  ends: number[];
}

const NEWLINE = 0x0a;

/** Yields each read chunk's complete lines (and, last, a final line without a newline). */
export async function* readLineChunks(path: string, chunkBytes: number): AsyncGenerator<LineChunk> {
  const file = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(chunkBytes);
    // bytes [0, kept) of the buffer start a line the previous read did not finish
    let kept = 0;
    for (;;) {
      if (kept === buffer.length) {
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, kept);
        buffer = grown;
      }
      const { bytesRead } = await file.read(buffer, kept, buffer.length - kept, null);
      if (bytesRead === 0) break;
      const end = kept + bytesRead;
      const filled = buffer.subarray(0, end);
      const starts: number[] = [];
      const ends: number[] = [];
      let start = 0;
      // the newline search starts in the new bytes: the kept ones are known to have none
      for (let newline = filled.indexOf(NEWLINE, kept); newline !== -1; newline = filled.indexOf(NEWLINE, start)) {
        starts.push(start);
        ends.push(newline);
        start = newline + 1;
      }
      yield { buffer, starts, ends };
      kept = end - start;
      if (kept > 0 && start > 0) buffer.copy(buffer, 0, start, end);
    }
    if (kept > 0) yield { buffer, starts: [0], ends: [kept] };
  } finally {
    await file.close();
  }
}
