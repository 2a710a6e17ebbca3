import { describe, expect, it } from 'vitest';
import { JsonArrayCounter, type ArrayCount } from './json-array-counter.js';

function count(text: string, chunkSize = text.length): ArrayCount | undefined {
  const counter = new JsonArrayCounter();
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += Math.max(1, chunkSize))
    counter.push(bytes.subarray(start, start + Math.max(1, chunkSize)));
  return counter.largest;
}

describe('JsonArrayCounter', () => {
  it.each([
    ['a root array', '[{}, {"a": [1, 2, 3]}, "x", 3, null, [4, 5]]', { field: '', items: 6 }],
    ['the rows member', '{"rows": [{"prompt": "a, b", "response": "[x]"}, {}], "components": false}', { field: 'rows', items: 2 }],
    ['the largest member', '{"query": ["a", "b"], "prompts": ["a", "b", "c"], "labels": []}', { field: 'prompts', items: 3 }],
    ['strings with escaped quotes, brackets and commas', '{"rows": ["a\\"],[", "\\\\", "\\u005b,"]}', { field: 'rows', items: 3 }],
    ['an escaped member name', '{"r\\u006fws": [1, 2]}', { field: 'rows', items: 2 }],
    ['whitespace everywhere', ' {\n "rows" :\t[ 1 ,\r\n 2 ] } ', { field: 'rows', items: 2 }],
    ['nested arrays are not counted', '{"rows": [{"messages": [1, 2, 3, 4, 5]}]}', { field: 'rows', items: 1 }],
    ['an empty array', '{"rows": []}', undefined],
    ['no array at all', '{"a": "[1, 2, 3]"}', undefined],
  ])('%s', (_what, text, expected) => {
    expect(count(text)).toEqual(expected);
    expect(count(text, 1)).toEqual(expected); // byte by byte: every state survives a chunk boundary
    expect(count(text, 3)).toEqual(expected);
  });

  it('counts five million {} rows (15 MB) in one quick pass', () => {
    const bytes = Buffer.from(`{"rows":[${Array(5_000_000).fill('{}').join(',')}]}`);
    const counter = new JsonArrayCounter();
    const started = performance.now();
    for (let start = 0; start < bytes.length; start += 65_536) counter.push(bytes.subarray(start, start + 65_536));
    const elapsed = performance.now() - started;
    expect(counter.largest).toEqual({ field: 'rows', items: 5_000_000 });
    expect(elapsed).toBeLessThan(2000); // ~100 ms on an idle core
  });

  it('skips long strings by search, not byte by byte, and keeps member names short', () => {
    const long = 'y'.repeat(1_000_000);
    expect(count(`{"${'k'.repeat(500)}": [1], "rows": ["${long}", "${long}"]}`, 65_536)).toEqual({ field: 'rows', items: 2 });
    expect(count(`{"${'k'.repeat(500)}": [1, 2]}`)?.field).toBe('k'.repeat(128));
  });

  it('ends on malformed input and on deep nesting without growing', () => {
    expect(count('{"rows": [1, 2')).toEqual({ field: 'rows', items: 2 });
    expect(count(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`)).toEqual({ field: '', items: 1 });
    expect(count('"just a string"')).toBeUndefined();
  });
});
