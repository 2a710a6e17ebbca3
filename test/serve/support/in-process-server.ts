/**
 * Starts the reward server in-process on 127.0.0.1 (a free port) for one test file, with its JSON logs
 * captured, the fixture spec and its judge pointed at the given fake judge.
 */
import { get } from 'node:http';
import { createServerLogger } from '../../../src/serve/logger.js';
import { createRewardServer, type RewardServer, type RewardServerOptions } from '../../../src/serve/server.js';
import { applyJudgeOverride, parseJudgeFlag } from '../../../src/spec/judge-override.js';
import { loadSpec } from '../../../src/spec/load-spec.js';

export const QA_SPEC = 'test/serve/fixtures/qa-spec.yaml';

export interface TestServer {
  url: string;
  server: RewardServer;
  /** Every log line so far, as written (JSON text). */
  logs: string[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; headers: Headers }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestServer(
  judgeUrl: string,
  options: Partial<RewardServerOptions> = {},
  specPath = QA_SPEC,
): Promise<TestServer> {
  const logs: string[] = [];
  const logger = createServerLogger('debug', { write: (line: string) => void logs.push(line) });
  const spec = applyJudgeOverride(loadSpec(specPath).spec, parseJudgeFlag('openai-compatible:fake', judgeUrl));
  const server = createRewardServer({ spec, logger, ...options });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    server,
    logs,
    async post(path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: response.headers };
    },
    async get(path, headers = {}) {
      const response = await fetch(`${url}${path}`, { headers });
      return { status: response.status, text: await response.text(), headers: response.headers };
    },
    close: () => server.close(),
  };
}

/** Waits until `condition` holds (checked every 5 ms); the test's own timeout bounds the wait. */
export async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * GETs `url` on a fresh connection (no keep-alive pool): "HTTP <status>", or the connection error code
 * (e.g. ECONNREFUSED once the server stopped accepting).
 */
export function probe(url: string): Promise<string> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false }, (response) => {
      response.resume();
      resolve(`HTTP ${response.statusCode}`);
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
