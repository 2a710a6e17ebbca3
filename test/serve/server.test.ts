/**
 * The HTTP reward server end to end, in-process on 127.0.0.1 with the fake judge: each route's contract
 * with exact values, authentication, input errors, the per-request deadline, Prometheus metrics, logs
 * that never hold the token or the rollouts, and the graceful close.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NovaResponseSchema } from '../../src/serve/nova-contract.js';
import { checkNovaResponse } from '../../src/serve/nova-validator.js';
import { JudgeCache } from '../../src/runtime/judge-cache.js';
import { useFakeJudge } from '../support/use-fake-judge.js';
import { probe, QA_SPEC, startTestServer, waitFor, type TestServer } from './support/in-process-server.js';
import { metricValue } from './support/prometheus-text.js';
import { fenced, qaJudge } from './support/qa-judge.js';
import { applyJudgeOverride, parseJudgeFlag } from '../../src/spec/judge-override.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { specHash } from '../../src/spec/spec-hash.js';
import { REWARDKIT_VERSION } from '../../src/version.js';

const variantA = JSON.parse(readFileSync('test/serve/fixtures/nova-variant-a.json', 'utf8')) as unknown[];
const variantB = JSON.parse(readFileSync('test/serve/fixtures/nova-variant-b.json', 'utf8')) as unknown[];
const QUESTION = 'What is the capital of France?';
const TOKEN = 'test-token-4f1c9a';

const qa = qaJudge();
const judge = useFakeJudge(qa.script);

describe('POST /v1/score (native batch)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url);
  });
  afterAll(() => server.close());

  it('scores plain and Nova rows in order, with exact rewards, and names the spec', async () => {
    const longAnswer = `Paris. ${'More words here. '.repeat(19)}`.trim(); // 58 words: 18 over the max of 40
    const rows = [
      { id: 'p-good', prompt: QUESTION, response: 'The capital of France is Paris.', reference: 'Paris' },
      variantA[1],
      { id: 'p-long', prompt: QUESTION, response: longAnswer, reference: 'Paris' },
      { id: 'p-broken', prompt: QUESTION },
      { id: 'p-empty', prompt: QUESTION, response: '   ' },
    ];
    const { status, body } = await server.post('/v1/score', { rows, components: false });
    expect(status).toBe(200);
    const reply = body as { results: Array<Record<string, unknown>>; spec: unknown };
    expect(reply.results.map((result) => [result.id, result.reward, result.flags])).toEqual([
      ['p-good', 1, []],
      ['a-wrong', 0.625, []],
      ['p-long', 0.8875, []],
      ['p-broken', null, ['row_error']],
      ['p-empty', 0, ['empty_response']],
    ]);
    const hash = server.server.specHash;
    expect(hash).toBe(specHash(applyJudgeOverride(loadSpec(QA_SPEC).spec, parseJudgeFlag('openai-compatible:fake', judge.url))));
    expect(reply.results.map((result) => result.spec_hash)).toEqual([hash, hash, hash, hash, hash]);
    expect(reply.results[0]).toEqual({
      id: 'p-good',
      spec_hash: hash,
      reward: 1,
      neutral: false,
      gated_by: null,
      flags: [],
      metrics: expect.objectContaining({
        no_email: 1,
        length: 1,
        quality: 1,
        judge_calls: 1,
        judge_attempts: 1,
        judge_input_tokens: 100,
        judge_output_tokens: 20,
        judge_error: 0,
        gated: 0,
      }),
    });
    expect(reply.results[2]!.metrics).toMatchObject({ length: 0.55, quality: 1 });
    expect(reply.results[3]!.error).toEqual({
      field: 'response',
      message: 'response: expected the response text (a string), but the field is missing',
    });
    expect(reply.spec).toEqual({
      name: 'qa',
      spec_hash: hash,
      rewardkit_version: REWARDKIT_VERSION,
      range: [0, 1],
      neutral: 0.5,
      components: ['no_email', 'length', 'quality'],
    });
    expect(judge.requests).toHaveLength(3);
  });

  it('returns each component with its rationale unless components: false', async () => {
    const { body } = await server.post('/v1/score', {
      rows: [{ id: 'x', prompt: QUESTION, response: 'Paris. [rude]', reference: 'Paris' }],
    });
    const [result] = (body as { results: Array<{ components: Array<{ name: string; score: number | null; status: string }> }> }).results;
    expect(result!.components.map((component) => [component.name, component.score, component.status])).toEqual([
      ['no_email', 1, 'scored'],
      ['length', 1, 'scored'],
      ['quality', 0.5, 'scored'],
    ]);
  });

  it.each([
    ['no rows field', {}, 'rows: missing required field (expected an array of rows)'],
    ['rows not an array', { rows: 'x' }, 'rows: expected an array of rows'],
    ['no rows', { rows: [] }, 'rows: expected at least one row'],
    ['an unknown field', { rows: [{}], colour: 'red' }, 'body: unknown field "colour"'],
    ['components not a boolean', { rows: [{}], components: 'no' }, 'components: expected boolean, received string'],
  ])('400 for %s, naming the field', async (_what, body, message) => {
    const reply = await server.post('/v1/score', body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: 'invalid_request', message } });
  });

  it.each([
    ['a body that is not JSON', '{"rows": [', 'application/json', 400, 'invalid_json', /^body: expected valid JSON/],
    ['an empty JSON body', '', 'application/json', 400, 'invalid_json', /^body: expected a JSON document, got an empty body$/],
    ['another content type', 'rows=1', 'text/plain', 415, 'unsupported_media_type', /^content-type: expected application\/json$/],
  ])('%s is answered with JSON, never a stack trace', async (_what, raw, contentType, status, code, message) => {
    const response = await fetch(`${server.url}/v1/score`, { method: 'POST', headers: { 'content-type': contentType }, body: raw });
    const text = await response.text();
    expect(response.status).toBe(status);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(text).not.toContain('    at ');
  });

  it("reads the roles AWS's validator accepts (any case; developer → system, bot → assistant) and judges a tool-using rollout's final answer", async () => {
    const rows = [
      {
        id: 'roles',
        messages: [
          { role: 'developer', content: 'Answer in one sentence.' },
          { role: 'User', content: QUESTION },
          { role: 'BOT', content: 'Paris.' },
        ],
        reference_answer: 'Paris',
      },
      {
        id: 'tools',
        messages: [
          { role: 'user', content: QUESTION },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ type: 'function', function: { name: 'lookup', arguments: { country: 'France' } } }],
          },
          { role: 'tool', name: 'lookup', content: 'Paris [rude]' },
          { role: 'assistant', content: 'Paris.' },
        ],
        reference_answer: 'Paris',
      },
    ];
    const { status, body } = await server.post('/v1/score', { rows, components: false });
    expect(status).toBe(200);
    // the tool output's "[rude]" is context, not the policy's answer: the judge's polite criterion still passes
    expect(
      (body as { results: Array<{ id: string; reward: number; flags: string[] }> }).results.map((result) => [
        result.id,
        result.reward,
        result.flags,
      ]),
    ).toEqual([
      ['roles', 1, []],
      ['tools', 1, []],
    ]);
    const seen = judge.requests
      .map((request) => [fenced(request.user, 'SYSTEM'), fenced(request.user, 'RESPONSE'), fenced(request.user, 'CONTEXT')])
      .sort();
    expect(seen).toEqual([
      ['', 'Paris.', '[tool call lookup] {"country":"France"}\n\n[tool result lookup] Paris [rude]'],
      ['Answer in one sentence.', 'Paris.', ''],
    ]);
  });

  it('an unknown route is a JSON 404 listing the routes', async () => {
    const reply = await server.post('/v2/score', { rows: [] });
    expect(reply).toMatchObject({
      status: 404,
      body: {
        error: {
          code: 'not_found',
          message: 'no route POST /v2/score; expected one of POST /v1/score, POST /get_reward, POST /v1/nova, GET /healthz, GET /metrics',
        },
      },
    });
  });
});

describe('POST /get_reward (OpenRLHF remote reward model)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url);
  });
  afterAll(() => server.close());

  const template = (question: string) => `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;

  it('splits each query at its prompt, strips end tokens, uses labels as references', async () => {
    const prompts = [template(QUESTION), template(QUESTION), template(QUESTION), template(QUESTION)];
    const responses = [
      'The capital of France is Paris.<|im_end|>',
      'Paris, of course. [rude]<|im_end|>\n<|endoftext|>',
      'Paris.<|im_end|>',
      'Paris.',
    ];
    const query = prompts.map((prompt, index) => prompt + responses[index]);
    query[3] = 'Paris.'; // neither its prompt, a tail of it, nor an assistant-turn marker: cannot be split
    const { status, body } = await server.post('/get_reward', { query, prompts, labels: ['Paris', 'Paris', null, 'Paris'] });
    expect(status).toBe(200);
    const { extra_logs: logs, ...reply } = body as { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> };
    expect(reply).toEqual({ rewards: [1, 0.625, 0.625, 0.5], scores: [1, 0.625, 0.625, 0.5] });
    const { judge_latency_ms: latency, ...exact } = logs;
    expect(latency).toHaveLength(4);
    expect(exact).toEqual({
      no_email: [1, 1, 1, 0],
      length: [1, 1, 1, 0],
      quality: [1, 0.5, 0.5, 0],
      neutral: [0, 0, 0, 1],
      gated: [0, 0, 0, 0],
      judge_error: [0, 0, 0, 0],
      deadline_exceeded: [0, 0, 0, 0],
      row_error: [0, 0, 0, 1],
      empty_response: [0, 0, 0, 0],
      nothing_scored: [0, 0, 0, 0],
      response_cut_for_judge: [0, 0, 0, 0],
      internal_error: [0, 0, 0, 0],
      config_error: [0, 0, 0, 0],
      judge_calls: [1, 1, 1, 0],
      judge_cached: [0, 0, 0, 0],
      judge_attempts: [1, 1, 1, 0],
      judge_input_tokens: [100, 100, 100, 0],
      judge_output_tokens: [20, 20, 20, 0],
      prompt_match_whitespace: [0, 0, 0, 0],
      prompt_match_truncated: [0, 0, 0, 0],
      prompt_match_assistant_marker: [0, 0, 0, 0],
    });
    const judged = judge.requests
      .map((request) => [fenced(request.user, 'PROMPT'), fenced(request.user, 'RESPONSE'), fenced(request.user, 'REFERENCE')])
      .sort();
    expect(judged).toEqual([
      [template(QUESTION), 'Paris, of course. [rude]', 'Paris'],
      [template(QUESTION), 'Paris.', ''],
      [template(QUESTION), 'The capital of France is Paris.', 'Paris'],
    ]);
    expect(
      server.logs.some((line) => line.includes('"field":"query[3]"') && line.includes('expected the query to start with prompts[3]')),
    ).toBe(true);
  });

  it('a left-truncated query and one whose prompts entry is the bare question are split, and the logs say how', async () => {
    const prompt = `<|im_start|>system\nYou are a geography tutor; answer in one short sentence.<|im_end|>\n${template(QUESTION)}`;
    const query = [
      `${prompt.slice(prompt.indexOf('tutor; answer'))}The capital of France is Paris.<|im_end|>`,
      `${template(QUESTION)}Paris.<|im_end|>`,
    ];
    const { body } = await server.post('/get_reward', { query, prompts: [prompt, QUESTION], labels: ['Paris', 'Paris'] });
    const reply = body as { rewards: number[]; extra_logs: Record<string, number[]> };
    expect(reply.rewards).toEqual([1, 1]);
    expect([reply.extra_logs.prompt_match_truncated, reply.extra_logs.prompt_match_assistant_marker, reply.extra_logs.row_error]).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(judge.requests.map((request) => fenced(request.user, 'RESPONSE')).sort()).toEqual(['Paris.', 'The capital of France is Paris.']);
  });

  it('without prompts the whole query is the response', async () => {
    const { body } = await server.post('/get_reward', { query: ['Paris is the capital.'], labels: ['Paris'] });
    expect((body as { rewards: number[] }).rewards).toEqual([1]);
    expect(fenced(judge.requests[0]!.user, 'RESPONSE')).toBe('Paris is the capital.');
  });

  it.each([
    ['no query', { prompts: ['a'] }, 'query: missing required field (expected an array of strings: prompt + response text)'],
    ['a query that is not an array', { query: 'a' }, 'query: expected an array of strings (prompt + response text)'],
    ['a query that is not text', { query: [1] }, 'query[0]: expected string, received number'],
    ['prompts of another length', { query: ['a', 'b'], prompts: ['a'] }, 'prompts: expected 2 items (one per query), got 1'],
    ['labels of another length', { query: ['a'], labels: ['x', 'y'] }, 'labels: expected 1 items (one per query), got 2'],
  ])('400 for %s, naming the field', async (_what, body, message) => {
    const reply = await server.post('/get_reward', body);
    expect(reply).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message } } });
  });
});

describe('POST /v1/nova (the Lambda payload over HTTP)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url);
  });
  afterAll(() => server.close());

  it('answers both payload variants with a bare array the AWS verifier accepts', async () => {
    const samples = [...variantA, ...variantB];
    const { status, body } = await server.post('/v1/nova', samples);
    expect(status).toBe(200);
    expect(checkNovaResponse(samples, body)).toEqual([]);
    expect(NovaResponseSchema.parse(body).map((result) => [result.id, result.aggregate_reward_score])).toEqual([
      ['a-good', 1],
      ['a-wrong', 0.625],
      ['a-email', 0],
      ['b-good', 1],
      ['b-rude', 0.625],
    ]);
  });

  it('a body that is not an array is a 400 naming what was expected', async () => {
    const reply = await server.post('/v1/nova', { samples: [] });
    expect(reply).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: 'event: expected a JSON array of samples [{id, messages, …}], got an object with keys ["samples"]',
        },
      },
    });
  });
});

describe('authentication', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url, { token: TOKEN });
  });
  afterAll(() => server.close());

  const row = { rows: [{ id: 'a', prompt: QUESTION, response: 'Paris.', reference: 'Paris' }] };

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token' }],
    ['a token that is a prefix of the right one', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['another scheme', { authorization: `Token ${TOKEN}` }],
  ])('401 JSON with %s', async (_what, headers) => {
    const reply = await server.post('/v1/score', row, headers);
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="rewardkit"');
    expect(reply.body).toEqual({
      error: {
        code: 'unauthorized',
        message: 'authorization: expected the header "Authorization: Bearer <token>" (the server\'s --token / REWARDKIT_TOKEN)',
      },
    });
    expect(judge.requests).toHaveLength(0);
  });

  it('accepts the bearer token, and Basic auth with the token as password (a URL with credentials)', async () => {
    const bearer = await server.post('/v1/score', row, { authorization: `Bearer ${TOKEN}` });
    const basic = await server.post(
      '/get_reward',
      { query: ['Paris.'], labels: ['Paris'] },
      { authorization: `Basic ${Buffer.from(`rk:${TOKEN}`).toString('base64')}` },
    );
    expect([bearer.status, basic.status]).toEqual([200, 200]);
    expect((basic.body as { rewards: number[] }).rewards).toEqual([1]);
  });

  it('/healthz needs no token; /metrics does', async () => {
    const health = await server.get('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({
      status: 'ok',
      spec: 'qa',
      spec_hash: server.server.specHash,
      rewardkit_version: REWARDKIT_VERSION,
      judges: 1,
      in_flight: 0,
    });
    expect((await server.get('/metrics')).status).toBe(401);
    expect((await server.get('/metrics', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('never logs the token, nor the rollouts', () => {
    const logs = server.logs.join('\n');
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain(Buffer.from(`rk:${TOKEN}`).toString('base64'));
    expect(logs).not.toContain('capital of France');
    expect(
      server.logs.some((line) => line.includes('"route":"/v1/score"') && line.includes('"status":200') && line.includes('"rows":1')),
    ).toBe(true);
  });
});

describe('limits and deadlines', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url, { deadlineMs: 200, graceMs: 1000, bodyLimitBytes: 4096 });
  });
  afterAll(() => server.close());

  it('a row not finished by the deadline gets the neutral reward, flagged; the others are unaffected', async () => {
    const { body } = await server.post('/v1/score', {
      rows: [
        { id: 'slow', prompt: QUESTION, response: 'Paris [hang]', reference: 'Paris' },
        { id: 'gated', prompt: QUESTION, response: 'Paris, see a@example.com', reference: 'Paris' },
      ],
      components: false,
    });
    expect(
      (body as { results: Array<Record<string, unknown>> }).results.map((result) => [
        result.id,
        result.reward,
        result.neutral,
        result.flags,
      ]),
    ).toEqual([
      ['slow', 0.5, true, ['judge_error', 'deadline_exceeded']],
      ['gated', 0, false, ['gated']],
    ]);
  });

  it('a body over the limit is a 413 naming the limit', async () => {
    const body = { rows: [{ prompt: 'x'.repeat(5000), response: 'y' }] };
    const reply = await server.post('/v1/score', body);
    const size = Buffer.byteLength(JSON.stringify(body));
    expect(reply).toMatchObject({
      status: 413,
      body: {
        error: {
          code: 'body_too_large',
          message: `body: expected at most 4096 bytes (the server's --body-limit-mb), got ${size} bytes (Content-Length); send smaller batches`,
        },
      },
    });
  });
});

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(judge.url);
  });
  afterAll(() => server.close());

  it('counts requests, judge calls, retries, errors by kind, tokens, row outcomes and neutral fallbacks', async () => {
    await server.post('/v1/score', {
      rows: [
        { id: 'ok', prompt: QUESTION, response: 'Paris.', reference: 'Paris' },
        { id: 'down', prompt: QUESTION, response: 'Paris [fail]', reference: 'Paris' },
      ],
    });
    await server.post('/v1/score', { rows: 'bad' });
    const { status, text, headers } = await server.get('/metrics');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const model = `openai-compatible:fake@${judge.url}`;
    expect({
      ok: metricValue(text, 'rewardkit_http_request_duration_seconds_count', { route: '/v1/score', method: 'POST', status_code: '200' }),
      bad: metricValue(text, 'rewardkit_http_request_duration_seconds_count', { route: '/v1/score', method: 'POST', status_code: '400' }),
      judgeOk: metricValue(text, 'rewardkit_judge_call_duration_seconds_count', { model, outcome: 'ok' }),
      judgeError: metricValue(text, 'rewardkit_judge_call_duration_seconds_count', { model, outcome: 'error' }),
      retries: metricValue(text, 'rewardkit_judge_retries_total', { model, kind: 'server_error' }),
      errors: metricValue(text, 'rewardkit_judge_errors_total', { model, kind: 'server_error' }),
      inputTokens: metricValue(text, 'rewardkit_judge_tokens_total', { model, direction: 'input' }),
      scored: metricValue(text, 'rewardkit_rows_total', { route: '/v1/score', outcome: 'scored' }),
      neutralRows: metricValue(text, 'rewardkit_rows_total', { route: '/v1/score', outcome: 'neutral' }),
      neutralFallbacks: metricValue(text, 'rewardkit_neutral_rewards_total', { route: '/v1/score', reason: 'judge_error' }),
      inFlight: metricValue(text, 'rewardkit_http_requests_in_flight', { route: '/metrics' }),
    }).toEqual({
      ok: 1,
      bad: 1,
      judgeOk: 1,
      judgeError: 1,
      retries: 1,
      errors: 1,
      inputTokens: 100,
      scored: 1,
      neutralRows: 1,
      neutralFallbacks: 1,
      inFlight: 1,
    });
    expect(text).toContain('# TYPE rewardkit_judge_cache_hits_total counter');
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
  });

  it('shows a request in flight while its judge is busy', async () => {
    qa.closeGate();
    const pending = server.post('/v1/score', { rows: [{ id: 'g', prompt: QUESTION, response: 'Paris [gate]', reference: 'Paris' }] });
    await waitFor(() => judge.requests.length === 1);
    const during = metricValue((await server.get('/metrics')).text, 'rewardkit_http_requests_in_flight', { route: '/v1/score' });
    qa.openGate();
    expect((await pending).status).toBe(200);
    const after = metricValue((await server.get('/metrics')).text, 'rewardkit_http_requests_in_flight', { route: '/v1/score' });
    expect([during, after]).toEqual([1, 0]);
  });
});

describe('a client that hangs up', () => {
  it('aborts its judge calls (the rows end neutral, flagged deadline_exceeded) and leaves nothing in flight', async () => {
    const server = await startTestServer(judge.url);
    try {
      qa.closeGate();
      const controller = new AbortController();
      const request = fetch(`${server.url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows: [{ id: 'gone', prompt: QUESTION, response: 'Paris [gate]', reference: 'Paris' }] }),
        signal: controller.signal,
      });
      await waitFor(() => judge.requests.length === 1);
      controller.abort();
      await expect(request).rejects.toThrow();
      await waitFor(() => server.server.inFlight === 0);
      const text = (await server.get('/metrics')).text;
      expect(metricValue(text, 'rewardkit_neutral_rewards_total', { route: '/v1/score', reason: 'deadline_exceeded' })).toBe(1);
      expect(metricValue(text, 'rewardkit_http_requests_in_flight', { route: '/v1/score' })).toBe(0);
      expect(server.logs.some((line) => line.includes('client closed the connection before the reply'))).toBe(true);
    } finally {
      qa.openGate();
      await server.close();
    }
  });
});

describe('a spec that reads plain rows with its own field names', () => {
  let server: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-plain-spec-'));
    const spec = readFileSync(QA_SPEC, 'utf8').replace(
      'name: qa',
      'name: qa-plain\ninput: {format: plain, id: uid, prompt: question, response: answer, reference: gold}',
    );
    writeFileSync(join(dir, 'spec.yaml'), spec);
    server = await startTestServer(judge.url, {}, join(dir, 'spec.yaml'));
  });
  afterAll(() => server.close());

  it('/v1/score reads rows as the spec says; /v1/nova and /get_reward still read chat rows', async () => {
    const score = await server.post('/v1/score', {
      rows: [{ uid: 'u1', question: QUESTION, answer: 'Paris.', gold: 'Paris' }],
      components: false,
    });
    expect((score.body as { results: Array<{ id: string; reward: number }> }).results.map((result) => [result.id, result.reward])).toEqual([
      ['u1', 1],
    ]);
    const nova = await server.post('/v1/nova', variantA.slice(0, 2));
    expect(
      (nova.body as Array<{ id: string; aggregate_reward_score: number }>).map((result) => [result.id, result.aggregate_reward_score]),
    ).toEqual([
      ['a-good', 1],
      ['a-wrong', 0.625],
    ]);
    const openrlhf = await server.post('/get_reward', { query: ['Paris.'], labels: ['Paris'] });
    expect((openrlhf.body as { rewards: number[] }).rewards).toEqual([1]);
  });
});

describe('logging request bodies on demand', () => {
  it('--log-bodies logs rows and results; the token still never appears', async () => {
    const server = await startTestServer(judge.url, { logBodies: true, token: TOKEN });
    try {
      await server.post(
        '/v1/score',
        { rows: [{ id: 'a', prompt: QUESTION, response: 'Paris.', reference: 'Paris' }] },
        { authorization: `Bearer ${TOKEN}` },
      );
      const logs = server.logs.join('\n');
      expect(logs).toContain('capital of France');
      expect(logs).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
  });
});

describe('graceful close', () => {
  it('answers new requests 503, finishes the one in flight, then closes', async () => {
    const server = await startTestServer(judge.url);
    qa.closeGate();
    const pending = server.post('/v1/score', {
      rows: [{ id: 'inflight', prompt: QUESTION, response: 'Paris [gate]', reference: 'Paris' }],
      components: false,
    });
    pending.catch(() => {}); // awaited below
    await waitFor(() => judge.requests.length === 1);
    const closing = server.close();
    expect(await probe(`${server.url}/healthz`)).toBe('HTTP 503'); // a new connection: accepted and turned away until the drain ends
    qa.openGate();
    const reply = await pending;
    await closing;
    expect(await probe(`${server.url}/healthz`)).toBe('ECONNREFUSED');
    expect(reply.status).toBe(200);
    expect((reply.body as { results: Array<{ id: string; reward: number }> }).results.map((result) => [result.id, result.reward])).toEqual([
      ['inflight', 1],
    ]);
  });
});

describe('a persistent judge cache across requests', () => {
  it('answers a judgement seen in an earlier request from the cache, and counts the hit', async () => {
    const cache = await JudgeCache.open({ path: ':memory:' });
    const server = await startTestServer(judge.url, { cache });
    try {
      const row = { id: 'c1', prompt: QUESTION, response: 'The capital of France is Paris.', reference: 'Paris' };
      const first = await server.post('/v1/score', { rows: [row], components: false });
      const callsAfterFirst = judge.requests.length;
      expect(callsAfterFirst).toBeGreaterThan(0);
      const second = await server.post('/v1/score', { rows: [{ ...row, id: 'c2' }], components: false });
      expect(judge.requests.length).toBe(callsAfterFirst); // no new judge call
      const rewards = (reply: unknown) =>
        (reply as { results: Array<{ reward: number; metrics: Record<string, number> }> }).results.map((result) => [
          result.reward,
          result.metrics.judge_cached,
        ]);
      expect(rewards(first.body)).toEqual([[1, 0]]);
      expect(rewards(second.body)).toEqual([[1, callsAfterFirst]]);
      const metrics = (await server.get('/metrics')).text;
      expect(metricValue(metrics, 'rewardkit_judge_cache_hits_total', { model: `openai-compatible:fake@${judge.url}` })).toBe(
        callsAfterFirst,
      );
    } finally {
      await server.close();
      cache.close();
    }
  });
});
