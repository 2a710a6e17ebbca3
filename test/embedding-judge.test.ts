/**
 * The embedding judge end to end: the real AI SDK clients against fake servers speaking OpenAI's embeddings
 * protocol (POST /v1/embeddings) and Bedrock's InvokeModel for Titan (SigV4-signed), through the reward's scheduler —
 * exact cosines, retries, errors, the cache per text, in-flight dedup, spec errors and the `score` CLI.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReward } from '../src/reward.js';
import { createJudgeCache } from '../src/reward-resources.js';
import type { JudgeCall } from '../src/runtime/judge-call.js';
import { checkJudgeModels } from '../src/models/preflight.js';
import { applyJudgeOverride } from '../src/spec/judge-override.js';
import { validateSpecObject } from '../src/spec/load-spec.js';
import type { FakeReply, FakeRequest } from './support/fake-judge-server.js';
import { startFakeBedrock } from './support/fake-bedrock-server.js';
import { runCli } from './support/run-cli.js';
import { sealAwsEnvironment } from './support/seal-aws-environment.js';
import { useFakeJudge } from './support/use-fake-judge.js';

const server = useFakeJudge();

/** Scripted vectors by text; an unknown text is an error the test shows. */
const VECTORS: Record<string, number[]> = {
  'Paris is the capital.': [3, 4],
  'The capital is Paris.': [4, 3],
  'Berlin.': [1, 0],
  'Not Berlin at all.': [-0.6, 0.8],
  'Lyon is not the capital.': [0, 5],
};

function embeddings(request: FakeRequest): FakeReply {
  const vectors = (request.input ?? []).map((text) => VECTORS[text]);
  if (vectors.some((vector) => vector === undefined))
    return { status: 400, body: { error: { message: `unscripted text in ${JSON.stringify(request.input)}` } } };
  return { embeddings: vectors as number[][] };
}

function embeddingSpec(model: Record<string, unknown> = {}, judge: Record<string, unknown> = {}) {
  return validateSpecObject({
    judges: [
      {
        type: 'embedding',
        name: 'answer_cosine',
        model: {
          provider: 'openai-compatible',
          model: 'text-embedding-fake',
          base_url: server.url,
          max_retries: 2,
          initial_backoff_ms: 5,
          max_backoff_ms: 2000,
          timeout_ms: 2000,
          ...model,
        },
        ...judge,
      },
    ],
  });
}

const row = { id: 'r1', prompt: 'Capital of France?', response: 'Paris is the capital.', reference: 'The capital is Paris.' };

describe('embedding judge over OpenAI-compatible /v1/embeddings', () => {
  it('scores the exact cosine of the two vectors, both texts in one request, with usage and cost', async () => {
    server.setScript(embeddings);
    const calls: JudgeCall[] = [];
    const reward = createReward(embeddingSpec({ price: { input_per_mtok: 0.13, output_per_mtok: 0 } }), {
      onJudgeCall: (call) => calls.push(call),
    });
    const result = await reward.score(row);
    expect(result).toMatchObject({ reward: 0.96, neutral: false, flags: [] });
    expect(result.components).toEqual([
      {
        name: 'answer_cosine',
        kind: 'judge',
        type: 'embedding',
        score: 0.96,
        weight: 1,
        status: 'scored',
        rationale: 'cosine similarity of response and reference: 0.96',
        details: { cosine: 0.96, dimensions: 2 },
        calls: [
          {
            label: 'embedding',
            raw: '',
            finish_reason: 'stop',
            usage: { input_tokens: 11, output_tokens: 0 }, // ceil(42 chars / 4), the fake's count
            latency_ms: expect.any(Number),
            attempts: 1,
            model: `openai-compatible:text-embedding-fake@${server.url}`,
            cached: false,
            cost_usd: 11 * 0.13e-6,
          },
        ],
      },
    ]);
    expect(server.requests.map((request) => [request.path, request.model, request.input])).toEqual([
      ['/v1/embeddings', 'text-embedding-fake', ['Paris is the capital.', 'The capital is Paris.']],
    ]);
    expect(server.requests[0]!.body.encoding_format).toBe('float');
    expect(calls.map((call) => [call.source, call.ok, call.usage])).toEqual([['model', true, { input_tokens: 11, output_tokens: 0 }]]);
    expect(reward.schedulers.get(`openai-compatible:text-embedding-fake@${server.url}`)!.counters).toEqual({
      calls: 1,
      attempts: 1,
      retries: 0,
      cache_hits: 0,
      shared: 0,
      errors: 0,
      input_tokens: 11,
      output_tokens: 0,
    });
  });

  it('a negative cosine scores 0 and keeps the raw value', async () => {
    server.setScript(embeddings);
    const result = await createReward(embeddingSpec()).score({ ...row, response: 'Not Berlin at all.', reference: 'Berlin.' });
    expect(result.reward).toBe(0);
    expect(result.components[0]).toMatchObject({
      score: 0,
      status: 'scored',
      rationale: 'cosine similarity of response and reference: -0.6 (negative: scored 0)',
      details: { cosine: -0.6, dimensions: 2 },
    });
  });

  it('reads `field` and `reference` through their selectors', async () => {
    server.setScript(embeddings);
    const spec = embeddingSpec({}, { field: 'metadata.answer', reference: 'metadata.gold' });
    const result = await createReward(spec).score({
      id: 'r2',
      prompt: 'p',
      response: 'anything',
      metadata: { answer: 'Lyon is not the capital.', gold: 'Paris is the capital.' },
    });
    expect(result.components[0]).toMatchObject({ score: 0.8, details: { cosine: 0.8, dimensions: 2 } });
    expect(server.requests.map((request) => request.input)).toEqual([['Lyon is not the capital.', 'Paris is the capital.']]);
  });

  it('429 with Retry-After: waits as asked, then scores', async () => {
    server.setScript((request) => (request.index === 0 ? { status: 429, headers: { 'retry-after-ms': '300' } } : embeddings(request)));
    const result = await createReward(embeddingSpec(), { random: () => 0 }).score(row);
    expect(result).toMatchObject({ reward: 0.96, flags: [] });
    expect(result.components[0]!.calls![0]!.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(290);
  });

  it('500 every time: judge_error and the neutral reward after 1 + max_retries attempts', async () => {
    server.setScript(() => ({ status: 500, body: { error: { message: 'embedding backend down' } } }));
    const result = await createReward(embeddingSpec()).score(row);
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(result.components[0]).toMatchObject({ score: null, status: 'error', error: { kind: 'server_error', status: 500 } });
    expect(result.components[0]!.error!.message).toBe('500: embedding backend down after 3 attempts');
    expect(result.components[0]!.calls![0]).toMatchObject({ attempts: 3, finish_reason: 'error', cached: false });
    expect(server.requests).toHaveLength(3);
  });

  it('a row without the reference is not judged: undetermined, flagged no_reference, no request', async () => {
    server.setScript(embeddings);
    const result = await createReward(embeddingSpec()).score({ id: 'r3', prompt: 'p', response: 'Paris is the capital.' });
    expect(result.components[0]).toEqual({
      name: 'answer_cosine',
      kind: 'judge',
      type: 'embedding',
      score: null,
      weight: 1,
      status: 'undetermined',
      rationale: 'not judged: no reference — reference is missing or empty in this row',
      details: { no_reference: true, missing: 'reference' },
      calls: [],
    });
    expect(result.flags).toEqual(['nothing_scored', 'no_reference']);
    expect(server.requests).toHaveLength(0);
  });

  it('an empty response follows the empty-response rule: the low end of the range, no request', async () => {
    server.setScript(embeddings);
    const result = await createReward(embeddingSpec()).score({ ...row, response: '  ' });
    expect(result).toMatchObject({ reward: 0, flags: ['empty_response'] });
    expect(server.requests).toHaveLength(0);
  });

  it('the cache answers a second identical row, and embeds a shared reference once (per text)', async () => {
    server.setScript(embeddings);
    const cache = await createJudgeCache({ path: ':memory:' });
    const reward = createReward(embeddingSpec(), { cache });
    const first = await reward.score(row);
    const second = await reward.score({ ...row, id: 'r1-again' });
    // a rollout of the same group: only its own response is new
    const third = await reward.score({ ...row, id: 'r1-other', response: 'Lyon is not the capital.' });
    expect([first.reward, second.reward, third.reward]).toEqual([0.96, 0.96, 0.6]);
    expect(server.requests.map((request) => request.input)).toEqual([
      ['Paris is the capital.', 'The capital is Paris.'],
      ['Lyon is not the capital.'],
    ]);
    expect(second.components[0]!.calls![0]).toMatchObject({ cached: true, attempts: 0, usage: { input_tokens: 0, output_tokens: 0 } });
    expect(second.components[0]!.calls![0]!.cost_usd).toBeUndefined();
    expect(third.components[0]!.calls![0]).toMatchObject({ cached: false, attempts: 1, usage: { input_tokens: 6, output_tokens: 0 } });
    expect(cache.stats()).toMatchObject({ entries: 3, writes: 3 });
    cache.close();
  });

  it('identical rows in flight share one request', async () => {
    server.setScript((request) => ({ ...(embeddings(request) as { embeddings: number[][] }), delayMs: 100 }));
    const reward = createReward(embeddingSpec());
    const results = await Promise.all([reward.score(row), reward.score({ ...row, id: 'r1-twin' })]);
    expect(results.map((result) => result.reward)).toEqual([0.96, 0.96]);
    expect(server.requests).toHaveLength(1);
    expect(results.map((result) => result.components[0]!.calls![0]!.cached)).toEqual([false, true]);
    expect(reward.schedulers.get(`openai-compatible:text-embedding-fake@${server.url}`)!.counters).toMatchObject({ calls: 1, shared: 2 });
  });

  it.each([
    ['openai', 'Bearer sk-embedding-test'],
    ['ollama', undefined],
  ])('provider %s speaks the same /v1/embeddings protocol', async (provider, authorization) => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-embedding-test');
    try {
      server.setScript(embeddings);
      const result = await createReward(embeddingSpec({ provider, model: 'text-embedding-3-small' })).score(row);
      expect(result.components[0]).toMatchObject({ score: 0.96, calls: [{ model: `${provider}:text-embedding-3-small@${server.url}` }] });
      expect(server.requests.map((request) => [request.path, request.model, request.headers.authorization])).toEqual([
        ['/v1/embeddings', 'text-embedding-3-small', authorization],
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a response equal to the reference is embedded once and scores 1', async () => {
    server.setScript(embeddings);
    const result = await createReward(embeddingSpec()).score({ ...row, response: row.reference });
    expect(result.components[0]).toMatchObject({ score: 1, details: { cosine: 1 } });
    expect(server.requests.map((request) => request.input)).toEqual([['The capital is Paris.']]);
  });
});

describe('embedding judge preflight', () => {
  it("embeds one text through the model's embeddings route; a model the server lacks stops the run", async () => {
    const spec = embeddingSpec({ model: 'text-embedding-typo' }).judges[0]!.model!;
    server.setScript(() => ({ status: 404, body: { error: { message: 'The model `text-embedding-typo` does not exist' } } }));
    const report = await checkJudgeModels([spec], process.env, 2000, new Set([`openai-compatible:text-embedding-typo@${server.url}`]));
    expect(report).toEqual({
      problems: [
        `judge openai-compatible:text-embedding-typo@${server.url} at ${server.url}: model "text-embedding-typo" not found (HTTP 404: The model \`text-embedding-typo\` does not exist)`,
      ],
      warnings: [],
    });
    expect(server.preflights.map((request) => [request.path, request.input])).toEqual([['/v1/embeddings', ['rewardkit preflight']]]);
  });
});

describe('embedding judge spec', () => {
  const base = { type: 'embedding', model: { provider: 'openai', model: 'text-embedding-3-small' } };

  it('requires its own model: judge_model is not used', () => {
    expect(() =>
      validateSpecObject({ judge_model: { provider: 'openai', model: 'gpt-4o-mini' }, judges: [{ type: 'embedding' }] }),
    ).toThrow(
      'judges[0].model: expected an embedding model on this judge, e.g. {provider: openai, model: text-embedding-3-small} (judge_model is not used: it is a chat model)',
    );
  });

  it('rejects anthropic (no embeddings API) and local, naming the field', () => {
    expect(() => validateSpecObject({ judges: [{ ...base, model: { provider: 'anthropic', model: 'claude-haiku-4-5' } }] })).toThrow(
      'judges[0].model.provider: expected a provider with embeddings (openai | openai-compatible | ollama | bedrock), got "anthropic": Anthropic has no embeddings API',
    );
    expect(() => validateSpecObject({ judges: [{ ...base, model: { provider: 'local', model: 'default' } }] })).toThrow(
      'judges[0].model.provider: expected a provider with embeddings (openai | openai-compatible | ollama | bedrock), got "local": local llama.cpp embeddings are not supported yet',
    );
  });

  it('defaults: name embedding, field response, reference reference', () => {
    expect(validateSpecObject({ judges: [base] }).judges[0]).toMatchObject({
      type: 'embedding',
      weight: 1,
      field: 'response',
      reference: 'reference',
    });
  });

  it('--judge replaces the chat judges but keeps the embedding model (the concurrency cap reaches it)', () => {
    const spec = validateSpecObject({
      judge_model: { provider: 'openai', model: 'gpt-4o-mini' },
      judges: [base, { type: 'preference', criteria: 'better' }],
    });
    const overridden = applyJudgeOverride(spec, { provider: 'ollama', model: 'qwen3:1.7b' }, 3);
    expect(overridden.judges[0]!.model).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', concurrency: 3 });
    expect(overridden.judge_model).toMatchObject({ provider: 'ollama', model: 'qwen3:1.7b', concurrency: 3 });
  });
});

describe('embedding judge over Bedrock (Titan, InvokeModel, SigV4)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('embeds each text in its own call (Titan takes one text per call) and scores the exact cosine', async () => {
    sealAwsEnvironment(mkdtempSync(join(tmpdir(), 'rewardkit-embedding-aws-')));
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEMBEDDING');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'embedding-secret');
    const bedrock = await startFakeBedrock({
      accessKeys: ['AKIDEMBEDDING'],
      secrets: { AKIDEMBEDDING: 'embedding-secret' },
      models: ['amazon.titan-embed-text-v2:0'],
      embed: (text) => VECTORS[text] ?? [],
    });
    try {
      const spec = validateSpecObject({
        judges: [
          {
            type: 'embedding',
            model: { provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', region: 'eu-west-1', base_url: bedrock.url },
          },
        ],
      });
      const result = await createReward(spec).score(row);
      expect(result.components[0]).toMatchObject({
        name: 'embedding',
        score: 0.96,
        details: { cosine: 0.96, dimensions: 2 },
        // one record for the judge's embedding: the attempts and tokens of both calls (6 + 6 tokens)
        calls: [{ attempts: 2, usage: { input_tokens: 12, output_tokens: 0 }, cached: false }],
      });
      expect(
        // the two calls go out together: in either order
        bedrock.requests
          .map((request) => [request.operation, request.modelId, request.body.inputText, request.signatureVerified])
          .sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
      ).toEqual([
        ['invoke', 'amazon.titan-embed-text-v2:0', 'Paris is the capital.', true],
        ['invoke', 'amazon.titan-embed-text-v2:0', 'The capital is Paris.', true],
      ]);
      expect(bedrock.requests.map((request) => [request.region, request.service])).toEqual([
        ['eu-west-1', 'bedrock'],
        ['eu-west-1', 'bedrock'],
      ]);
    } finally {
      await bedrock.close();
    }
  });
});

describe('rewardkit score with an embedding judge', () => {
  it('scores rows end to end: preflight embeds one text, then one request per row, cached on a rerun', async () => {
    server.setScript((request) => (request.preflight ? { embeddings: [[1, 1]] } : embeddings(request)));
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-embedding-judge-'));
    const spec = join(dir, 'spec.yaml');
    writeFileSync(
      spec,
      [
        'judges:',
        '  - type: embedding',
        '    name: answer_cosine',
        `    model: {provider: openai-compatible, model: text-embedding-fake, base_url: "${server.url}"}`,
        '',
      ].join('\n'),
    );
    const input = join(dir, 'rollouts.jsonl');
    writeFileSync(
      input,
      [row, { ...row, id: 'r2', response: 'Lyon is not the capital.' }].map((line) => JSON.stringify(line)).join('\n') + '\n',
    );
    const output = join(dir, 'scored.jsonl');
    const cache = join(dir, 'cache.sqlite');
    const result = await runCli('score', '--spec', spec, '--input', input, '--output', output, '--cache', cache);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('2 calls + 0 cached, 0 retries, 0 errors, 17 / 0 tokens');
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; reward: number });
    expect(lines.map((line) => [line.id, line.reward])).toEqual([
      ['r1', 0.96],
      ['r2', 0.6],
    ]);
    expect(server.preflights.map((request) => request.input)).toEqual([['rewardkit preflight']]);
    expect(server.requests).toHaveLength(2);
    const dry = await runCli('score', '--spec', spec, '--input', input, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      '===== judge answer_cosine · embedding of response and reference · user =====\nresponse:\nParis is the capital.\n\nreference:\nThe capital is Paris.\n',
    );
    expect(dry.stdout).toContain('2 rows: a real run would make 2 judge calls');
    server.requests.length = 0;
    const again = await runCli('score', '--spec', spec, '--input', input, '--output', join(dir, 'again.jsonl'), '--cache', cache);
    expect(again.code).toBe(0);
    expect(server.requests).toHaveLength(0);
  });
});
