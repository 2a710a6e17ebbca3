/**
 * Everything we read from a provider's response headers, in one place: how long a failed call's server asks us to
 * wait (`retry-after-ms`, `retry-after`), and the rate-limit state providers send with every reply (OpenAI
 * `x-ratelimit-*`, Anthropic `anthropic-ratelimit-*`) as remaining counts and reset delays, so the scheduler can
 * pause before the provider starts answering 429. Pure: `now` is injectable.
 */

/** Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date). Undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string | undefined> | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
  const rawMilliseconds = lower['retry-after-ms']?.trim();
  const milliseconds = Number(rawMilliseconds);
  if (rawMilliseconds && Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = lower['retry-after'];
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RateLimitState {
  remainingRequests?: number;
  resetRequestsMs?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
}

export function readRateLimitHeaders(headers: Record<string, string | undefined> | undefined, now: number = Date.now()): RateLimitState {
  if (!headers) return {};
  const get = (...names: string[]) => {
    for (const name of names) {
      const value = headers[name] ?? headers[name.toLowerCase()];
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
    return undefined;
  };
  const state: RateLimitState = {};
  const set = <K extends keyof RateLimitState>(key: K, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value) && value >= 0) state[key] = value;
  };
  set('remainingRequests', toNumber(get('x-ratelimit-remaining-requests', 'anthropic-ratelimit-requests-remaining')));
  set('remainingTokens', toNumber(get('x-ratelimit-remaining-tokens', 'anthropic-ratelimit-tokens-remaining')));
  set('resetRequestsMs', resetDelay(get('x-ratelimit-reset-requests', 'anthropic-ratelimit-requests-reset'), now));
  set('resetTokensMs', resetDelay(get('x-ratelimit-reset-tokens', 'anthropic-ratelimit-tokens-reset'), now));
  return state;
}

function toNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** "1s", "6m0s", "20ms", "1.5s", a number of seconds, or an RFC 3339 time → milliseconds from now. */
export function resetDelay(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(value);
  if (duration && duration.slice(1).some((part) => part !== undefined)) {
    const [hours, minutes, seconds, milliseconds] = duration.slice(1).map((part) => Number(part ?? 0));
    return Math.round(hours! * 3_600_000 + minutes! * 60_000 + seconds! * 1000 + milliseconds!);
  }
  // Only real timestamps: RFC 3339 (Anthropic) or an HTTP date — V8's Date.parse accepts far more.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !/^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} /.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
