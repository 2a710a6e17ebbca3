/**
 * Provider headers: Retry-After (milliseconds, seconds or an HTTP date), OpenAI's x-ratelimit-* (Go-style durations)
 * and Anthropic's anthropic-ratelimit-* (RFC 3339 reset times) read into delays, remaining counts and reset delays;
 * anything unreadable is ignored.
 */
import { describe, expect, it } from 'vitest';
import { readRateLimitHeaders, resetDelay, retryAfterMs } from './provider-headers.js';

const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('resetDelay', () => {
  it.each(['-5', 'foo 1', 'abc 12', 'June 5', 'soon'])('ignores %j (not a duration or a timestamp)', (value) => {
    expect(resetDelay(value, 0)).toBeUndefined();
  });

  it('reads an HTTP date', () => {
    expect(resetDelay('Fri, 27 Nov 2026 20:00:05 GMT', Date.parse('2026-11-27T20:00:00Z'))).toBe(5000);
  });

  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1.5s', 1500],
    ['0s', 0],
    ['2m', 120_000],
    ['1m30.5s', 90_500],
    ['1h2m3s', 3_723_000],
    ['1s500ms', 1500],
    ['0.25ms', 0],
  ])('reads the duration %s as %i ms', (value, expected) => {
    expect(resetDelay(value, NOW)).toBe(expected);
  });

  it.each([
    ['30', 30_000],
    ['0', 0],
    ['0.5', 500],
    ['2.25', 2250],
  ])('reads the bare number %s as seconds: %i ms', (value, expected) => {
    expect(resetDelay(value, NOW)).toBe(expected);
  });

  it.each([
    ['2025-03-01T12:00:30Z', 30_000],
    ['2025-03-01T12:00:00.250Z', 250],
    ['2025-03-01T13:00:05+01:00', 5000],
    ['2025-03-01T12:01:00Z', 60_000],
  ])('reads the RFC 3339 time %s as %i ms from now', (value, expected) => {
    expect(resetDelay(value, NOW)).toBe(expected);
  });

  it('reads a reset time already past as 0', () => {
    expect(resetDelay('2025-03-01T11:59:00Z', NOW)).toBe(0);
  });

  it('measures an RFC 3339 time from the injected now', () => {
    expect(resetDelay('2025-03-01T12:00:30Z', NOW + 10_000)).toBe(20_000);
  });

  it.each([undefined, '', 'soon', 'x1', '12abc', 'ms', 's', '1x', 'Mon'])('returns undefined for %j', (value) => {
    expect(resetDelay(value, NOW)).toBeUndefined();
  });
});

describe('readRateLimitHeaders', () => {
  it('reads OpenAI headers', () => {
    const state = readRateLimitHeaders(
      {
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-reset-requests': '120ms',
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-tokens': '149984',
        'x-ratelimit-reset-tokens': '6m0s',
      },
      NOW,
    );
    expect(state).toEqual({ remainingRequests: 499, resetRequestsMs: 120, remainingTokens: 149_984, resetTokensMs: 360_000 });
  });

  it('reads Anthropic headers with RFC 3339 resets against the injected now', () => {
    const state = readRateLimitHeaders(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': '2025-03-01T12:00:12Z',
        'anthropic-ratelimit-tokens-limit': '40000',
        'anthropic-ratelimit-tokens-remaining': '39000',
        'anthropic-ratelimit-tokens-reset': '2025-03-01T12:00:01.500Z',
      },
      NOW,
    );
    expect(state).toEqual({ remainingRequests: 0, resetRequestsMs: 12_000, remainingTokens: 39_000, resetTokensMs: 1500 });
  });

  it('reads resets given as numeric seconds', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-reset-requests': '2', 'x-ratelimit-reset-tokens': '0.5' }, NOW)).toEqual({
      resetRequestsMs: 2000,
      resetTokensMs: 500,
    });
  });

  it('prefers the OpenAI header when both are present', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining-requests': '3', 'anthropic-ratelimit-requests-remaining': '9' }, NOW)).toEqual({
      remainingRequests: 3,
    });
  });

  it('falls back to the Anthropic header when the OpenAI one is blank', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining-requests': '  ', 'anthropic-ratelimit-requests-remaining': '9' }, NOW)).toEqual({
      remainingRequests: 9,
    });
  });

  it('trims surrounding whitespace', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining-tokens': ' 42 ', 'x-ratelimit-reset-tokens': ' 1s ' }, NOW)).toEqual({
      remainingTokens: 42,
      resetTokensMs: 1000,
    });
  });

  it('returns nothing for no headers', () => {
    expect(readRateLimitHeaders(undefined, NOW)).toEqual({});
    expect(readRateLimitHeaders({}, NOW)).toEqual({});
  });

  it('ignores unrelated headers', () => {
    expect(readRateLimitHeaders({ 'content-type': 'application/json', 'retry-after': '3' }, NOW)).toEqual({});
  });

  it('ignores blank and undefined values', () => {
    expect(
      readRateLimitHeaders(
        {
          'x-ratelimit-remaining-requests': '',
          'x-ratelimit-reset-requests': '   ',
          'x-ratelimit-remaining-tokens': undefined,
          'x-ratelimit-reset-tokens': '\t',
        },
        NOW,
      ),
    ).toEqual({});
  });

  it('ignores garbage values and keeps the readable ones', () => {
    expect(
      readRateLimitHeaders(
        {
          'x-ratelimit-remaining-requests': 'many',
          'x-ratelimit-reset-requests': 'soon',
          'x-ratelimit-remaining-tokens': '-5',
          'x-ratelimit-reset-tokens': '20ms',
        },
        NOW,
      ),
    ).toEqual({ resetTokensMs: 20 });
  });

  it('ignores a remaining count that is not a finite number', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining-requests': 'Infinity', 'x-ratelimit-remaining-tokens': 'NaN' }, NOW)).toEqual({});
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('gives undefined without headers or without a retry header', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs({ 'content-type': 'application/json' })).toBeUndefined();
  });

  it('reads retry-after-ms as milliseconds', () => {
    expect(retryAfterMs({ 'retry-after-ms': '1500' })).toBe(1500);
  });

  it('prefers retry-after-ms over retry-after', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '10' })).toBe(250);
  });

  it('matches header names case-insensitively', () => {
    expect(retryAfterMs({ 'Retry-After-Ms': '40' })).toBe(40);
    expect(retryAfterMs({ 'RETRY-AFTER': '2' })).toBe(2000);
  });

  it('falls back to retry-after when retry-after-ms is not a number or negative', () => {
    expect(retryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ 'retry-after-ms': '-5', 'retry-after': '3' })).toBe(3000);
  });

  it('reads retry-after as seconds, fractions included', () => {
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
    expect(retryAfterMs({ 'retry-after': '0' })).toBe(0);
  });

  it('gives undefined for a negative number of seconds', () => {
    expect(retryAfterMs({ 'retry-after': '-1' })).toBeUndefined();
  });

  it('reads retry-after as an HTTP date relative to now', () => {
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, now)).toBe(5000);
  });

  it('gives 0 for an HTTP date in the past', () => {
    expect(retryAfterMs({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
  });

  it('gives undefined for a blank or unreadable retry-after', () => {
    expect(retryAfterMs({ 'retry-after': '   ' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'later please' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': undefined }, now)).toBeUndefined();
  });
});

describe('retryAfterMs with blank headers', () => {
  it('ignores an empty retry-after-ms and falls back to retry-after', () => {
    expect(retryAfterMs({ 'retry-after-ms': '', 'retry-after': '5' })).toBe(5000);
    expect(retryAfterMs({ 'retry-after-ms': '  ' })).toBeUndefined();
  });
});
