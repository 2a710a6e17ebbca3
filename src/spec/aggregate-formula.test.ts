import { describe, expect, it } from 'vitest';
import { FormulaError, parseAggregateFormula } from './aggregate-formula.js';

const NAMES = ['name_ok', 'args_score', 'quality'];
const scores = new Map([
  ['name_ok', 1],
  ['args_score', 0.5],
  ['quality', 0.25],
]);
const value = (source: string) => parseAggregateFormula(source, NAMES).evaluate(scores);
const problem = (source: string) => {
  try {
    parseAggregateFormula(source, NAMES);
  } catch (error) {
    expect(error).toBeInstanceOf(FormulaError);
    return (error as Error).message.split('; allowed: ')[0];
  }
  throw new Error(`expected ${source} to be refused`);
};

describe('aggregate formula: evaluation', () => {
  it.each([
    ['0.5 * name_ok + 0.5 * args_score', 0.75],
    ['min(name_ok, args_score) * quality', 0.125],
    ['max(args_score, quality, 0.3)', 0.5],
    ['(name_ok + args_score + quality) / 3', 1.75 / 3],
    ['args_score ^ 2', 0.25],
    ['2 ^ 3 ^ 2 / 1024', 0.5], // ^ is right-associative: 2^9 = 512
    ['-quality + 1', 0.75],
    ['+quality', 0.25],
    ['1 - args_score - quality', 0.25], // left-associative
    ['abs(quality - name_ok)', 0.75],
    ['floor(args_score * 3) / 2', 0.5],
    ['ceil(quality)', 1],
    ['round(args_score * 3) / 4', 0.5],
    ['exp(0)', 1],
    ['sqrt(quality)', 0.5],
    ['log(exp(1)) * quality', 0.25], // natural logarithm
    ['1e-1 * 5', 0.5],
  ])('%s = %s', (source, expected) => {
    expect(value(source)).toBe(expected);
  });

  it('lists the component names it reads, each once, in order of first use', () => {
    expect(parseAggregateFormula('quality * (name_ok + quality) + 1', NAMES).names).toEqual(['quality', 'name_ok']);
    expect(parseAggregateFormula('0.5', NAMES).names).toEqual([]);
  });

  it("returns what the arithmetic gives: out-of-range values and NaN are the composer's to handle", () => {
    expect(value('name_ok * 2')).toBe(2);
    expect(value('log(0)')).toBe(-Infinity);
    expect(value('(name_ok - 1) / (name_ok - 1)')).toBeNaN();
  });
});

describe('aggregate formula: what is refused', () => {
  it.each([
    ['name_ok +', 'cannot parse "name_ok +": Unexpected end of expression (char 10)'],
    ['nme_ok * 2', 'unknown name "nme_ok"'],
    ['pi * quality', 'unknown name "pi"'],
    ['x = 3', '"x = 3" is an assignment'],
    ['f(x) = x', '"f(x) = x" is a function definition'],
    ['name_ok.value', '"name_ok.value" is a member or index access'],
    ['name_ok[1]', '"name_ok[1]" is a member or index access'],
    ['[name_ok, quality]', '"[name_ok, quality]" is a matrix'],
    ['{a: 1}', '"{"a": 1}" is an object'],
    ['name_ok ? 1 : 0', '"name_ok ? 1 : 0" is a conditional (? :)'],
    ['name_ok; quality', '"name_ok;\nquality" is several expressions'],
    ['"text"', '""text"" is not a finite number'],
    ['true', '"true" is not a finite number'],
    ['Infinity * quality', '"Infinity" is not a finite number'],
    ['name_ok < quality', 'operator "<" in "name_ok < quality"'],
    ['name_ok mod 2', 'operator "mod" in "name_ok mod 2"'],
    ['quality!', 'operator "!" in "quality!"'],
    ['50 %', '"50 / 100" uses "%"'],
    ['2 quality', '"2 quality" multiplies without "*": write the operator'],
    ['sin(quality)', 'function call "sin(quality)": "sin" is not an allowed function'],
    ['name_ok(quality)', 'function call "name_ok(quality)": "name_ok" is not an allowed function'],
    ['constructor(quality)', 'function call "constructor(quality)": "constructor" is not an allowed function'],
    ['log(quality, 2)', '"log(quality, 2)": log takes one argument'],
    ['max()', '"max()": max takes one or more arguments'],
  ])('%j: %s', (source, expected) => {
    expect(problem(source)).toBe(expected);
  });

  it('says what is allowed, with the component names of the spec', () => {
    expect(() => parseAggregateFormula('foo', ['a', 'b'])).toThrow(new FormulaError('unknown name "foo"', ['a', 'b']));
    expect(new FormulaError('unknown name "foo"', ['a', 'b']).message).toBe(
      'unknown name "foo"; allowed: numbers, ( ), the operators + - * / ^ and unary minus, the functions min, max, abs, floor, ceil, round, exp, sqrt, log (log is the natural logarithm), and the component names of this spec: a, b',
    );
  });
});
