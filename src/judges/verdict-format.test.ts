import { describe, expect, it } from 'vitest';
import { extractChoice, extractPairwise, extractRating, extractRegex, extractVerdict } from './verdict-format.js';

describe('extractRating (MT-Bench [[N]])', () => {
  it('reads [[N]] and normalises it on the scale', () => {
    expect(extractRating('The answer is helpful.\n\nRating: [[8]]', undefined, [1, 10])).toEqual({
      ok: true,
      verdict: { label: '8', score: 7 / 9, value: 8 },
    });
    expect(extractRating('Rating: [[7.5]]', undefined, [0, 10])).toEqual({ ok: true, verdict: { label: '7.5', score: 0.75, value: 7.5 } });
  });

  it('falls back to [N] only when [[N]] never matches', () => {
    expect(extractRating('Rating: [6]', undefined, [1, 10])).toEqual({ ok: true, verdict: { label: '6', score: 5 / 9, value: 6 } });
    // see [1]; the double-bracket rating counts, the backup is not consulted
    expect(extractRating('As noted [1], Rating: [[9]]', undefined, [1, 10])).toEqual({
      ok: true,
      verdict: { label: '9', score: 8 / 9, value: 9 },
    });
  });

  it('accepts the same rating written twice (8 and 8.0 are one value)', () => {
    expect(extractRating('I give [[8]].\nRating: [[8.0]]', undefined, [1, 10])).toEqual({
      ok: true,
      verdict: { label: '8', score: 7 / 9, value: 8 },
    });
  });

  it('is a parse error with no rating or two different ratings', () => {
    expect(extractRating('A fine answer.', undefined, [1, 10])).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'no rating found in the reply',
    });
    expect(extractRating('Rating: [[3]] … on reflection Rating: [[7]]', undefined, [1, 10])).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'conflicting ratings in the reply: "3", "7"',
    });
  });

  it('reports a rating off the scale', () => {
    expect(extractRating('Rating: [[11]]', undefined, [1, 10])).toEqual({
      ok: false,
      kind: 'out_of_scale',
      message: 'rating 11 outside the scale [1, 10]',
    });
  });

  it('uses a stated pattern', () => {
    expect(extractRating('Score: 4/5', String.raw`Score:\s*(\d+)/5`, [1, 5])).toEqual({
      ok: true,
      verdict: { label: '4', score: 0.75, value: 4 },
    });
  });
});

describe('extractPairwise', () => {
  it('reads FastChat [[A]] / [[B]] / [[C]] (C is a tie)', () => {
    expect(extractPairwise('Assistant A follows the instructions better. [[A]]')).toEqual({ ok: true, verdict: { label: 'A', score: 1 } });
    expect(extractPairwise('[[B]]')).toEqual({ ok: true, verdict: { label: 'B', score: 0 } });
    expect(extractPairwise('Both are equally good: [[C]]')).toEqual({ ok: true, verdict: { label: 'C', score: 0.5 } });
  });

  it("reads Arena-Hard's five verdicts with the default and a given score map", () => {
    expect(['A>>B', 'A>B', 'A=B', 'B>A', 'B>>A'].map((v) => extractPairwise(`My final verdict is: [[${v}]]`))).toEqual([
      { ok: true, verdict: { label: 'A>>B', score: 1 } },
      { ok: true, verdict: { label: 'A>B', score: 0.75 } },
      { ok: true, verdict: { label: 'A=B', score: 0.5 } },
      { ok: true, verdict: { label: 'B>A', score: 0.25 } },
      { ok: true, verdict: { label: 'B>>A', score: 0 } },
    ]);
    expect(extractPairwise('[[A>B]]', { 'A>B': 0.6 })).toEqual({ ok: true, verdict: { label: 'A>B', score: 0.6 } });
  });

  it('accepts the same verdict repeated; two different verdicts or none are parse errors', () => {
    expect(extractPairwise('Verdict [[B>A]]. Final: [[B>A]]')).toEqual({ ok: true, verdict: { label: 'B>A', score: 0.25 } });
    expect(extractPairwise('Either [[A]] or [[B]]')).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'conflicting pairwise verdicts in the reply: "A", "B"',
    });
    expect(extractPairwise('A is better.')).toEqual({ ok: false, kind: 'parse_error', message: 'no pairwise verdict found in the reply' });
    expect(extractPairwise('[[A<B]]')).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'unknown pairwise verdict [[A<B]]; expected one of [[A]], [[B]], [[C]], [[A>>B]], [[A>B]], [[A=B]], [[B>A]], [[B>>A]]',
    });
  });
});

describe('extractChoice (autoevals choice scores)', () => {
  const choices = { A: 0.4, B: 0.6, C: 1, D: 0, E: 1 };

  it('reads a bare label, or a label alone on the last line', () => {
    expect(extractChoice(' C\n', choices)).toEqual({ ok: true, verdict: { label: 'C', score: 1 } });
    expect(extractChoice('The submission is a subset of the expert answer.\nAnswer: A', choices)).toEqual({
      ok: true,
      verdict: { label: 'A', score: 0.4 },
    });
    expect(extractChoice('Yes\nYes', { Yes: 1, No: 0 })).toEqual({ ok: true, verdict: { label: 'Yes', score: 1 } });
  });

  it('is case-sensitive and whole-word, and rejects no label or two labels', () => {
    expect(extractChoice('Because B is wrong.\nanswer: b', choices)).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'no choice found in the reply (expected one of "A", "B", "C", "D", "E" on the last line)',
    });
    expect(extractChoice('B or C', choices)).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'conflicting choices in the reply: "B", "C" (expected one of "A", "B", "C", "D", "E" on the last line)',
    });
  });
});

describe('extractRegex', () => {
  it('reads a named group as a label with scores, or as a number on a scale', () => {
    expect(
      extractRegex('GRADE: correct', { pattern: 'GRADE: (?<verdict>\\w+)', group: 'verdict', scores: { correct: 1, incorrect: 0 } }),
    ).toEqual({
      ok: true,
      verdict: { label: 'correct', score: 1 },
    });
    expect(extractRegex('score=3 … score=3', { pattern: 'score=(?<s>\\d)', group: 's', scale: [1, 5] })).toEqual({
      ok: true,
      verdict: { label: '3', score: 0.5, value: 3 },
    });
  });

  it('is a parse error on no match, conflicting matches, or an unknown label', () => {
    const format = { pattern: 'GRADE: (?<verdict>\\w+)', group: 'verdict', scores: { correct: 1, incorrect: 0 } };
    expect(extractRegex('no grade', format)).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'no match of group "verdict" found in the reply',
    });
    expect(extractRegex('GRADE: correct\nGRADE: incorrect', format)).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'conflicting matches of group "verdict" in the reply: "correct", "incorrect"',
    });
    expect(extractRegex('GRADE: partial', format)).toEqual({
      ok: false,
      kind: 'parse_error',
      message: 'unknown verdict "partial"; expected one of correct, incorrect',
    });
  });
});

describe('extractVerdict', () => {
  it('dispatches on the format', () => {
    expect(extractVerdict('[[A=B]]', { format: 'pairwise' })).toEqual({ ok: true, verdict: { label: 'A=B', score: 0.5 } });
    expect(extractVerdict('Rating: [[10]]', { format: 'rating', scale: [1, 10] })).toEqual({
      ok: true,
      verdict: { label: '10', score: 1, value: 10 },
    });
  });
});
