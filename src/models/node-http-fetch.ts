/**
 * A lean `fetch` for the AI SDK providers over node:http(s) with keep-alive agents. Node 20's global
 * fetch (undici + web streams) costs more CPU per call than the judge call's own work at thousands of calls
 * a second; the SDK accepts a custom fetch, so we hand it this one. Behaviour the SDK relies on is kept:
 * a Response with status, headers and a body stream; network failures as TypeError('fetch failed') with the
 * socket error (and its code) as cause; an aborted signal rejects with the signal's reason.
 * A fetch made with `onResponseArrived` says when a call's whole response is in, before the SDK parses it; if that
 * returns a promise, the Response is handed over once it settles.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface NodeHttpFetchOptions {
  /**
   * Called with the call's signal (the SDK passes the `abortSignal` it was given) as soon as the call's whole response
   * has arrived, before the SDK parses it: the provider's work is done. A returned promise delays handing the
   * Response to the SDK until it settles.
   */
  onResponseArrived?: (signal: AbortSignal | undefined) => Promise<void> | void;
}

/** A fetch over node:http(s) sharing the keep-alive agents; `onResponseArrived` observes each arriving response. */
export function createNodeHttpFetch(options: NodeHttpFetchOptions = {}): Fetch {
  const { onResponseArrived } = options;
  return (input, init) => fetchOverNodeHttp(input, init, onResponseArrived);
}

/** The fetch with no observer. */
export const nodeHttpFetch: Fetch = createNodeHttpFetch();

async function fetchOverNodeHttp(
  input: string | URL | Request,
  init: RequestInit = {},
  onResponseArrived: NodeHttpFetchOptions['onResponseArrived'],
): Promise<Response> {
  if (input instanceof Request) return fetch(input, init); // not how the SDK calls us; keep it correct anyway
  const url = typeof input === 'string' ? new URL(input) : input;
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw signal.reason;
  if (init.body != null && typeof init.body !== 'string') return fetch(url, init); // only JSON strings are ours to send
  const body = init.body ?? undefined;
  const headers = new Headers(init.headers);
  const outgoing: Record<string, string> = {};
  headers.forEach((value, key) => (outgoing[key] = value));
  if (body !== undefined) outgoing['content-length'] = String(Buffer.byteLength(body));
  const secure = url.protocol === 'https:';

  return new Promise<Response>((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(url, {
      method: init.method ?? 'GET',
      headers: outgoing,
      agent: secure ? httpsAgent : httpAgent,
    });
    const onAbort = () => {
      request.destroy();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      done();
      if (signal?.aborted) return reject(signal.reason);
      reject(new TypeError('fetch failed', { cause: error }));
    });
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        done();
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      });
      response.on('end', () => {
        done();
        const handOver = onResponseArrived?.(signal);
        if (handOver) void handOver.then(deliver, deliver);
        else deliver();
      });
      const deliver = () => {
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(response.headers)) {
          if (Array.isArray(value)) for (const item of value) responseHeaders.append(key, item);
          else if (value !== undefined) responseHeaders.set(key, value);
        }
        const status = response.statusCode ?? 0;
        const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(payload, { status, statusText: response.statusMessage ?? '', headers: responseHeaders }));
      };
    });
    request.end(body);
  });
}
