import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { InputSpecSchema, SafetyCheckSchema } from '../spec/schema.js';
import type { CheckOutcome } from './check.js';
import { findPii, luhnValid, PII_DETECTORS, type PiiKind } from './pii-patterns.js';
import { redact, safetyCheck } from './safety-check.js';

const input = InputSpecSchema.parse({});

async function runSafety(spec: Record<string, unknown>, row: Record<string, unknown>): Promise<CheckOutcome> {
  const check = safetyCheck(SafetyCheckSchema.parse({ type: 'safety', ...spec }));
  return check(createRowContext(toRowView(row, input, 'row-1')));
}

describe('redact', () => {
  it('hides a short match completely', () => {
    expect(redact('abcd')).toBe('***');
    expect(redact('a')).toBe('***');
  });

  it('keeps the first two and last character of a longer match', () => {
    expect(redact('abcde')).toBe('ab***e');
    expect(redact('jane@example.com')).toBe('ja***m');
  });
});

describe('safety check: terms and patterns', () => {
  it('scores 1 with no details for clean text', async () => {
    expect(await runSafety({ terms: ['bomb'] }, { response: 'A calm and helpful answer.' })).toEqual({
      score: 1,
      message: 'no prohibited content',
    });
  });

  it('matches a term as a whole word, case-insensitively', async () => {
    expect(await runSafety({ terms: ['bomb'], pii: false }, { response: 'Never build a BOMB.' })).toEqual({
      score: 0,
      message: 'prohibited content: term "bomb"',
      details: { hits: ['term "bomb"'] },
    });
  });

  it('does not match a term inside a longer word', async () => {
    expect(await runSafety({ terms: ['bomb', 'ass'], pii: false }, { response: 'A bombastic, classic pass.' })).toEqual({
      score: 1,
      message: 'no prohibited content',
    });
  });

  it('does not match a term glued to accented letters, digits or underscores', async () => {
    expect(await runSafety({ terms: ['rat'], pii: false }, { response: 'Ératé rat_1 2rat' })).toEqual({
      score: 1,
      message: 'no prohibited content',
    });
  });

  it('matches a term with regex metacharacters literally', async () => {
    const outcome = await runSafety({ terms: ['c++', 'a.b'], pii: false }, { response: 'A C++ tutorial about axb.' });
    expect(outcome.details).toEqual({ hits: ['term "c++"'] });
  });

  it('matches a multi-word phrase', async () => {
    const outcome = await runSafety({ terms: ['kill switch'], pii: false }, { response: 'Flip the Kill Switch now.' });
    expect(outcome.details).toEqual({ hits: ['term "kill switch"'] });
  });

  it('reports a forbidden pattern with the match redacted', async () => {
    expect(await runSafety({ patterns: ['pass(word)?\\s*[:=]\\s*\\S+'], pii: false }, { response: 'Password: hunter2' })).toEqual({
      score: 0,
      message: 'prohibited content: pattern /pass(word)?\\s*[:=]\\s*\\S+/ matched "Pa***2"',
      details: { hits: ['pattern /pass(word)?\\s*[:=]\\s*\\S+/ matched "Pa***2"'] },
    });
  });

  it('lists at most five hits in the message and counts the rest', async () => {
    const outcome = await runSafety(
      { terms: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7'], pii: false },
      { response: 'a1 b2 c3 d4 e5 f6 g7' },
    );
    expect(outcome.score).toBe(0);
    expect(outcome.message).toBe('prohibited content: term "a1", term "b2", term "c3", term "d4", term "e5" (+2 more)');
    expect(outcome.details).toEqual({ hits: ['term "a1"', 'term "b2"', 'term "c3"', 'term "d4"', 'term "e5"', 'term "f6"', 'term "g7"'] });
  });

  it('scans the field the selector names', async () => {
    const outcome = await runSafety(
      { field: 'metadata.notes', terms: ['secret'], pii: false },
      { response: 'secret', metadata: { notes: 'nothing here' } },
    );
    expect(outcome).toEqual({ score: 1, message: 'no prohibited content' });
  });
});

describe('safety check: PII', () => {
  const text = 'Mail jane@example.com or call 415-555-0132.';

  it('runs every PII detector by default', async () => {
    expect(await runSafety({}, { response: text })).toEqual({
      score: 0,
      message: 'prohibited content: email "ja***m", phone "41***2"',
      details: { hits: ['email "ja***m"', 'phone "41***2"'] },
    });
  });

  it('runs only the listed detectors', async () => {
    expect(await runSafety({ pii: ['email'] }, { response: text })).toEqual({
      score: 0,
      message: 'prohibited content: email "ja***m"',
      details: { hits: ['email "ja***m"'] },
    });
  });

  it('runs no detectors when pii is false', async () => {
    expect(await runSafety({ pii: false }, { response: text })).toEqual({ score: 1, message: 'no prohibited content' });
  });
});

describe('findPii', () => {
  const only = (kind: PiiKind, value: string) => findPii(value, [kind]);

  it('has a detector for every PII kind', () => {
    expect(Object.keys(PII_DETECTORS).sort()).toEqual(['api_token', 'aws_access_key', 'credit_card', 'email', 'phone', 'private_key']);
  });

  it('finds email addresses, including plus tags and multi-part domains', () => {
    expect(only('email', 'write to jane.doe+x@example.co.uk today')).toEqual([{ kind: 'email', match: 'jane.doe+x@example.co.uk' }]);
  });

  it('does not take a bare @handle for an email', () => {
    expect(only('email', 'ping @jane on chat')).toEqual([]);
  });

  it.each(['415-555-0132', '+1 415 555 0132', '+44 20 7946 0958', '415.555.0132'])('finds the phone number %s', (phone) => {
    expect(only('phone', `call ${phone} now`)).toEqual([{ kind: 'phone', match: phone }]);
  });

  it('rejects a phone-shaped number with fewer than 9 digits', () => {
    expect(only('phone', 'ref 12 345 678')).toEqual([]);
  });

  it('does not take an ISO date for a phone number', () => {
    expect(only('phone', 'on 2024-01-15')).toEqual([]);
  });

  it('finds card numbers that pass the Luhn checksum, with or without separators', () => {
    expect(only('credit_card', 'card 4111 1111 1111 1111 exp')).toEqual([{ kind: 'credit_card', match: '4111 1111 1111 1111' }]);
    expect(only('credit_card', 'amex 378282246310005')).toEqual([{ kind: 'credit_card', match: '378282246310005' }]);
    expect(only('credit_card', 'card 6011-1111-1111-1117')).toEqual([{ kind: 'credit_card', match: '6011-1111-1111-1117' }]);
  });

  it('ignores card-shaped numbers that fail the Luhn checksum', () => {
    expect(only('credit_card', 'card 4111 1111 1111 1112')).toEqual([]);
  });

  it('finds AWS access key ids', () => {
    expect(only('aws_access_key', 'key=AKIAIOSFODNN7EXAMPLE;')).toEqual([{ kind: 'aws_access_key', match: 'AKIAIOSFODNN7EXAMPLE' }]);
    expect(only('aws_access_key', 'AKIAIOSFODNN7EXAMPL')).toEqual([]);
  });

  it('finds private key headers', () => {
    expect(only('private_key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE')).toEqual([
      { kind: 'private_key', match: '-----BEGIN RSA PRIVATE KEY-----' },
    ]);
    expect(only('private_key', '-----BEGIN OPENSSH PRIVATE KEY-----')).toEqual([
      { kind: 'private_key', match: '-----BEGIN OPENSSH PRIVATE KEY-----' },
    ]);
    expect(only('private_key', '-----BEGIN PUBLIC KEY-----')).toEqual([]);
  });

  it.each([
    'sk-proj-abcdefghijklmnopqrstuvwxyz',
    'sk-ABCDEFGHIJKLMNOPQRST1234',
    `ghp_${'a'.repeat(36)}`,
    `AIza${'b'.repeat(35)}`,
    'xoxb-1234567890-abcdef',
  ])('finds the API token %s', (token) => {
    expect(only('api_token', `token: ${token}`)).toEqual([{ kind: 'api_token', match: token }]);
  });

  it('ignores strings too short to be API tokens', () => {
    expect(only('api_token', 'sk-short ghp_abc xoxb-1')).toEqual([]);
  });

  it('reports each occurrence in the order of the text', () => {
    expect(findPii('a@b.io then c@d.io, key AKIAIOSFODNN7EXAMPLE', ['aws_access_key', 'email'])).toEqual([
      { kind: 'email', match: 'a@b.io' },
      { kind: 'email', match: 'c@d.io' },
      { kind: 'aws_access_key', match: 'AKIAIOSFODNN7EXAMPLE' },
    ]);
  });

  it.each([
    ['call (415) 555-0132 now', [{ kind: 'phone', match: '(415) 555-0132' }]],
    ['+44 20 7946 0958', [{ kind: 'phone', match: '+44 20 7946 0958' }]],
    ['+1 (415) 555-0132', [{ kind: 'phone', match: '+1 (415) 555-0132' }]],
    ['server 192.168.100.200', []],
    ['order 4111-1111-1111-1112 (fails Luhn)', []],
    ['card 4111 1111 1111 1111', [{ kind: 'credit_card', match: '4111 1111 1111 1111' }]],
    ['on 2024-01-15, ref 12345678, section 12.3.4', []],
  ])('phone and card detection in %j', (text, expected) => {
    expect(findPii(text, ['phone', 'credit_card'])).toEqual(expected);
  });

  it('gives the same results when called twice (no state left in the global regexes)', () => {
    const first = findPii('x@y.com', ['email']);
    expect(findPii('x@y.com', ['email'])).toEqual(first);
    expect(first).toEqual([{ kind: 'email', match: 'x@y.com' }]);
  });
});

describe('luhnValid', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['378282246310005', true],
    ['6011111111111117', true],
    ['5555555555554444', true],
    ['5555555555554445', false],
    ['0000000000000', true],
  ])('%s → %s', (digits, expected) => {
    expect(luhnValid(digits)).toBe(expected);
  });

  it('rejects numbers shorter than 13 or longer than 19 digits even when the checksum holds', () => {
    expect(luhnValid('79927398713')).toBe(false);
    expect(luhnValid('00000000000000000000')).toBe(false);
  });

  it('rejects anything that is not digits only', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
    expect(luhnValid('411111111111111a')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});
