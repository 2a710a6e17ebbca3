import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { InputSpecSchema, LengthCheckSchema } from '../spec/schema.js';
import type { CheckOutcome } from './check.js';
import { lengthCheck, lengthScore, measureLength } from './length-check.js';

const input = InputSpecSchema.parse({});

async function runLength(spec: Record<string, unknown>, row: Record<string, unknown>): Promise<CheckOutcome> {
  const check = lengthCheck(LengthCheckSchema.parse({ type: 'length', ...spec }));
  return check(createRowContext(toRowView(row, input, 'row-1')));
}

describe('measureLength', () => {
  it('counts words separated by any run of whitespace', () => {
    expect(measureLength('  one two\n\nthree\tfour  ', 'words')).toBe(4);
  });

  it('counts zero words in an empty or blank text', () => {
    expect(measureLength('', 'words')).toBe(0);
    expect(measureLength(' \n ', 'words')).toBe(0);
  });

  it('counts characters as code points, so an emoji is one character', () => {
    expect(measureLength('héllo 👍', 'chars')).toBe(7);
  });
});

describe('lengthScore', () => {
  it('is 1 inside [min, max], bounds included', () => {
    expect(lengthScore(10, 10, 20, undefined)).toBe(1);
    expect(lengthScore(15, 10, 20, undefined)).toBe(1);
    expect(lengthScore(20, 10, 20, undefined)).toBe(1);
  });

  it('falls linearly below min over a ramp equal to min by default', () => {
    expect(lengthScore(5, 10, 20, undefined)).toBe(0.5);
    expect(lengthScore(0, 10, 20, undefined)).toBe(0);
  });

  it('falls linearly above max over a ramp equal to max by default', () => {
    expect(lengthScore(25, 10, 20, undefined)).toBe(0.75);
    expect(lengthScore(40, 10, 20, undefined)).toBe(0);
  });

  it('uses an explicit ramp width on either side', () => {
    expect(lengthScore(9, 10, 20, 4)).toBe(0.75);
    expect(lengthScore(22, 10, 20, 4)).toBe(0.5);
  });

  it('never goes below 0', () => {
    expect(lengthScore(1000, 10, 20, 4)).toBe(0);
  });

  it('applies only the bound that is given', () => {
    expect(lengthScore(1000, 10, undefined, undefined)).toBe(1);
    expect(lengthScore(0, undefined, 20, undefined)).toBe(1);
  });
});

describe('length check', () => {
  it('scores 1 and reports the length when the response is inside the bounds', async () => {
    expect(await runLength({ min: 2, max: 5 }, { response: 'three little words' })).toEqual({
      score: 1,
      message: '3 words (wanted [2, 5])',
      details: { length: 3, unit: 'words' },
    });
  });

  it('scores a short response on the ramp below min', async () => {
    expect(await runLength({ min: 10, max: 20 }, { response: 'one two three four five' })).toEqual({
      score: 0.5,
      message: '5 words (wanted [10, 20])',
      details: { length: 5, unit: 'words' },
    });
  });

  it('measures characters and shows an open upper bound as ∞', async () => {
    expect(await runLength({ unit: 'chars', min: 8 }, { response: 'abcdef' })).toEqual({
      score: 0.75,
      message: '6 chars (wanted [8, ∞])',
      details: { length: 6, unit: 'chars' },
    });
  });

  it('shows a missing lower bound as 0', async () => {
    expect(await runLength({ unit: 'chars', max: 4 }, { response: 'abcde' })).toEqual({
      score: 0.75,
      message: '5 chars (wanted [0, 4])',
      details: { length: 5, unit: 'chars' },
    });
  });

  it('measures the field the selector names instead of the response', async () => {
    const outcome = await runLength(
      { field: 'metadata.summary', max: 3 },
      { response: 'a b c d e f g h', metadata: { summary: 'two words' } },
    );
    expect(outcome.details).toEqual({ length: 2, unit: 'words' });
    expect(outcome.score).toBe(1);
  });

  it('measures a missing field as empty', async () => {
    const outcome = await runLength({ field: 'metadata.absent', min: 4 }, { response: 'x' });
    expect(outcome.details).toEqual({ length: 0, unit: 'words' });
    expect(outcome.score).toBe(0);
  });
});
