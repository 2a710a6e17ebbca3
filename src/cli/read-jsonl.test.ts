import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { countJsonlRows, readJsonl, splitLines, type JsonlLine } from './read-jsonl.js';

const dir = mkdtempSync(join(tmpdir(), 'read-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function all<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

describe('readJsonl', () => {
  it('a raw CR inside a valid JSON line (JSON whitespace) neither splits the row nor shifts later line numbers', async () => {
    const path = fileWith('cr.jsonl', '{"id": "a",\r"response": "x"}\n{"id": "b", "response": "y"}\n');
    expect(await all(readJsonl(path))).toEqual<JsonlLine[]>([
      { line: 1, value: { id: 'a', response: 'x' } },
      { line: 2, value: { id: 'b', response: 'y' } },
    ]);
    expect(await countJsonlRows(path)).toBe(2);
  });

  it("CRLF line ends: the trailing \\r is stripped, blank lines skipped, numbers are the file's", async () => {
    const path = fileWith('crlf.jsonl', '{"a": 1}\r\n\r\n{"a": 2}\r\nnot json\r\n{"a": 3}');
    expect(await all(readJsonl(path))).toEqual<JsonlLine[]>([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
      { line: 4, error: expect.stringMatching(/^line 4 is not valid JSON: /) as unknown as string },
      { line: 5, value: { a: 3 } },
    ]);
    expect(await countJsonlRows(path)).toBe(4);
    expect(await countJsonlRows(path, 3)).toBe(2);
  });

  it('a lone CR on its own is not a line end: a bad line with a CR is one error at its own line number', async () => {
    const path = fileWith('bad-cr.jsonl', '{"a": 1}\n{"a":\r 2, oops}\n{"a": 3}\n');
    const lines = await all(readJsonl(path));
    expect(lines.map((entry) => entry.line)).toEqual([1, 2, 3]);
    expect('error' in lines[1]!).toBe(true);
    expect(await countJsonlRows(path)).toBe(3);
  });
});

describe('splitLines', () => {
  it('joins a line split across chunks, at any point (also between \\r and \\n)', async () => {
    const chunks = ['{"a"', ': 1}\r', '\n{"b":\r2}', '\n', 'tail'];
    expect(await all(splitLines(Readable.from(chunks)))).toEqual(['{"a": 1}', '{"b":\r2}', 'tail']);
  });

  it('reads Buffer chunks as UTF-8, also a character split across two chunks', async () => {
    const bytes = Buffer.from('é\nü');
    expect(await all(splitLines(Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)])))).toEqual(['é', 'ü']);
  });
});
