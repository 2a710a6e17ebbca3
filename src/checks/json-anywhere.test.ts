/**
 * promptfoo's contains-json extraction (json-anywhere.ts). Every expected list below is what promptfoo 0.121.20's own
 * extractJsonObjects returns for the input (run once from its published package with js-yaml 5.2.2, outside this
 * repository), and each agrees with reasoning through its rule: naive brace counting, a balanced candidate tried once,
 * the end of the text closing what is open, lenient YAML reading after `//` → `#`.
 */
import { describe, expect, it } from 'vitest';
import { findJsonObjects as findAll, MAX_UNCLOSED, slashCommentsToHash } from './json-anywhere.js';

/** The objects found, asserting no bound cut the search short. */
function findJsonObjects(text: string): Array<Record<string, unknown>> {
  const found = findAll(text);
  expect(found.searchStopped).toBe(false);
  return found.objects;
}

describe("bounds on hostile text (ours, not promptfoo's)", () => {
  it('candidates needing more than MAX_UNCLOSED closes are skipped (a thousand unclosed braces took 221 s to parse before)', () => {
    expect(findAll('{a: 1 '.repeat(1000))).toEqual({ objects: [{ a: 1 }], searchStopped: true });
    expect(findAll('{'.repeat(100_000))).toEqual({ objects: [], searchStopped: true });
  });

  it('an object after a run of unclosed braces is still found, and the result says the search was cut', () => {
    expect(MAX_UNCLOSED).toBe(32);
    expect(findAll(`${'{'.repeat(40)} {"ok": true}`)).toEqual({ objects: [{ ok: true }], searchStopped: true });
    expect(findAll(`${'{'.repeat(20)} {"ok": true}`)).toEqual({ objects: [{ ok: true }], searchStopped: false });
  });
});

describe('findJsonObjects (promptfoo contains-json)', () => {
  it('finds an object with prose around it', () => {
    expect(findJsonObjects('Sure! Here is the result: {"name": "Ada", "age": 36} Let me know if you need more.')).toEqual([
      { name: 'Ada', age: 36 },
    ]);
  });

  it('keeps a nested object whole and goes on after it', () => {
    expect(findJsonObjects('Result: {"user": {"name": "Ada", "roles": ["admin"]}, "ok": true} and {"second": 2}')).toEqual([
      { user: { name: 'Ada', roles: ['admin'] }, ok: true },
      { second: 2 },
    ]);
  });

  it('counts a brace inside a string, so the object it cuts short is lost', () => {
    // the `}` in the string balances the braces at `{"note": "use }`, which does not parse: that candidate is given up
    expect(findJsonObjects('Output: {"note": "use } carefully", "n": 1}')).toEqual([]);
    expect(findJsonObjects('Output: {"note": "use } carefully"} then {"n": 1}')).toEqual([{ n: 1 }]);
  });

  it('reads // comments as comments, but not the // of a URL', () => {
    expect(findJsonObjects('{\n  "id": 7, // the user id\n  "url": "https://example.com/a//b" /// see docs\n}')).toEqual([
      { id: 7, url: 'https://example.com/a//b' },
    ]);
    expect(findJsonObjects("{note: don't // comment\n}")).toEqual([{ note: "don't" }]);
  });

  it('closes braces left open where the text ends', () => {
    expect(findJsonObjects('The JSON was cut: {"score": 0.5, "tags": ["a", "b"]')).toEqual([{ score: 0.5, tags: ['a', 'b'] }]);
    expect(findJsonObjects('cut here {"a": {"b": {"c": 1}')).toEqual([{ a: { b: { c: 1 } } }]);
  });

  it('reads YAML flow syntax: unquoted keys, single quotes, trailing commas', () => {
    expect(findJsonObjects("{name: Ada, 'quoted': 'it''s', trailing: [1, 2,],}")).toEqual([
      { name: 'Ada', quoted: "it's", trailing: [1, 2] },
    ]);
  });

  it('reads a date as a timestamp (js-yaml does), not a string', () => {
    expect(findJsonObjects('{"day": 2024-05-01}')).toEqual([{ day: new Date('2024-05-01T00:00:00.000Z') }]);
  });

  it('finds every object, an empty one and one in a fence included, and no array', () => {
    expect(findJsonObjects('first {"a": "x"} second {"a": 5}')).toEqual([{ a: 'x' }, { a: 5 }]);
    expect(findJsonObjects('nothing {} here')).toEqual([{}]);
    expect(findJsonObjects('```json\n{"a": 1}\n```')).toEqual([{ a: 1 }]);
    expect(findJsonObjects('[1, 2, 3]')).toEqual([]);
    expect(findJsonObjects('No JSON here, just {braces without a mapping: : :} and text')).toEqual([]);
  });

  it('refuses what js-yaml refuses where the yaml package is lenient', () => {
    expect(findJsonObjects('{"a"&x}')).toEqual([]); // a property right after a quoted scalar
    expect(findJsonObjects('{?}')).toEqual([]); // an explicit key with no space after it
    expect(findJsonObjects('{[1, 2]: x}')).toEqual([]); // a collection as a key
    expect(findJsonObjects('{~: 1, : 2}')).toEqual([{ null: 2 }]); // a null key is "null"; the repeated key keeps the last
  });
});

describe('slashCommentsToHash', () => {
  it('turns a run of N slashes into ⌊N/2⌋ # outside quotes and URLs', () => {
    expect(slashCommentsToHash('a: 1 // x\nb: "//" /// y\nc: http://h//p')).toBe('a: 1 # x\nb: "//" # y\nc: http://h//p');
    expect(slashCommentsToHash("it's 'a // b' // c")).toBe("it's 'a // b' # c"); // an apostrophe opens no quote; 'a // b' is quoted
  });
});
