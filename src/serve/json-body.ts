/**
 * Reads one JSON request body under the server's limits, and only then parses it:
 *   - size: more than the body limit → 413 `body_too_large` (from Content-Length before reading, else as
 *     soon as the bytes pass it);
 *   - rows: the items of the top-level arrays are counted while the bytes arrive (json-array-counter.ts);
 *     more than --max-rows → 413 `too_many_rows` naming the field, the count and the limit, and the bytes
 *     are dropped as they come instead of being kept, parsed and scored;
 *   - the shared budget (request-budget.ts): bytes held by all requests at once, then rows → 429 `busy`
 *     with Retry-After;
 *   - time: a body not received in full within --body-timeout-ms → 408 `body_timeout`, connection closed.
 * Every refusal is an HttpError naming the field, the value and the limit.
 */
import type { IncomingMessage } from 'node:http';
import { JsonArrayCounter } from './json-array-counter.js';
import type { BudgetTicket } from './request-budget.js';
import { HttpError } from './request-error.js';

export interface JsonBodyLimits {
  bodyLimitBytes: number;
  maxRows: number;
  bodyTimeoutMs: number;
  /** Seconds a client is told to wait (Retry-After) when the budget is full. */
  retryAfterSeconds: number;
}

export interface ReadBody {
  text: string;
  /** Items of the largest top-level array (the batch's rows), 0 when there is none. */
  rows: number;
}

/** Receives the whole body (or refuses it); the caller parses `text`. `ticket` holds the request's share of the budget. */
export function receiveJsonBody(payload: IncomingMessage, ticket: BudgetTicket, limits: JsonBodyLimits): Promise<ReadBody> {
  return new Promise<ReadBody>((resolve, reject) => {
    const declared = payload.headers['content-length'] === undefined ? undefined : Number(payload.headers['content-length']);
    if (declared !== undefined && declared > limits.bodyLimitBytes) return reject(bodyTooLarge(limits, declared));
    // a refused body is still read to its end, without keeping it: a client that is still sending sees the answer, not a broken pipe
    let refusal: HttpError | undefined =
      declared !== undefined && declared > 0 && !ticket.takeBytes(declared) ? busy('bytes', limits) : undefined;

    const counter = new JsonArrayCounter();
    const chunks: Buffer[] = [];
    let received = 0;
    let tooManyRows = false;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onGone);
      payload.off('close', onGone);
      chunks.length = 0;
      outcome();
    };
    const refuse = (error: HttpError) => finish(() => reject(error));

    const timer = setTimeout(() => {
      const of = declared === undefined ? '' : ` of ${declared}`;
      refuse(
        new HttpError(
          408,
          'body_timeout',
          `body: not received in full within ${limits.bodyTimeoutMs} ms (the server's --body-timeout-ms): got ${received}${of} bytes; send the body at once, or smaller batches`,
          undefined,
          { connection: 'close' },
        ),
      );
    }, limits.bodyTimeoutMs);
    timer.unref();

    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.bodyLimitBytes) return refuse(bodyTooLarge(limits));
      if (refusal) return;
      if (declared === undefined && !ticket.takeBytes(chunk.length)) {
        refusal = busy('bytes', limits);
        chunks.length = 0;
        return;
      }
      counter.push(chunk);
      if (!tooManyRows && (counter.largest?.items ?? 0) > limits.maxRows) {
        tooManyRows = true; // keep counting (for the message), drop the bytes
        chunks.length = 0;
      }
      if (!tooManyRows) chunks.push(chunk);
    };
    const onEnd = () => {
      if (refusal) return refuse(refusal);
      const largest = counter.largest;
      if (tooManyRows && largest) return refuse(tooManyRowsError(largest.field, largest.items, limits.maxRows));
      const rows = largest?.items ?? 0;
      if (rows > 0 && !ticket.takeRows(rows)) return refuse(busy('rows', limits, rows));
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
      finish(() => resolve({ text, rows }));
    };
    const onGone = () =>
      refuse(new HttpError(400, 'body_incomplete', `body: the connection closed after ${received} bytes, before the whole body arrived`));
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onGone);
    payload.on('close', onGone);
    payload.resume();
  });
}

export function tooManyRowsError(field: string, items: number, maxRows: number): HttpError {
  const name = field === '' ? 'body' : field;
  return new HttpError(
    413,
    'too_many_rows',
    `${name}: ${items} items, expected at most ${maxRows} per request (the server's --max-rows); split the batch into requests of at most ${maxRows} rows`,
  );
}

function bodyTooLarge(limits: JsonBodyLimits, declared?: number): HttpError {
  const got = declared === undefined ? 'more' : `${declared} bytes (Content-Length)`;
  return new HttpError(
    413,
    'body_too_large',
    `body: expected at most ${limits.bodyLimitBytes} bytes (the server's --body-limit-mb), got ${got}; send smaller batches`,
  );
}

function busy(what: 'bytes' | 'rows', limits: JsonBodyLimits, rows?: number): HttpError {
  const message =
    what === 'bytes'
      ? "server busy: the request bodies being served already hold the server's --max-body-mb-in-flight"
      : `server busy: ${rows} more rows would pass the server's --max-rows-in-flight`;
  return new HttpError(
    429,
    'busy',
    `${message}; retry in ${limits.retryAfterSeconds} s (Retry-After), or send smaller batches`,
    undefined,
    {
      'retry-after': String(limits.retryAfterSeconds),
    },
  );
}
