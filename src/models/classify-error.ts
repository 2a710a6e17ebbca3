/**
 * Turns whatever a provider call threw into one of our error kinds, whether it is worth retrying,
 * and how long the server asked us to wait.
 */
import { APICallError } from 'ai';
import type { ErrorKind } from '../result.js';
import { retryAfterMs } from './provider-headers.js';

export interface ClassifiedError {
  kind: ErrorKind;
  retryable: boolean;
  message: string;
  retryAfterMs?: number;
  status?: number;
  /** The start (at most 500 characters) of the provider's error response body, when there was one. */
  body?: string;
  /** Response headers of the failed call (rate-limit state), when there was a response. */
  headers?: Record<string, string>;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

export function classifyError(error: unknown, timedOut: boolean): ClassifiedError {
  if (timedOut) return { kind: 'timeout', retryable: true, message: 'judge call timed out' };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const message = `${status ?? 'no status'}: ${firstLine(error.message)}`;
    const after = retryAfterMs(error.responseHeaders);
    const body = bodyExcerpt(error.responseBody);
    const withAfter = {
      ...(after === undefined ? {} : { retryAfterMs: after }),
      ...(error.responseHeaders ? { headers: error.responseHeaders } : {}),
      ...(body === undefined ? {} : { body }),
    };
    if (status === undefined) {
      return {
        kind: 'network_error',
        retryable: true,
        message: `cannot reach ${error.url}: ${causeText(error.cause) ?? firstLine(error.message)}`,
      };
    }
    // A 2xx whose body is not a chat completion: a proxy or server glitch, worth another try.
    if (status < 400)
      return {
        kind: 'server_error',
        retryable: true,
        message: `malformed response body (HTTP ${status}): ${firstLine(error.message)}`,
        status,
        ...withAfter,
      };
    if (status === 429) return { kind: 'rate_limited', retryable: true, message, status, ...withAfter };
    if (status === 408) return { kind: 'timeout', retryable: true, message, status, ...withAfter };
    if (status >= 500) return { kind: 'server_error', retryable: true, message, status, ...withAfter };
    if (status === 401 || status === 403) return { kind: 'auth_error', retryable: false, message, status, ...withAfter };
    return { kind: 'bad_request', retryable: false, message, status, ...withAfter };
  }
  const code = errorCode(error);
  if (code && NETWORK_CODES.has(code))
    return { kind: 'network_error', retryable: true, message: `${code}: ${causeText(error) ?? ''}`.trim() };
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return { kind: 'timeout', retryable: true, message: 'judge call aborted' };
  }
  return { kind: 'unknown', retryable: false, message: error instanceof Error ? firstLine(error.message) : String(error) };
}

/** The longest provider response body kept on an error. */
export const MAX_ERROR_BODY_CHARS = 500;

function bodyExcerpt(body: string | undefined): string | undefined {
  if (body === undefined || body === '') return undefined;
  return body.length > MAX_ERROR_BODY_CHARS ? `${body.slice(0, MAX_ERROR_BODY_CHARS - 1)}…` : body;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

/** The first `code` (ECONNREFUSED, …) on the error or its causes. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeText(error: unknown): string | undefined {
  const code = errorCode(error);
  let current: unknown = error;
  let message: string | undefined;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message;
    current = current.cause;
  }
  return code ? `${code}${message && !message.includes(code) ? ` (${firstLine(message)})` : ''}` : message && firstLine(message);
}
