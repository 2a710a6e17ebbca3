/**
 * findResumePoint: the resume point of an interrupted run is the `line` of the output's last complete
 * line; a partial last line is cut off, and only the file's tail is read.
 */
import { mkdirSync, mkdtempSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findResumePoint } from './resume.js';

// readSync is wrapped in a spy (still the real one) so a test can see which bytes were read.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, readSync: vi.fn(actual.readSync) };
});

const dir = mkdtempSync(join(tmpdir(), 'rewardkit-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `out-${++fileCount}.jsonl`);
  writeFileSync(path, content);
  return path;
}

const row = (line: number) => `${JSON.stringify({ line, id: `row-${line}`, reward: 0.5 })}\n`;
const rows = (count: number) => Array.from({ length: count }, (_, i) => row(i + 1)).join('');

beforeEach(() => {
  vi.mocked(readSync).mockClear();
});

describe('findResumePoint', () => {
  it('returns line 0 for a missing file, and does not create it', () => {
    const path = join(dir, 'missing.jsonl');
    expect(findResumePoint(path)).toEqual({ lastLine: 0, truncatedBytes: 0 });
    expect(() => statSync(path)).toThrow(/ENOENT/);
  });

  it('returns line 0 for an empty file', () => {
    const path = file('');
    expect(findResumePoint(path)).toEqual({ lastLine: 0, truncatedBytes: 0 });
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('returns the last line number of a clean file and leaves it untouched', () => {
    const content = rows(3);
    const path = file(content);
    expect(findResumePoint(path)).toEqual({ lastLine: 3, truncatedBytes: 0 });
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('reads a file of a single line', () => {
    const path = file('{"line":1}\n');
    expect(findResumePoint(path)).toEqual({ lastLine: 1, truncatedBytes: 0 });
  });

  it('takes the `line` field, not the count of lines (outputs may start mid-input)', () => {
    const path = file(`${row(41)}${row(42)}`);
    expect(findResumePoint(path)).toEqual({ lastLine: 42, truncatedBytes: 0 });
  });

  it('cuts a partial last line off and reports its size in bytes', () => {
    const clean = rows(3);
    const partial = '{"line":4,"id":"row-4","rew';
    const path = file(clean + partial);
    expect(findResumePoint(path)).toEqual({ lastLine: 3, truncatedBytes: 27 });
    expect(readFileSync(path, 'utf8')).toBe(clean);
  });

  it('counts a partial line in bytes, not characters', () => {
    const clean = rows(2);
    const partial = '{"line":3,"id":"é€'; // é = 2 bytes, € = 3 bytes
    const path = file(clean + partial);
    expect(findResumePoint(path)).toEqual({ lastLine: 2, truncatedBytes: 21 });
    expect(readFileSync(path)).toEqual(Buffer.from(clean));
  });

  it('cuts a file that holds only a partial line down to empty and resumes from 0', () => {
    const path = file('{"line":1,"id"');
    expect(findResumePoint(path)).toEqual({ lastLine: 0, truncatedBytes: 14 });
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('is idempotent: a second call after the cut finds the same line and cuts nothing', () => {
    const path = file(`${rows(5)}{"line":6`);
    expect(findResumePoint(path)).toEqual({ lastLine: 5, truncatedBytes: 9 });
    expect(findResumePoint(path)).toEqual({ lastLine: 5, truncatedBytes: 0 });
  });

  it('reads a last line with multi-byte characters', () => {
    const path = file(`${row(1)}${JSON.stringify({ line: 2, id: 'naïve — 日本語' })}\n`);
    expect(findResumePoint(path)).toEqual({ lastLine: 2, truncatedBytes: 0 });
  });

  it('accepts CRLF line endings', () => {
    const path = file('{"line":1}\r\n{"line":2}\r\n');
    expect(findResumePoint(path)).toEqual({ lastLine: 2, truncatedBytes: 0 });
  });

  it('reads a last line longer than one 64 KiB block', () => {
    const long = `${JSON.stringify({ line: 7, raw: 'x'.repeat(150_000) })}\n`;
    const path = file(rows(6) + long);
    expect(findResumePoint(path)).toEqual({ lastLine: 7, truncatedBytes: 0 });
  });

  it('cuts a partial line longer than one 64 KiB block', () => {
    const clean = rows(2);
    const partial = `{"line":3,"raw":"${'y'.repeat(200_000)}`;
    const path = file(clean + partial);
    expect(findResumePoint(path)).toEqual({ lastLine: 2, truncatedBytes: Buffer.byteLength(partial) });
    expect(readFileSync(path, 'utf8')).toBe(clean);
  });

  it('only looks at the last line: earlier garbage does not matter', () => {
    const path = file(`not json at all\n{"oops"\n${row(9)}`);
    expect(findResumePoint(path)).toEqual({ lastLine: 9, truncatedBytes: 0 });
  });

  it('throws when the last complete line is not JSON', () => {
    const path = file(`${row(1)}hello world\n`);
    expect(() => findResumePoint(path)).toThrow(
      new Error(`--resume: the last line of ${path} is not JSON; is this a rewardkit output file?`),
    );
  });

  it('throws when the file ends in an empty line', () => {
    const path = file(`${row(1)}\n`);
    expect(() => findResumePoint(path)).toThrow(
      new Error(`--resume: the last line of ${path} is not JSON; is this a rewardkit output file?`),
    );
  });

  it.each([
    ['no "line" field', '{"id":"a","reward":1}'],
    ['line 0', '{"line":0}'],
    ['a negative line', '{"line":-3}'],
    ['a fractional line', '{"line":2.5}'],
    ['a string line', '{"line":"3"}'],
    ['a null line', '{"line":null}'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON number', '42'],
  ])('throws when the last line has %s', (_name, last) => {
    const path = file(`${row(1)}${last}\n`);
    expect(() => findResumePoint(path)).toThrow(
      new Error(`--resume: the last line of ${path} has no "line" number; is this a rewardkit output file?`),
    );
  });

  it('throws (rather than resuming from 0) when the last line is JSON null', () => {
    const path = file(`${row(1)}null\n`);
    expect(() => findResumePoint(path)).toThrow(`--resume: the last line of ${path}`);
  });

  it('rethrows errors other than a missing file', () => {
    const path = join(dir, 'a-directory');
    mkdirSync(path);
    expect(() => findResumePoint(path)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  it('handles a large file (200k lines) by reading only its tail', () => {
    const content = rows(200_000);
    const path = file(content);
    const size = Buffer.byteLength(content);
    expect(size).toBeGreaterThan(5_000_000);
    expect(findResumePoint(path)).toEqual({ lastLine: 200_000, truncatedBytes: 0 });
    const calls = vi.mocked(readSync).mock.calls as unknown as Array<[number, Buffer, number, number, number]>;
    const bytesRead = calls.reduce((total, call) => total + call[3], 0);
    const earliest = Math.min(...calls.map((call) => call[4]));
    expect(calls.length).toBe(3);
    expect(bytesRead).toBeLessThanOrEqual(2 * 64 * 1024 + row(200_000).length);
    expect(earliest).toBeGreaterThanOrEqual(size - 2 * 64 * 1024 - 1);
  });

  it('cuts a partial last line of a large file, reading only its tail', () => {
    const clean = rows(200_000);
    const path = file(`${clean}{"line":200001,"id":"row-2`);
    expect(findResumePoint(path)).toEqual({ lastLine: 200_000, truncatedBytes: 26 });
    expect(statSync(path).size).toBe(Buffer.byteLength(clean));
    const calls = vi.mocked(readSync).mock.calls as unknown as Array<[number, Buffer, number, number, number]>;
    expect(Math.min(...calls.map((call) => call[4]))).toBeGreaterThanOrEqual(Buffer.byteLength(clean) - 2 * 64 * 1024 - 1);
  });
});

describe('findResumePoint leaves files that are not ours alone', () => {
  it('does not cut a partial line from a file whose last complete line has no line number', () => {
    const content = '{"hello": "world"}\n{"partial';
    const path = file(content);
    expect(() => findResumePoint(path)).toThrow('has no "line" number');
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('says "no line number" for a last line of null', () => {
    expect(() => findResumePoint(file('null\n'))).toThrow('has no "line" number');
  });
});
