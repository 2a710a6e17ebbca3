import { describe, expect, it } from 'vitest';
import { createTokenCheck, presentedToken } from './auth.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('presentedToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc  ', 'abc'],
    [basic('rk', 's3:cret'), 's3:cret'],
    [basic('', 'tok'), 'tok'],
    ['Basic bm8tY29sb24=', undefined], // "no-colon"
    ['Token abc', undefined],
    ['Bearer', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(presentedToken(header)).toBe(token);
  });
});

describe('createTokenCheck', () => {
  const check = createTokenCheck('s3cret');
  it.each([
    ['Bearer s3cret', true],
    [basic('anyone', 's3cret'), true],
    ['Bearer s3cre', false],
    ['Bearer s3cret2', false],
    ['Bearer S3CRET', false],
    [undefined, false],
  ])('%j → %s', (header, ok) => {
    expect(check(header)).toBe(ok);
  });

  it('an empty presented token never matches', () => {
    expect(createTokenCheck('x')('Bearer ')).toBe(false);
  });
});
