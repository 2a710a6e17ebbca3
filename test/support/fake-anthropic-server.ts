/**
 * A fake of Anthropic's Messages API (POST /v1/messages) on 127.0.0.1: checks the x-api-key header and the
 * model, and answers like Anthropic — 401 authentication_error, 404 not_found_error "model: …", or a message
 * with the scripted text. Enough to test preflight and credentials against the anthropic provider.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnthropic {
  /** Base URL for the anthropic provider (ends in /v1). */
  url: string;
  requests: Array<{ apiKey: string | undefined; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startFakeAnthropic(options: { apiKeys: string[]; models: string[]; text?: string }): Promise<FakeAnthropic> {
  const requests: FakeAnthropic['requests'] = [];
  const server: Server = createServer((req, res) => {
    // a failure inside the fake server answers 500 (and shows in the test) instead of an unhandled rejection
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : undefined;
      requests.push({ apiKey, body });
      const error = (status: number, type: string, message: string) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type, message } }));
      if (req.method !== 'POST' || req.url !== '/v1/messages') return error(404, 'not_found_error', `no route ${req.method} ${req.url}`);
      if (!apiKey || !options.apiKeys.includes(apiKey)) return error(401, 'authentication_error', 'invalid x-api-key');
      const model = String(body.model);
      if (!options.models.includes(model)) return error(404, 'not_found_error', `model: ${model}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `msg_fake_${requests.length}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [{ type: 'text', text: options.text ?? '{"ok": true}' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 5 },
        }),
      );
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
