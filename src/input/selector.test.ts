import { describe, expect, it } from 'vitest';
import { asText, isValidSelector, parseSelector, selectAll, selectOne, selectorNeedsJson } from './selector.js';

describe('parseSelector', () => {
  it('parses a bare field name into one key step', () => {
    expect(parseSelector('response')).toEqual([{ key: 'response' }]);
  });

  it('parses dotted keys, [n] indexes and [*] fan-outs in order', () => {
    expect(parseSelector('response_json.comments[0][*].text_excerpt')).toEqual([
      { key: 'response_json' },
      { key: 'comments' },
      { index: 0 },
      { each: true },
      { key: 'text_excerpt' },
    ]);
  });

  it('accepts dashes and underscores inside keys', () => {
    expect(parseSelector('metadata.target-doc.sub_part')).toEqual([{ key: 'metadata' }, { key: 'target-doc' }, { key: 'sub_part' }]);
  });

  it('reads multi-digit indexes as numbers', () => {
    expect(parseSelector('a[12]')).toEqual([{ key: 'a' }, { index: 12 }]);
  });

  it.each([
    ['', 'empty selector'],
    ['1abc', 'head starting with a digit'],
    ['a..b', 'empty key between dots'],
    ['a.b.', 'trailing dot'],
    ['a[', 'unclosed bracket'],
    ['a[x]', 'non-numeric index'],
    ['a[-1]', 'negative index'],
    ['a b', 'space inside the path'],
    ['.a', 'leading dot'],
    ['a.1b', 'key starting with a digit after a dot'],
  ])('returns null for %j (%s)', (selector) => {
    expect(parseSelector(selector)).toBeNull();
  });
});

describe('isValidSelector', () => {
  it('is true for a well-formed selector and false for a malformed one', () => {
    expect(isValidSelector('metadata.items[*].name')).toBe(true);
    expect(isValidSelector('metadata..items')).toBe(false);
  });
});

describe('selectAll', () => {
  const root = {
    response: 'text',
    metadata: { doc: 'contract', nested: { value: null } },
    items: [{ name: 'a', tags: ['x', 'y'] }, { name: 'b', tags: [] }, { other: 1 }],
  };

  it('reads a nested key', () => {
    expect(selectAll(root, 'metadata.doc')).toEqual(['contract']);
  });

  it('fans out over [*] and skips items that lack the key', () => {
    expect(selectAll(root, 'items[*].name')).toEqual(['a', 'b']);
  });

  it('flattens nested fan-outs in order', () => {
    expect(selectAll(root, 'items[*].tags[*]')).toEqual(['x', 'y']);
  });

  it('reads an index inside the array bounds', () => {
    expect(selectAll(root, 'items[1].name')).toEqual(['b']);
  });

  it('gives no values for an index past the end', () => {
    expect(selectAll(root, 'items[3].name')).toEqual([]);
  });

  it('gives no values for a missing key', () => {
    expect(selectAll(root, 'metadata.missing.deeper')).toEqual([]);
  });

  it('returns a null value that is present rather than dropping it', () => {
    expect(selectAll(root, 'metadata.nested.value')).toEqual([null]);
  });

  it('does not treat array properties such as length as keys', () => {
    expect(selectAll(root, 'items.length')).toEqual([]);
  });

  it('does not index into objects with [n]', () => {
    expect(selectAll({ a: { 0: 'zero' } }, 'a[0]')).toEqual([]);
  });

  it('does not fan out over an object with [*]', () => {
    expect(selectAll({ a: { x: 1 } }, 'a[*]')).toEqual([]);
  });

  it('ignores inherited properties such as toString', () => {
    expect(selectAll({}, 'toString')).toEqual([]);
  });

  it('throws on an invalid selector, naming it', () => {
    expect(() => selectAll(root, 'a..b')).toThrow('invalid selector "a..b"');
  });
});

describe('selectOne', () => {
  it('returns the first value a fan-out reaches', () => {
    expect(selectOne({ list: [{ v: 3 }, { v: 4 }] }, 'list[*].v')).toBe(3);
  });

  it('returns undefined when nothing is reached', () => {
    expect(selectOne({ list: [] }, 'list[*].v')).toBeUndefined();
  });
});

describe('selectorNeedsJson', () => {
  it.each([
    ['response_json', true],
    ['response_json.comments[*].text', true],
    ['response_json[0]', true],
    ['response', false],
    ['response_jsonish', false],
    ['metadata.response_json', false],
  ])('%s → %s', (selector, expected) => {
    expect(selectorNeedsJson(selector)).toBe(expected);
  });
});

describe('asText', () => {
  it('returns strings unchanged', () => {
    expect(asText('  as is ')).toBe('  as is ');
  });

  it('returns an empty string for null and undefined', () => {
    expect(asText(null)).toBe('');
    expect(asText(undefined)).toBe('');
  });

  it('renders other values as indented JSON', () => {
    expect(asText({ a: [1, 2] })).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(asText(42)).toBe('42');
    expect(asText(false)).toBe('false');
  });
});
