import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { InputSpecSchema, LanguageCheckSchema } from '../spec/schema.js';
import type { CheckOutcome } from './check.js';
import { detectLanguage, languageCheck } from './language-check.js';

const input = InputSpecSchema.parse({});

const ENGLISH = 'The quick brown fox jumps over the lazy dog while the farmer watches.';
const GERMAN = 'Der schnelle braune Fuchs springt über den faulen Hund, während der Bauer zusieht.';
const FRENCH = 'Le renard brun rapide saute par-dessus le chien paresseux pendant que le fermier regarde.';
const JAPANESE = '素早い茶色の狐が怠け者の犬を飛び越え、農夫がそれを見ています。';

async function runLanguage(spec: Record<string, unknown>, row: Record<string, unknown>): Promise<CheckOutcome> {
  const check = languageCheck(LanguageCheckSchema.parse({ type: 'language', ...spec }));
  return check(createRowContext(toRowView(row, input, 'row-1')));
}

describe('detectLanguage', () => {
  it.each([
    ['English', 'en', ENGLISH],
    ['German', 'de', GERMAN],
    ['French', 'fr', FRENCH],
    ['Japanese', 'ja', JAPANESE],
  ])('detects a clear %s sentence as %s', async (_name, code, text) => {
    expect(await detectLanguage(text, 20)).toEqual({ language: code });
  });

  it('calls a text with fewer letters than min_chars undetermined, counting letters only', async () => {
    expect(await detectLanguage('Hi there', 20)).toEqual({ undetermined: 'too short to detect (7 letters < 20)' });
  });

  it('does not count digits, punctuation, symbols or spaces as letters', async () => {
    expect(await detectLanguage('123 456 !!! ??? $$$ +++ abc', 4)).toEqual({ undetermined: 'too short to detect (3 letters < 4)' });
  });

  it('calls a text the detector is unsure of undetermined', async () => {
    expect(await detectLanguage('Ok ok ok ok ok ok ok ok ok ok ok ok', 20)).toEqual({ undetermined: 'detector not confident' });
  });
});

describe('language check', () => {
  it('scores 1 when the response is in the language of the prompt', async () => {
    expect(
      await runLanguage({}, { prompt: ENGLISH, response: 'A farmer watched the brown fox jump over his sleepy dog in the field.' }),
    ).toEqual({
      score: 1,
      message: 'language en as expected',
      details: { detected: 'en', expected: 'en' },
    });
  });

  it('scores 0 when the response language differs from the prompt language', async () => {
    expect(await runLanguage({}, { prompt: GERMAN, response: ENGLISH })).toEqual({
      score: 0,
      message: 'language en, expected de',
      details: { detected: 'en', expected: 'de' },
    });
  });

  it('scores 1 when the response is in a fixed expected language', async () => {
    expect(await runLanguage({ expect: 'fr' }, { prompt: 'x', response: FRENCH })).toEqual({
      score: 1,
      message: 'language fr as expected',
      details: { detected: 'fr', expected: 'fr' },
    });
  });

  it('scores 0 when the response is not in the fixed expected language', async () => {
    expect(await runLanguage({ expect: 'de' }, { prompt: 'x', response: JAPANESE })).toEqual({
      score: 0,
      message: 'language ja, expected de',
      details: { detected: 'ja', expected: 'de' },
    });
  });

  it('is undetermined (score null), not a failure, when the response is too short', async () => {
    expect(await runLanguage({ expect: 'en' }, { response: 'Yes, of course.' })).toEqual({
      score: null,
      message: 'response language undetermined: too short to detect (11 letters < 20)',
    });
  });

  it('is undetermined when the prompt it must match is too short', async () => {
    expect(await runLanguage({}, { prompt: 'Hi', response: ENGLISH })).toEqual({
      score: null,
      message: 'language of prompt undetermined: too short to detect (2 letters < 20)',
    });
  });

  it('compares against the field named by against', async () => {
    const outcome = await runLanguage(
      { against: 'metadata.source_text' },
      { prompt: 'Hi', response: GERMAN, metadata: { source_text: FRENCH } },
    );
    expect(outcome).toEqual({ score: 0, message: 'language de, expected fr', details: { detected: 'de', expected: 'fr' } });
  });

  it('honours a higher min_chars', async () => {
    expect(await runLanguage({ expect: 'en', min_chars: 100 }, { response: ENGLISH })).toEqual({
      score: null,
      message: 'response language undetermined: too short to detect (56 letters < 100)',
    });
  });
});
