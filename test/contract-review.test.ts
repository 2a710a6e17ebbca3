/**
 * The contract-review case study end to end: the real spec, the real rollouts, the real AI SDK client,
 * against the scripted fake judge on 127.0.0.1. Expected rewards are worked out by hand below.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample } from '../examples/contract-review/build.js';
import { createReward, type Reward } from '../src/reward.js';
import type { RewardResult } from '../src/result.js';
import { loadSpecWithJudge } from '../src/spec/load-spec-with-judge.js';
import { contractReviewJudge } from './support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge } from './support/fake-judge-server.js';
import { CONTRACT_REVIEW_REWARDS } from './support/contract-review-rewards.js';

const rows = readFileSync(new URL('../examples/contract-review/rollouts.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { id: string });

let judge: FakeJudge;
let reward: Reward;
let results: Map<string, RewardResult>;

beforeAll(async () => {
  judge = await startFakeJudge(contractReviewJudge());
  const { spec } = loadSpecWithJudge('examples/contract-review/spec.yaml', {
    provider: 'openai-compatible',
    model: 'fake',
    base_url: judge.url,
  });
  reward = createReward(spec);
  const scored = await reward.scoreBatch(rows);
  results = new Map(scored.map((result) => [result.id, result]));
});

afterAll(() => judge.close());

describe('contract-review example under the scripted fake judge', () => {
  it('keeps the generated data files in sync with source/*.yaml', () => {
    const built = buildExample();
    const read = (name: string) => readFileSync(new URL(`../examples/contract-review/${name}`, import.meta.url), 'utf8');
    expect(read('rollouts.jsonl')).toBe(built.rollouts);
    expect(read('labels.jsonl')).toBe(built.labels);
    expect(read('fake-verdicts.json')).toBe(built.verdicts);
  });

  it('scores a good review near the top', () => {
    // nda-good: 3 comments judged (5,5,5), (5,5,4), (5,5,5) → normalised (1 + 11/12 + 1)/3 = 0.972222
    // checks: grounding 1 (w1), length 1 (w0.5), language 1 (w0.5); judge w3 → (1 + 0.5 + 0.5 + 3·0.972222)/5 = 0.983333
    const result = results.get('nda-good')!;
    expect(result.reward).toBe(0.983333);
    expect(result.metrics.review_quality).toBe(0.972222);
    expect(result.metrics.judge_calls).toBe(3);
    expect(result.flags).toEqual([]);
  });

  it('penalises an excerpt quoted from the guidelines in both the check and the judge', () => {
    const result = results.get('nda-excerpt-ref')!;
    const grounding = result.components.find((component) => component.name === 'excerpt_grounding')!;
    expect(grounding.score).toBeCloseTo(1 / 3, 6);
    expect(grounding.details?.verdicts).toEqual(['from_forbidden_source', 'from_forbidden_source', 'grounded']);
    expect(result.reward).toBe(0.583333);
  });

  it('gates malformed JSON to 0 without calling the judge', () => {
    for (const id of ['saas-malformed', 'licensing-malformed', 'loan-malformed']) {
      const result = results.get(id)!;
      expect(result.reward).toBe(0);
      expect(result.gated_by).toBe('format');
      expect(result.metrics.judge_calls).toBe(0);
      expect(result.components.find((component) => component.name === 'review_quality')!.status).toBe('skipped');
    }
  });

  it('scores empty output 0 without running anything', () => {
    for (const id of ['lease-empty', 'dpa-empty', 'joint-venture-empty']) {
      expect(results.get(id)).toMatchObject({ reward: 0, flags: ['empty_response'], components: [] });
    }
  });

  it('catches an answer in the wrong language', () => {
    const result = results.get('saas-wrong-language')!;
    expect(result.metrics.language).toBe(0);
    expect(result.components.find((component) => component.name === 'language')!.details).toEqual({ detected: 'de', expected: 'en' });
    expect(result.reward).toBe(0.75);
  });

  it('makes exactly one judge call per comment of every rollout that passes the gates', () => {
    const expectedCalls = [...results.values()].reduce((sum, result) => sum + result.metrics.judge_calls!, 0);
    expect(judge.requests.length).toBe(expectedCalls);
    expect(expectedCalls).toBe(91);
  });

  it('produces the documented reward table', () => {
    const table = Object.fromEntries([...results].map(([id, result]) => [id, result.reward]));
    expect(table).toEqual(CONTRACT_REVIEW_REWARDS);
  });
});
