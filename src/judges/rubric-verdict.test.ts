import { describe, expect, it } from 'vitest';
import { readRubricVerdict } from './rubric-judge.js';

type Lines = Parameters<typeof readRubricVerdict>[1];

const criteria: Lines = [
  { id: 'accuracy', weight: 3 },
  { id: 'citations', weight: 1 },
];

const oneToFive = { min: 1, max: 5 };
const dimensions: Lines = [
  { id: 'clarity', weight: 1, scale: oneToFive },
  { id: 'depth', weight: 3, scale: oneToFive },
];

describe('readRubricVerdict: criteria', () => {
  it('scores 1 when every criterion passes', () => {
    expect(
      readRubricVerdict(
        { criteria: { accuracy: { pass: true, rationale: 'right' }, citations: { pass: true, rationale: 'cited' } } },
        criteria,
      ),
    ).toStrictEqual({
      ok: true,
      verdict: { score: 1, lines: { accuracy: { pass: true, rationale: 'right' }, citations: { pass: true, rationale: 'cited' } } },
    });
  });

  it('scores 0 when every criterion fails', () => {
    expect(readRubricVerdict({ criteria: { accuracy: { pass: false }, citations: { pass: false } } }, criteria)).toStrictEqual({
      ok: true,
      verdict: { score: 0, lines: { accuracy: { pass: false, rationale: '' }, citations: { pass: false, rationale: '' } } },
    });
  });

  it('scores the weighted fraction of criteria passed', () => {
    const reading = readRubricVerdict({ criteria: { accuracy: { pass: true }, citations: { pass: false } } }, criteria);
    expect(reading.ok && reading.verdict.score).toBe(0.75);
    const flipped = readRubricVerdict({ criteria: { accuracy: { pass: false }, citations: { pass: true } } }, criteria);
    expect(flipped.ok && flipped.verdict.score).toBe(0.25);
  });

  it('gives a zero-weight criterion no say in the score', () => {
    const lines: Lines = [
      { id: 'accuracy', weight: 1 },
      { id: 'style', weight: 0 },
    ];
    const reading = readRubricVerdict({ criteria: { accuracy: { pass: true }, style: { pass: false } } }, lines);
    expect(reading.ok && reading.verdict.score).toBe(1);
  });

  it('reads pass/fail words, 1/0 and alternative field names', () => {
    const lines: Lines = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
      { id: 'd', weight: 1 },
    ];
    const reading = readRubricVerdict(
      { criteria: { a: { verdict: 'PASS' }, b: { result: 'not met' }, c: { met: 1 }, d: { passed: 'no' } } },
      lines,
    );
    expect(reading).toStrictEqual({
      ok: true,
      verdict: {
        score: 0.5,
        lines: {
          a: { pass: true, rationale: '' },
          b: { pass: false, rationale: '' },
          c: { pass: true, rationale: '' },
          d: { pass: false, rationale: '' },
        },
      },
    });
  });

  it('reads a bare boolean or word as the entry itself', () => {
    const reading = readRubricVerdict({ criteria: { accuracy: true, citations: 'fail' } }, criteria);
    expect(reading).toStrictEqual({
      ok: true,
      verdict: { score: 0.75, lines: { accuracy: { pass: true, rationale: '' }, citations: { pass: false, rationale: '' } } },
    });
  });

  it('reads the rationale from reasoning, justification, explanation or reason', () => {
    const lines: Lines = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
      { id: 'd', weight: 1 },
    ];
    const reading = readRubricVerdict(
      {
        criteria: {
          a: { pass: true, reasoning: ' r1 ' },
          b: { pass: true, justification: 'r2' },
          c: { pass: true, explanation: 'r3' },
          d: { pass: true, reason: 'r4' },
        },
      },
      lines,
    );
    expect(reading.ok && Object.values(reading.verdict.lines).map((line) => line.rationale)).toEqual(['r1', 'r2', 'r3', 'r4']);
  });

  it('reads entries given as a list of {id, pass}', () => {
    const reading = readRubricVerdict(
      {
        criteria: [
          { id: 'citations', pass: false },
          { id: 'accuracy', pass: true },
        ],
      },
      criteria,
    );
    expect(reading.ok && reading.verdict.score).toBe(0.75);
  });

  it('matches ids whose keys differ in case, spaces, dashes or underscores', () => {
    const lines: Lines = [
      { id: 'factual_accuracy', weight: 1 },
      { id: 'uses_citations', weight: 1 },
    ];
    const reading = readRubricVerdict({ criteria: { 'Factual Accuracy': { pass: true }, 'USES-CITATIONS': { pass: false } } }, lines);
    expect(reading).toStrictEqual({
      ok: true,
      verdict: { score: 0.5, lines: { factual_accuracy: { pass: true, rationale: '' }, uses_citations: { pass: false, rationale: '' } } },
    });
  });

  it('reads entries at the top level when there is no criteria section', () => {
    const reading = readRubricVerdict({ accuracy: { pass: true }, citations: { pass: true } }, criteria);
    expect(reading.ok && reading.verdict.score).toBe(1);
  });

  it('reads entries under a scores section', () => {
    const reading = readRubricVerdict({ scores: { accuracy: 'yes', citations: 'no' } }, criteria);
    expect(reading.ok && reading.verdict.score).toBe(0.75);
  });

  it('reports a missing criterion as a parse_error naming it, never as a pass', () => {
    expect(readRubricVerdict({ criteria: { accuracy: { pass: true } } }, criteria)).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing verdict for citations' },
    });
  });

  it('names every missing criterion', () => {
    expect(readRubricVerdict({ criteria: {} }, criteria)).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing verdict for accuracy, citations' },
    });
  });

  it('reports an unreadable boolean such as "maybe" as a parse_error naming the criterion', () => {
    expect(readRubricVerdict({ criteria: { accuracy: { pass: 'maybe' }, citations: { pass: true } } }, criteria)).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'unreadable verdict for accuracy' },
    });
  });

  it('reports an entry without any pass field, or a null entry, as unreadable', () => {
    expect(readRubricVerdict({ criteria: { accuracy: { rationale: 'good' }, citations: null } }, criteria)).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'unreadable verdict for accuracy, citations' },
    });
  });

  it('reports missing and unreadable criteria together', () => {
    expect(readRubricVerdict({ criteria: { accuracy: { pass: 'perhaps' } } }, criteria)).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing verdict for citations; unreadable verdict for accuracy' },
    });
  });
});

describe('readRubricVerdict: dimensions', () => {
  it('normalises scores on a 1–5 scale as (s-1)/4, weighted, and reports the weighted raw score', () => {
    expect(
      readRubricVerdict(
        { dimensions: { clarity: { score: 4, rationale: 'clear' }, depth: { score: 2, rationale: 'shallow' } } },
        dimensions,
      ),
    ).toStrictEqual({
      ok: true,
      verdict: {
        score: 0.375,
        rawScore: 2.5,
        lines: { clarity: { score: 4, rationale: 'clear' }, depth: { score: 2, rationale: 'shallow' } },
      },
    });
  });

  it('scores 1 at the top of every scale and 0 at the bottom', () => {
    const top = readRubricVerdict({ dimensions: { clarity: { score: 5 }, depth: { score: 5 } } }, dimensions);
    expect(top.ok && [top.verdict.score, top.verdict.rawScore]).toEqual([1, 5]);
    const bottom = readRubricVerdict({ dimensions: { clarity: { score: 1 }, depth: { score: 1 } } }, dimensions);
    expect(bottom.ok && [bottom.verdict.score, bottom.verdict.rawScore]).toEqual([0, 1]);
  });

  it('reads entries given as a list of {id, score}', () => {
    const reading = readRubricVerdict(
      {
        dimensions: [
          { id: 'clarity', score: 5 },
          { id: 'depth', score: 1 },
        ],
      },
      dimensions,
    );
    expect(reading.ok && [reading.verdict.score, reading.verdict.rawScore]).toEqual([0.25, 2]);
  });

  it('reads "4/5" and "4" strings as the number 4', () => {
    const reading = readRubricVerdict({ dimensions: { clarity: { score: '4/5' }, depth: '4' } }, dimensions);
    expect(reading).toStrictEqual({
      ok: true,
      verdict: { score: 0.75, rawScore: 4, lines: { clarity: { score: 4, rationale: '' }, depth: { score: 4, rationale: '' } } },
    });
  });

  it('reads the score from rating or value fields', () => {
    const reading = readRubricVerdict({ dimensions: { clarity: { rating: 3 }, depth: { value: 3 } } }, dimensions);
    expect(reading.ok && [reading.verdict.score, reading.verdict.rawScore]).toEqual([0.5, 3]);
  });

  it('matches dimension keys that differ in case or underscores', () => {
    const lines: Lines = [{ id: 'logical_flow', weight: 1, scale: oneToFive }];
    const reading = readRubricVerdict({ Dimensions: { LogicalFlow: { score: 3 } } }, lines);
    expect(reading.ok && reading.verdict.score).toBe(0.5);
  });

  it('normalises on a custom scale', () => {
    const lines: Lines = [{ id: 'quality', weight: 2, scale: { min: 0, max: 10 } }];
    const reading = readRubricVerdict({ dimensions: { quality: { score: 7 } } }, lines);
    expect(reading.ok && [reading.verdict.score, reading.verdict.rawScore]).toEqual([0.7, 7]);
  });

  it('reports a score above the scale as out_of_scale', () => {
    expect(readRubricVerdict({ dimensions: { clarity: { score: 7 }, depth: { score: 3 } } }, dimensions)).toStrictEqual({
      ok: false,
      error: { kind: 'out_of_scale', message: 'score outside the scale: clarity=7 (scale 1–5)' },
    });
  });

  it('reports a score below the scale as out_of_scale', () => {
    expect(readRubricVerdict({ dimensions: { clarity: { score: 3 }, depth: { score: 0 } } }, dimensions)).toStrictEqual({
      ok: false,
      error: { kind: 'out_of_scale', message: 'score outside the scale: depth=0 (scale 1–5)' },
    });
  });

  it('reports out_of_scale before a missing dimension', () => {
    expect(readRubricVerdict({ dimensions: { clarity: 9 } }, dimensions)).toStrictEqual({
      ok: false,
      error: { kind: 'out_of_scale', message: 'score outside the scale: clarity=9 (scale 1–5)' },
    });
  });

  it('reports a missing dimension as a parse_error naming it', () => {
    expect(readRubricVerdict({ dimensions: { clarity: { score: 4 } } }, dimensions)).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'missing verdict for depth' },
    });
  });

  it('reports a score that is not a number as unreadable', () => {
    expect(readRubricVerdict({ dimensions: { clarity: { score: 'good' }, depth: { score: 3 } } }, dimensions)).toStrictEqual({
      ok: false,
      error: { kind: 'parse_error', message: 'unreadable verdict for clarity' },
    });
  });
});
