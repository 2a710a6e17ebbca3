/**
 * A fake judge: a real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, scripted
 * per test. The script sees each request and answers with a verdict text, an HTTP error (with headers
 * such as Retry-After), a delay, a hang, a reset connection, a slow-dripped body or raw bytes.
 * Every request is recorded so tests can assert call counts and prompts; rewardkit's preflight requests
 * (src/models/preflight.ts) go to the script too, but are recorded apart in `preflights` with their own
 * index, so a run's request log and `index`-based scripts see only the run's calls.
 * It speaks OpenAI's embeddings protocol too (POST /v1/embeddings): such a request carries `input` (the texts), and
 * the script answers it with `{ embeddings: [...] }` (or an error, delay, hang, …); the preflight embedding request
 * is kept apart like the chat one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PREFLIGHT_EMBEDDING_TEXT, PREFLIGHT_SYSTEM_PROMPT } from '../../src/models/preflight.js';

export interface FakeRequest {
  /** 0-based order of arrival. */
  index: number;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  model: string;
  system: string;
  user: string;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  /** An embeddings request (POST …/embeddings): the texts to embed, in order. */
  input?: string[];
  /** A rewardkit preflight request (recorded in `preflights`, indexed among them). */
  preflight?: true;
}

export type FakeReply =
  | {
      content: string;
      finishReason?: 'stop' | 'length' | 'content_filter';
      usage?: { prompt_tokens: number; completion_tokens: number };
      delayMs?: number;
      /** Extra response headers (e.g. x-ratelimit-remaining-requests). */
      headers?: Record<string, string>;
      /** Sends the body in this many chunks, `dripMs` apart. */
      drip?: { chunks: number; dripMs: number };
      refusal?: string;
    }
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** An embeddings reply: one vector per input text, in OpenAI's response shape; usage defaults to chars / 4. */
  | { embeddings: number[][]; usage?: { prompt_tokens: number }; delayMs?: number; headers?: Record<string, string> }
  | { hang: true }
  | { reset: true }
  | { raw: string; status?: number; contentType?: string };

export type FakeScript = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeJudge {
  /** Base URL for an OpenAI-compatible client, ending in /v1. */
  url: string;
  requests: FakeRequest[];
  /** The preflight requests received (rewardkit's one check per judge before a run). */
  preflights: FakeRequest[];
  setScript(script: FakeScript): void;
  close(): Promise<void>;
}

export async function startFakeJudge(
  script: FakeScript = () => ({ content: '{}' }),
  options: { port?: number; /** Keep every request in `requests` (default true; the benchmark turns it off). */ record?: boolean } = {},
): Promise<FakeJudge> {
  let current = script;
  const requests: FakeRequest[] = [];
  const preflights: FakeRequest[] = [];
  let served = 0;
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    // a failure inside the fake server answers 500 (and shows in the test) instead of an unhandled rejection
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid JSON body' } }));
        return;
      }
      const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role: string; content: unknown }>) : [];
      const text = (role: string) =>
        messages
          .filter((message) => message.role === role)
          .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))
          .join('\n');
      const request: FakeRequest = {
        index: requests.length,
        path: req.url ?? '',
        headers: req.headers,
        body,
        model: typeof body.model === 'string' ? body.model : '',
        system: text('system'),
        user: text('user'),
        receivedAt: performance.now(),
      };
      if (request.path.endsWith('/embeddings')) {
        request.input = Array.isArray(body.input) ? body.input.map(String) : typeof body.input === 'string' ? [body.input] : [];
      }
      const embeddingPreflight = request.input?.length === 1 && request.input[0] === PREFLIGHT_EMBEDDING_TEXT;
      if (request.system === PREFLIGHT_SYSTEM_PROMPT || embeddingPreflight) {
        request.preflight = true;
        request.index = preflights.length;
        preflights.push(request);
      } else if (options.record !== false) requests.push(request);
      else request.index = served++;
      let reply: FakeReply;
      try {
        reply = await current(request);
      } catch (error) {
        reply = { status: 500, body: { error: { message: `fake judge script threw: ${(error as Error).message}` } } };
      }
      await answer(reply, request, res, hanging);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Idle keep-alive sockets stay open longer than any test: with Node's default 5 s, a loaded CI machine can reuse a
    // socket just as the server closes it (ECONNRESET → one retry), and tests that count attempts exactly would flake.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 121_000;
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    preflights,
    setScript: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function answer(reply: FakeReply, request: FakeRequest, res: ServerResponse, hanging: Set<ServerResponse>): Promise<void> {
  if ('hang' in reply) {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return;
  }
  if ('reset' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('raw' in reply) {
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' }).end(reply.raw);
    return;
  }
  if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  if (res.destroyed) return;
  if ('embeddings' in reply) {
    const promptTokens = reply.usage?.prompt_tokens ?? Math.ceil((request.input ?? []).join('').length / 4);
    res.writeHead(200, { 'content-type': 'application/json', ...(reply.headers ?? {}) }).end(
      JSON.stringify({
        object: 'list',
        data: reply.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
        model: request.model,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      }),
    );
    return;
  }
  if ('status' in reply) {
    res
      .writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) })
      .end(JSON.stringify(reply.body ?? { error: { message: `fake error ${reply.status}`, type: 'fake' } }));
    return;
  }
  const usage = reply.usage ?? {
    prompt_tokens: Math.ceil((request.system.length + request.user.length) / 4),
    completion_tokens: Math.ceil(reply.content.length / 4),
  };
  const payload = JSON.stringify({
    id: `chatcmpl-fake-${request.index}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, ...(reply.refusal ? { refusal: reply.refusal } : {}) },
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });
  const headers = { 'content-type': 'application/json', ...(reply.headers ?? {}) };
  if (!reply.drip) {
    res.writeHead(200, headers).end(payload);
    return;
  }
  res.writeHead(200, headers);
  const size = Math.ceil(payload.length / reply.drip.chunks);
  for (let offset = 0; offset < payload.length && !res.destroyed; offset += size) {
    res.write(payload.slice(offset, offset + size));
    await new Promise((resolve) => setTimeout(resolve, reply.drip!.dripMs));
  }
  if (!res.destroyed) res.end();
}
