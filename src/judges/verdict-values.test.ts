import { describe, expect, it } from 'vitest';
import { field, findEntry, readBoolean, readNumber, readText } from './verdict-values.js';

describe('readNumber', () => {
  it.each([
    [4, 4],
    [0, 0],
    [-2.5, -2.5],
    ['4', 4],
    [' 4.0 ', 4],
    ['4/5', 4],
    ['4 / 5', 4],
    ['4.5/10', 4.5],
    ['-1', -1],
  ])('reads %j as %s', (value, expected) => {
    expect(readNumber(value)).toBe(expected);
  });

  it.each([
    ['4 out of 5'],
    ['four'],
    ['.5'],
    ['4/'],
    [''],
    ['4 stars'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [true],
    [null],
    [undefined],
    [[4]],
    [{ score: 4 }],
  ])('gives undefined for %j', (value) => {
    expect(readNumber(value)).toBeUndefined();
  });
});

describe('readBoolean', () => {
  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['true', true],
    ['PASS', true],
    [' passed ', true],
    ['Yes', true],
    ['y', true],
    ['1', true],
    ['met', true],
    ['satisfied', true],
    ['false', false],
    ['Fail', false],
    ['failed', false],
    ['no', false],
    ['n', false],
    ['0', false],
    ['not met', false],
    ['UNMET', false],
    ['not satisfied', false],
  ])('reads %j as %s', (value, expected) => {
    expect(readBoolean(value)).toBe(expected);
  });

  it.each([['maybe'], ['partially'], [''], [2], [-1], [0.5], [null], [undefined], [{ pass: true }]])('gives undefined for %j', (value) => {
    expect(readBoolean(value)).toBeUndefined();
  });
});

describe('readText', () => {
  it('trims strings', () => {
    expect(readText('  because  ')).toBe('because');
  });

  it('gives an empty string for null and undefined', () => {
    expect(readText(null)).toBe('');
    expect(readText(undefined)).toBe('');
  });

  it('renders other values as compact JSON', () => {
    expect(readText(4)).toBe('4');
    expect(readText({ a: [1] })).toBe('{"a":[1]}');
  });
});

describe('findEntry', () => {
  it('finds an entry in an object keyed by id', () => {
    expect(findEntry({ accuracy: { pass: true }, tone: { pass: false } }, 'tone')).toEqual({ pass: false });
  });

  it('matches keys ignoring case, spaces, dashes and underscores', () => {
    expect(findEntry({ 'Factual Accuracy': 1 }, 'factual_accuracy')).toBe(1);
    expect(findEntry({ 'factual-accuracy': 2 }, 'factual_accuracy')).toBe(2);
    expect(findEntry({ FactualAccuracy: 3 }, 'factual_accuracy')).toBe(3);
  });

  it('finds an entry in a list by its id', () => {
    expect(
      findEntry(
        [
          { id: 'a', score: 1 },
          { id: 'B_c', score: 2 },
        ],
        'b-c',
      ),
    ).toEqual({ id: 'B_c', score: 2 });
  });

  it('finds an entry in a list by its name when it has no id', () => {
    expect(findEntry([{ name: 'Factual Accuracy', pass: true }], 'factual_accuracy')).toEqual({ name: 'Factual Accuracy', pass: true });
  });

  it('skips list items that are not objects', () => {
    expect(findEntry([null, 'tone', { id: 'tone', pass: true }], 'tone')).toEqual({ id: 'tone', pass: true });
  });

  it('returns a present null value as null', () => {
    expect(findEntry({ tone: null }, 'tone')).toBeNull();
  });

  it('gives undefined when the id is absent or the section is not an object or list', () => {
    expect(findEntry({ accuracy: 1 }, 'tone')).toBeUndefined();
    expect(findEntry([{ id: 'accuracy' }], 'tone')).toBeUndefined();
    expect(findEntry('tone', 'tone')).toBeUndefined();
    expect(findEntry(null, 'tone')).toBeUndefined();
    expect(findEntry(undefined, 'tone')).toBeUndefined();
  });
});

describe('field', () => {
  it('returns the value of the first name present, in the order given', () => {
    expect(field({ reason: 'r', rationale: 'x' }, 'rationale', 'reason')).toBe('x');
    expect(field({ reason: 'r' }, 'rationale', 'reason')).toBe('r');
  });

  it('matches field names forgivingly', () => {
    expect(field({ Rationale: 'x' }, 'rationale')).toBe('x');
  });

  it('gives undefined when no name is present', () => {
    expect(field({ other: 1 }, 'rationale', 'reason')).toBeUndefined();
  });

  it('gives undefined for values that are not objects', () => {
    expect(field(null, 'score')).toBeUndefined();
    expect(field('4', 'score')).toBeUndefined();
    expect(field(4, 'score')).toBeUndefined();
  });
});
