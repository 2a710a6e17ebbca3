/**
 * Streams a file's lines as bytes with where each one starts and how long it is, so a reader can keep only the byte
 * range of a line and read it again when it is needed (`readLineAt`) instead of holding the whole file. Lines are
 * numbered from 1 like an editor's; a last line without a newline is reported as `complete: false`.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface LineSpan {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Length in bytes, without the newline (and without a carriage return before it). */
  length: number;
  /** False for a last line that has no newline (a file still being written may end in a partial line). */
  complete: boolean;
}

/** Calls `visit` for every line of the file with its bytes (valid only during the call) and its span. */
export async function forEachLine(path: string, visit: (bytes: Buffer, span: LineSpan) => void): Promise<number> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = 0;
  let line = 0;
  const emit = (bytes: Buffer, offset: number, complete: boolean) => {
    line += 1;
    const length = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    visit(bytes.subarray(0, length), { line, offset, length, complete });
  };
  let position = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      if (carry.length > 0) {
        emit(Buffer.concat([carry, chunk.subarray(start, end)]), carryOffset, true);
        carry = Buffer.alloc(0);
      } else emit(chunk.subarray(start, end), position + start, true);
      start = end + 1;
    }
    if (start < chunk.length) {
      if (carry.length === 0) carryOffset = position + start;
      carry = Buffer.concat([carry, chunk.subarray(start)]);
    }
    position += chunk.length;
  }
  if (carry.length > 0) emit(carry, carryOffset, false);
  return line;
}

/** The text of the byte range [offset, offset + length) of a file. */
export async function readLineAt(path: string, offset: number, length: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await file.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    await file.close();
  }
}
