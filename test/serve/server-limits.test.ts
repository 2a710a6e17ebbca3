/**
 * A server that one bad-but-legal request cannot knock over, in-process on 127.0.0.1 with the fake judge:
 * too many rows (413 before any parsing, /healthz still answering), the shared budget (429 + Retry-After),
 * a slow body (408, connection closed), the drain (503 "draining" on a NEW connection, listener open until
 * the requests in flight are answered), no MaxListenersExceededWarning, /healthz during a 10k-row batch,
 * streamed big replies, and the batch warnings (neutral share with its cause, rows without a reference).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFakeJudge } from '../support/use-fake-judge.js';
import { probe, QA_SPEC, startTestServer, waitFor, type TestServer } from './support/in-process-server.js';
import { metricValue } from './support/prometheus-text.js';
import { qaJudge } from './support/qa-judge.js';
import { spawnServer } from './support/spawned-server.js';
import { REWARDKIT_VERSION } from '../../src/version.js';

const QUESTION = 'What is the capital of France?';
const qa = qaJudge();
const judge = useFakeJudge(qa.script);

const row = (id: string, response = 'Paris.') => ({ id, prompt: QUESTION, response, reference: 'Paris' });

/** Probes /healthz on fresh connections every `everyMs` until `until` settles: the latencies, in ms. */
async function healthLatencies(url: string, until: Promise<unknown>, everyMs = 5): Promise<number[]> {
  let settled = false;
  void until.finally(() => (settled = true)).catch(() => {});
  const latencies: number[] = [];
  while (!settled) {
    const started = performance.now();
    const status = await probe(`${url}/healthz`);
    latencies.push(performance.now() - started);
    expect(status).toBe('HTTP 200');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return latencies;
}

/** Sends `head` of a body declared `declaredLength` bytes long, then nothing: status, body and whether the server closed the connection. */
function slowBody(url: string, head: string, declaredLength: number): Promise<{ status: number; body: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/v1/score`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(declaredLength) } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          const socket = request.socket!;
          const closed = () => resolve({ status: response.statusCode!, body, closed: true });
          if (socket.destroyed) closed();
          else socket.once('close', closed);
        });
      },
    );
    request.on('error', reject);
    request.write(head);
  });
}

describe('too many rows', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url, { maxRows: 100 });
  });
  afterAll(() => server.close());

  it('a body of 5M {} rows (15 MB, under the body limit) is a 413 within seconds, /healthz answers meanwhile, the server stays up', async () => {
    const body = `{"rows":[${Array(5_000_000).fill('{}').join(',')}]}`;
    expect(body.length).toBe(15_000_010);
    const started = performance.now();
    const sending = fetch(`${server.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const latencies = await healthLatencies(server.url, sending);
    const response = await sending;
    const elapsed = performance.now() - started;
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: 'too_many_rows',
        message:
          "rows: 5000000 items, expected at most 100 per request (the server's --max-rows); split the batch into requests of at most 100 rows",
      },
    });
    expect(elapsed).toBeLessThan(10_000); // ~0.3 s here; before: ~150 s, then out of memory
    expect(Math.max(...latencies)).toBeLessThan(1000);
    expect(judge.requests).toHaveLength(0);
    const after = await server.post('/v1/score', { rows: [row('ok')], components: false });
    expect([after.status, (after.body as { results: Array<{ reward: number }> }).results[0]!.reward]).toEqual([200, 1]);
    const metrics = (await server.get('/metrics')).text;
    expect(metricValue(metrics, 'rewardkit_requests_rejected_total', { route: '/v1/score', reason: 'too_many_rows' })).toBe(1);
  });

  it.each([
    ['/get_reward', { query: Array(101).fill('Paris.') }, 'query: 101 items'],
    ['/get_reward', { query: ['Paris.'], labels: Array(150).fill('Paris') }, 'labels: 150 items'],
    ['/v1/nova', Array(101).fill({ id: 'x', messages: [] }), 'body: 101 items'],
    ['/v1/nova', JSON.stringify(Array(101).fill({ id: 'x', messages: [] })), 'body: 101 items'], // a JSON-encoded array: counted once decoded
  ])('%s: 413 naming the field %#', async (route, body, start) => {
    const reply = await server.post(route, typeof body === 'string' ? JSON.stringify(body) : body);
    expect(reply.status).toBe(413);
    expect((reply.body as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'too_many_rows',
      message: expect.stringMatching(new RegExp(`^${start}, expected at most 100 per request`)),
    });
  });

  it('exactly --max-rows rows are scored', async () => {
    const reply = await server.post('/v1/score', {
      rows: Array.from({ length: 100 }, (_unused, index) => row(`r${index}`, 'Paris, see a@example.com')),
      components: false,
    });
    expect(reply.status).toBe(200);
    expect((reply.body as { results: unknown[] }).results).toHaveLength(100);
  });
});

describe('the shared budget of rows and bytes in flight', () => {
  it('a request that would pass it is a 429 with Retry-After; it fits once the others are answered', async () => {
    const server = await startTestServer(judge.url, { maxRowsInFlight: 3, maxBytesInFlight: 1500 });
    try {
      qa.closeGate();
      const holding = server.post('/v1/score', {
        rows: [row('held-1', 'Paris [gate] one'), row('held-2', 'Paris [gate] two')],
        components: false,
      });
      holding.catch(() => {});
      await waitFor(() => judge.requests.length === 2);

      const tooManyRows = await server.post('/v1/score', { rows: [row('a'), row('b')] });
      expect(tooManyRows.status).toBe(429);
      expect(tooManyRows.headers.get('retry-after')).toBe('5');
      expect(tooManyRows.body).toEqual({
        error: {
          code: 'busy',
          message:
            "server busy: 2 more rows would pass the server's --max-rows-in-flight; retry in 5 s (Retry-After), or send smaller batches",
        },
      });
      const tooManyBytes = await server.post('/v1/score', { rows: [row('big', `Paris. ${'x'.repeat(1400)}`)] });
      expect(tooManyBytes.status).toBe(429);
      expect(tooManyBytes.headers.get('retry-after')).toBe('5');
      expect((tooManyBytes.body as { error: { message: string } }).error.message).toBe(
        "server busy: the request bodies being served already hold the server's --max-body-mb-in-flight; retry in 5 s (Retry-After), or send smaller batches",
      );
      const metrics = (await server.get('/metrics')).text;
      expect(metricValue(metrics, 'rewardkit_rows_in_flight')).toBe(2);
      expect(metricValue(metrics, 'rewardkit_requests_rejected_total', { route: '/v1/score', reason: 'busy' })).toBe(2);
      expect(judge.requests).toHaveLength(2); // neither refused request reached the judge

      qa.openGate();
      expect((await holding).status).toBe(200);
      const retried = await server.post('/v1/score', { rows: [row('a'), row('b')], components: false });
      expect(retried.status).toBe(200);
      expect(metricValue((await server.get('/metrics')).text, 'rewardkit_rows_in_flight')).toBe(0);
    } finally {
      qa.openGate();
      await server.close();
    }
  });
});

describe('a slow body', () => {
  it('is cut with a 408 naming --body-timeout-ms, and its connection is closed', async () => {
    const server = await startTestServer(judge.url, { bodyTimeoutMs: 300 });
    try {
      const started = performance.now();
      const reply = await slowBody(server.url, '{"rows": [', 500);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(reply.status).toBe(408);
      expect(JSON.parse(reply.body)).toEqual({
        error: {
          code: 'body_timeout',
          message:
            "body: not received in full within 300 ms (the server's --body-timeout-ms): got 10 of 500 bytes; send the body at once, or smaller batches",
        },
      });
      expect(reply.closed).toBe(true);
      expect(server.server.inFlight).toBe(0);
      expect((await server.get('/healthz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the drain', () => {
  it('answers 503 "draining" on a NEW connection while a request is in flight, then closes the listener', async () => {
    const server = await startTestServer(judge.url);
    qa.closeGate();
    const pending = server.post('/v1/score', { rows: [row('inflight', 'Paris [gate]')], components: false });
    pending.catch(() => {});
    await waitFor(() => judge.requests.length === 1);
    const closing = server.close();
    let closed = false;
    void closing.then(() => (closed = true));

    expect(await probe(`${server.url}/healthz`)).toBe('HTTP 503');
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([
      503,
      { status: 'draining', spec: 'qa', spec_hash: server.server.specHash, rewardkit_version: REWARDKIT_VERSION, judges: 1, in_flight: 1 },
    ]);
    const turnedAway = await fetch(`${server.url}/v1/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: [row('late')] }),
    });
    expect([turnedAway.status, turnedAway.headers.get('connection'), turnedAway.headers.get('retry-after')]).toEqual([503, 'close', '5']);
    expect(await turnedAway.json()).toEqual({
      error: { code: 'draining', message: 'server: shutting down, finishing the requests in flight; send this request to another replica' },
    });
    expect(closed).toBe(false);
    expect(judge.requests).toHaveLength(1);

    qa.openGate();
    const reply = await pending;
    await closing;
    expect(reply.status).toBe(200);
    expect((reply.body as { results: Array<{ id: string; reward: number }> }).results.map((result) => [result.id, result.reward])).toEqual([
      ['inflight', 1],
    ]);
    expect(await probe(`${server.url}/healthz`)).toBe('ECONNREFUSED');
  });
});

describe('event-loop health under big batches', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url, { maxRows: 10_000 });
  });
  afterAll(() => server.close());

  it('a 100-row batch emits no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const rows = Array.from({ length: 100 }, (_unused, index) => row(`w${index}`, `Paris (answer ${index}).`));
      const reply = await server.post('/v1/score', { rows, components: false });
      expect(reply.status).toBe(200);
      expect((reply.body as { results: Array<{ reward: number }> }).results.every((result) => result.reward === 1)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50)); // warnings are emitted on a later tick
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('/healthz keeps answering during a 10k-row batch (a real serve process), and the big reply arrives whole (streamed)', async () => {
    const spawned = await spawnServer([
      '--spec',
      QA_SPEC,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--log-level',
      'warn',
    ]);
    try {
      // gated rows need no judge: without yielding, scoring and the reply would hold the loop for the whole batch (~1 s)
      const rows = (count: number) =>
        Array.from({ length: count }, (_unused, index) => row(`g${index}`, `Paris, write to me at user${index}@example.com`));
      const score = (count: number) =>
        fetch(`${spawned.url}/v1/score`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ rows: rows(count) }),
        });
      expect((await score(1000)).status).toBe(200); // warm up
      const scoring = score(10_000);
      const latencies = await healthLatencies(spawned.url, scoring, 2);
      const response = await scoring;
      expect(response.status).toBe(200);
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      const reply = (await response.json()) as { results: Array<{ id: string; reward: number; gated_by: string }>; spec: { name: string } };
      expect(reply.results).toHaveLength(10_000);
      expect(
        reply.results.every((result, index) => result.id === `g${index}` && result.reward === 0 && result.gated_by === 'no_email'),
      ).toBe(true);
      expect(reply.spec.name).toBe('qa');
      latencies.sort((a, b) => a - b);
      expect(latencies.length).toBeGreaterThan(10);
      // loose bounds for a shared, busy test machine (without yielding: seconds); `npm run load-check` measures it precisely
      expect(latencies[Math.floor(latencies.length * 0.99)]!).toBeLessThan(500);
    } finally {
      await spawned.stop();
    }
  }, 60_000);
});

describe('batch warnings', () => {
  it('warns once per interval when a batch is mostly neutral, naming the judge error; the share is a metric', async () => {
    const server = await startTestServer(judge.url, { neutralWarnShare: 0.5, neutralWarnIntervalMs: 60_000 });
    try {
      const rows = [row('down-1', 'Paris [fail]'), row('down-2', 'Paris [fail]'), row('ok')];
      expect((await server.post('/v1/score', { rows, components: false })).status).toBe(200);
      await server.post('/v1/score', { rows, components: false });
      const warnings = server.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => String(line.msg).includes('neutral fallback'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        level: 40,
        route: '/v1/score',
        rows: 3,
        neutral: 2,
        neutral_share: 0.6667,
        threshold: 0.5,
        cause: { kind: 'server_error', rows: 2 },
        suppressed: 0,
      });
      expect(String(warnings[0]!.msg)).toMatch(
        /^2 of 3 rewards in this batch \(67%\) are the neutral fallback, above --neutral-warn-share 0\.5: the trainer learns nothing from them; most common cause \(2 rows\): server_error: quality: /,
      );
      const metrics = (await server.get('/metrics')).text;
      expect(metricValue(metrics, 'rewardkit_batch_neutral_share_count', { route: '/v1/score' })).toBe(2);
      expect(metricValue(metrics, 'rewardkit_batch_neutral_share_bucket', { route: '/v1/score', le: '0.5' })).toBe(0);
      expect(metricValue(metrics, 'rewardkit_batch_neutral_share_bucket', { route: '/v1/score', le: '0.75' })).toBe(2);
      expect(metricValue(metrics, 'rewardkit_neutral_rewards_total', { route: '/v1/score', reason: 'judge_error' })).toBe(4);
    } finally {
      await server.close();
    }
  });

  it('logs one warning for a request in which no row has a reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-no-reference-'));
    writeFileSync(
      join(dir, 'spec.yaml'),
      'name: exact\nchecks:\n  - {type: match, name: exact, mode: contains}\n  - {type: length, name: length, max: 40}\naggregate: {range: [0, 1]}\n',
    );
    const server = await startTestServer(judge.url, {}, join(dir, 'spec.yaml'));
    try {
      const without = [1, 2, 3].map((index) => ({ id: `n${index}`, prompt: QUESTION, response: 'Paris.' }));
      expect((await server.post('/v1/score', { rows: without, components: false })).status).toBe(200);
      await server.post('/v1/score', { rows: [...without, row('with')], components: false }); // one row has a reference: no warning
      const warnings = server.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => String(line.msg).startsWith('no row of this request has a reference'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40, route: '/v1/score', rows: 3, components: ['exact'] });
    } finally {
      await server.close();
    }
  });
});
