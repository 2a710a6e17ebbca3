import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { InputSpecSchema, MatchCheckSchema } from '../spec/schema.js';
import type { CheckOutcome } from './check.js';
import { lastNumber, matchCheck } from './match-check.js';

const input = InputSpecSchema.parse({});

async function runMatch(spec: Record<string, unknown>, row: Record<string, unknown>): Promise<CheckOutcome> {
  const check = matchCheck(MatchCheckSchema.parse({ type: 'match', ...spec }));
  return check(createRowContext(toRowView(row, input, 'row-1')));
}

describe('lastNumber', () => {
  it.each([
    ['The answer is 1,234.5', 1234.5],
    ['first 3 then -7', -7],
    ['x = -.5', -0.5],
    ['about 1e3 units', 1000],
    ['The answer is 42.', 42],
    ['2.50 dollars', 2.5],
  ])('reads the last number in %j as %s', (text, expected) => {
    expect(lastNumber(text)).toBe(expected);
  });

  it('returns null when the text has no number', () => {
    expect(lastNumber('no digits here')).toBeNull();
    expect(lastNumber('')).toBeNull();
  });
});

describe('match check: exact', () => {
  it('matches ignoring case and surrounding whitespace by default', async () => {
    expect(await runMatch({}, { response: '  PARIS \n', reference: 'paris' })).toEqual({ score: 1, message: 'exact match' });
  });

  it('does not match a different text', async () => {
    expect(await runMatch({}, { response: 'Paris, France', reference: 'Paris' })).toEqual({ score: 0, message: 'no exact match' });
  });

  it('respects case when case_sensitive is set', async () => {
    expect(await runMatch({ case_sensitive: true }, { response: 'PARIS', reference: 'Paris' })).toEqual({
      score: 0,
      message: 'no exact match',
    });
    expect(await runMatch({ case_sensitive: true }, { response: ' Paris ', reference: 'Paris' })).toEqual({
      score: 1,
      message: 'exact match',
    });
  });

  it('compares with a non-string expected value through its JSON text', async () => {
    expect(await runMatch({ expected: 'metadata.answer' }, { response: '42', metadata: { answer: 42 } })).toEqual({
      score: 1,
      message: 'exact match',
    });
  });

  it('is undetermined, marked no_reference, when the expected value is missing, null or blank (not a 0, not a match)', async () => {
    const missing = {
      score: null,
      message: 'no expected value: reference is missing or empty in this row',
      details: { no_reference: true, missing: 'reference' },
    };
    expect(await runMatch({}, { response: '' })).toEqual(missing);
    expect(await runMatch({}, { response: 'something' })).toEqual(missing);
    expect(await runMatch({}, { response: 'something', reference: null })).toEqual(missing);
    expect(await runMatch({ mode: 'numeric' }, { response: '42', reference: ' ' })).toEqual(missing);
    expect(await runMatch({ expected: 'metadata.answer' }, { response: '42' })).toEqual({
      score: null,
      message: 'no expected value: metadata.answer is missing or empty in this row',
      details: { no_reference: true, missing: 'metadata.answer' },
    });
  });
});

describe('match check: extract', () => {
  it('compares the first group of the last match of extract', async () => {
    const row = { response: 'Answer: London\nWait, no.\nAnswer: Paris', reference: 'paris' };
    expect(await runMatch({ extract: 'Answer:\\s*(\\w+)' }, row)).toEqual({ score: 1, message: 'exact match' });
  });

  it('compares the whole last match when extract has no group', async () => {
    const row = { response: 'codes: AB-1 and CD-2', reference: 'cd-2' };
    expect(await runMatch({ extract: '[A-Z]{2}-\\d' }, row)).toEqual({ score: 1, message: 'exact match' });
  });

  it('scores 0 when extract matches nothing', async () => {
    expect(await runMatch({ extract: 'Answer:\\s*(\\w+)' }, { response: 'I do not know', reference: 'paris' })).toEqual({
      score: 0,
      message: 'nothing matched extract /Answer:\\s*(\\w+)/',
    });
  });
});

describe('match check: contains', () => {
  it('matches when the expected text occurs, ignoring case', async () => {
    expect(await runMatch({ mode: 'contains' }, { response: 'The capital is PARIS.', reference: 'Paris' })).toEqual({
      score: 1,
      message: 'contains the expected text',
    });
  });

  it('does not match when the expected text is absent', async () => {
    expect(await runMatch({ mode: 'contains' }, { response: 'The capital is Lyon.', reference: 'Paris' })).toEqual({
      score: 0,
      message: 'does not contain the expected text',
    });
  });

  it('is undetermined for an empty expected text, not a match', async () => {
    expect(await runMatch({ mode: 'contains' }, { response: 'anything', reference: '   ' })).toMatchObject({
      score: null,
      details: { no_reference: true },
    });
  });
});

describe('match check: regex', () => {
  it('tests the pattern against the response, case-insensitively by default', async () => {
    expect(await runMatch({ mode: 'regex', pattern: '^answer: \\d+$' }, { response: 'ANSWER: 12' })).toEqual({
      score: 1,
      message: 'regex matched',
    });
  });

  it('respects case when case_sensitive is set', async () => {
    expect(await runMatch({ mode: 'regex', pattern: '^answer', case_sensitive: true }, { response: 'ANSWER: 12' })).toEqual({
      score: 0,
      message: 'regex did not match',
    });
  });

  it('needs no reference when the pattern is given; without one, a missing reference is undetermined (an empty pattern would match anything)', async () => {
    expect(await runMatch({ mode: 'regex', pattern: 'colou?r' }, { response: 'colour' })).toEqual({ score: 1, message: 'regex matched' });
    expect(await runMatch({ mode: 'regex' }, { response: 'colour', reference: '' })).toMatchObject({
      score: null,
      details: { no_reference: true },
    });
  });

  it('uses the expected value as the pattern when none is given', async () => {
    expect(await runMatch({ mode: 'regex' }, { response: 'colour', reference: 'colou?r' })).toEqual({ score: 1, message: 'regex matched' });
    expect(await runMatch({ mode: 'regex' }, { response: 'paint', reference: 'colou?r' })).toEqual({
      score: 0,
      message: 'regex did not match',
    });
  });
});

describe('match check: numeric', () => {
  it('matches the last number in the response within an absolute tolerance', async () => {
    expect(
      await runMatch({ mode: 'numeric', tolerance: 0.5 }, { response: 'Step 1: 10. The answer is 1,234.25.', reference: '1234' }),
    ).toEqual({
      score: 1,
      message: '1234.25 vs 1234 within tolerance 0.5',
      details: { got: 1234.25, want: 1234 },
    });
  });

  it('fails outside the tolerance', async () => {
    expect(await runMatch({ mode: 'numeric' }, { response: '41', reference: '42' })).toEqual({
      score: 0,
      message: '41 vs 42 outside tolerance 0',
      details: { got: 41, want: 42 },
    });
  });

  it('uses the larger of the absolute and relative tolerances', async () => {
    expect(await runMatch({ mode: 'numeric', tolerance: 1, relative_tolerance: 0.05 }, { response: '209', reference: '200' })).toEqual({
      score: 1,
      message: '209 vs 200 within tolerance 10',
      details: { got: 209, want: 200 },
    });
    expect(await runMatch({ mode: 'numeric', tolerance: 1, relative_tolerance: 0.05 }, { response: '211', reference: '200' })).toEqual({
      score: 0,
      message: '211 vs 200 outside tolerance 10',
      details: { got: 211, want: 200 },
    });
  });

  it('scores 0 when the response has no number', async () => {
    expect(await runMatch({ mode: 'numeric' }, { response: 'no idea', reference: '3' })).toEqual({
      score: 0,
      message: 'no number in the response',
    });
  });

  it('scores 0 when the expected value has no number', async () => {
    expect(await runMatch({ mode: 'numeric' }, { response: '3', reference: 'none' })).toEqual({
      score: 0,
      message: 'expected value "none" has no number',
    });
  });

  it('reads a numeric expected value from metadata', async () => {
    expect(
      await runMatch({ mode: 'numeric', expected: 'metadata.answer' }, { response: 'It is -3.5', metadata: { answer: -3.5 } }),
    ).toEqual({
      score: 1,
      message: '-3.5 vs -3.5 within tolerance 0',
      details: { got: -3.5, want: -3.5 },
    });
  });
});

describe('match check: trim', () => {
  it('trim: false compares exact text as given, whitespace included', async () => {
    expect(await runMatch({ trim: false, case_sensitive: true }, { response: 'Paris\n', reference: 'Paris' })).toEqual({
      score: 0,
      message: 'no exact match',
    });
    expect(await runMatch({ trim: false, case_sensitive: true }, { response: ' Paris', reference: ' Paris' })).toEqual({
      score: 1,
      message: 'exact match',
    });
  });

  it('trim: false keeps case folding separate (case_sensitive false still ignores case)', async () => {
    expect(await runMatch({ trim: false }, { response: 'PARIS', reference: 'paris' })).toEqual({ score: 1, message: 'exact match' });
  });

  it('trim: false in mode contains looks for the expected text with its spaces', async () => {
    expect(await runMatch({ mode: 'contains', trim: false }, { response: 'a cat sat', reference: ' cat ' })).toEqual({
      score: 1,
      message: 'contains the expected text',
    });
    expect(await runMatch({ mode: 'contains', trim: false }, { response: 'cat', reference: ' cat ' })).toEqual({
      score: 0,
      message: 'does not contain the expected text',
    });
    expect(await runMatch({ mode: 'contains' }, { response: 'cat', reference: ' cat ' })).toEqual({
      score: 1,
      message: 'contains the expected text',
    });
  });

  it('defaults to true in the parsed spec', () => {
    expect(MatchCheckSchema.parse({ type: 'match' })).toMatchObject({ trim: true, negate: false });
  });
});

describe('match check: negate', () => {
  it('scores 1 − the match score and says "not (…)"', async () => {
    expect(await runMatch({ negate: true }, { response: 'Lyon', reference: 'Paris' })).toEqual({
      score: 1,
      message: 'not (no exact match)',
    });
    expect(await runMatch({ negate: true }, { response: 'paris', reference: 'Paris' })).toEqual({ score: 0, message: 'not (exact match)' });
    expect(await runMatch({ negate: true, mode: 'contains' }, { response: 'I cannot help', reference: 'cannot' })).toEqual({
      score: 0,
      message: 'not (contains the expected text)',
    });
    expect(await runMatch({ negate: true, mode: 'regex', pattern: '^sorry' }, { response: 'Here it is' })).toEqual({
      score: 1,
      message: 'not (regex did not match)',
    });
  });

  it('keeps the details of the numeric comparison', async () => {
    expect(await runMatch({ negate: true, mode: 'numeric' }, { response: '41', reference: '42' })).toEqual({
      score: 1,
      message: 'not (41 vs 42 outside tolerance 0)',
      details: { got: 41, want: 42 },
    });
  });

  it('leaves an undetermined result (no reference) undetermined', async () => {
    expect(await runMatch({ negate: true }, { response: 'anything' })).toEqual({
      score: null,
      message: 'no expected value: reference is missing or empty in this row',
      details: { no_reference: true, missing: 'reference' },
    });
  });
});
