/**
 * Text verdict formats end to end against the fake judge: a rubric judge with `rating` (MT-Bench template) and
 * `choice`, a preference judge with `pairwise` (MT-Bench and Arena-Hard); no JSON is asked for, and a reply with no
 * verdict or two conflicting ones is a parse_error with the raw reply kept.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeRequest } from '../../test/support/fake-judge-server.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { testSpec } from '../../test/support/test-spec.js';
import { createReward } from '../reward.js';
import { parseSpec } from '../spec/load-spec.js';
import { builtinTemplatePath } from './judge-template.js';
import { readFenced } from './fence.js';

const judge = useFakeJudge();
const row = { id: 'r1', prompt: 'Name a prime number.', response: 'POLICY: 7 is prime.', reference: 'REFERENCE: 2 is prime.' };
const policyIsA = (request: FakeRequest) => readFenced(request.user, 'answer_a')!.startsWith('POLICY');

describe('rubric judge with verdict rating', () => {
  const rating = { type: 'rubric', name: 'mt', verdict: { format: 'rating' } };

  it('uses the MT-Bench template, asks for no JSON, and normalises [[N]] on 1–10', async () => {
    judge.setScript(() => ({ content: 'Correct and concise.\n\nRating: [[8]]' }));
    const result = await createReward(testSpec(judge.url, { judges: [rating] })).score(row);
    expect(judge.requests[0]!.body.response_format).toBeUndefined();
    expect(judge.requests[0]!.user).toContain('"Rating: [[N]]"');
    expect(result.components[0]!.score).toBeCloseTo(7 / 9, 12);
    expect(result.components[0]!.details).toEqual({
      raw_score: 8,
      items: [{ score: 0.777778, lines: { verdict: { score: 8, rationale: '8' } } }],
    });
    expect(result.components[0]!.calls![0]!.template_version).toBe('mt-bench-single@1');
  });

  it('is a parse_error, raw reply kept, on conflicting ratings or none', async () => {
    for (const [reply, message] of [
      ['Rating: [[3]] — no, Rating: [[7]]', 'answer: conflicting ratings in the reply: "3", "7"'],
      ['A fine answer.', 'answer: no rating found in the reply'],
    ] as const) {
      judge.setScript(() => ({ content: reply }));
      const component = (await createReward(testSpec(judge.url, { judges: [rating] })).score(row)).components[0]!;
      expect(component.status).toBe('error');
      expect(component.error).toEqual({ kind: 'parse_error', message });
      expect(component.calls![0]!.raw).toBe(reply);
    }
  });
});

describe('rubric judge with verdict choice', () => {
  it('scores the label through the choice map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rk-choice-'));
    writeFileSync(
      join(dir, 'choice.yaml'),
      'version: choice@1\nsystem: Grade.\nuser: |\n  {{prompt}}\n  {{response}}\n  {{output_format}}\n',
    );
    judge.setScript(() => ({ content: 'It matches the expert.\nC' }));
    const spec = parseSpec(
      `judge_model: {provider: openai-compatible, model: fake-judge, base_url: "${judge.url}", max_retries: 0}\n` +
        'judges:\n  - {type: rubric, name: fact, template: choice.yaml, verdict: {format: choice, choices: {A: 0.4, B: 0.6, C: 1, D: 0}}}\n',
      join(dir, 'spec.yaml'),
      dir,
    );
    const result = await createReward(spec).score(row);
    expect(judge.requests[0]!.user).toContain('write on the last line only one of: A, B, C, D.');
    expect(result.components[0]!.score).toBe(1);
  });
});

describe('preference judge with verdict pairwise', () => {
  const pairwise = (extra: Record<string, unknown> = {}) => ({
    type: 'preference',
    name: 'pair',
    criteria: 'Prefer the correct answer.',
    verdict: { format: 'pairwise' },
    ...extra,
  });

  it('reads [[A]]/[[B]] per order with no JSON asked for (MT-Bench pairwise template)', async () => {
    judge.setScript((request) => ({ content: policyIsA(request) ? 'A is right. [[A]]' : 'B is right. [[B]]' }));
    const result = await createReward(testSpec(judge.url, { judges: [pairwise()] })).score(row);
    expect(judge.requests.map((request) => request.body.response_format)).toEqual([undefined, undefined]);
    expect(result.components[0]!.score).toBe(1);
    expect(result.components[0]!.details).toEqual({
      winner: 'response',
      per_order: { 'response-first': 'response', 'response-second': 'response' },
      per_order_verdict: { 'response-first': 'A', 'response-second': 'B' },
      position_flip: false,
    });
    expect(result.components[0]!.calls![0]!.template_version).toBe('mt-bench-pairwise@1');
  });

  it("scores Arena-Hard's graded verdicts and averages a flip", async () => {
    judge.setScript((request) => ({ content: policyIsA(request) ? 'My final verdict: [[A>B]]' : 'My final verdict: [[A=B]]' }));
    const spec = testSpec(judge.url, { judges: [pairwise({ template: builtinTemplatePath('arena-hard') })] });
    const component = (await createReward(spec).score(row)).components[0]!;
    expect(component.score).toBe(0.625); // (0.75 + (1 − 0.5)) / 2
    expect(component.details).toMatchObject({ winner: 'response', per_order: { 'response-first': 'response', 'response-second': 'tie' } });
  });

  it('is a parse_error on two different verdicts', async () => {
    judge.setScript(() => ({ content: '[[A]] … actually [[B]]' }));
    const component = (await createReward(testSpec(judge.url, { judges: [pairwise({ position: 'fixed' })] })).score(row)).components[0]!;
    expect(component.error).toEqual({
      kind: 'parse_error',
      message: 'order response-first: conflicting pairwise verdicts in the reply: "A", "B"',
    });
    expect(component.calls![0]!.raw).toBe('[[A]] … actually [[B]]');
  });
});

describe('verdict spec errors', () => {
  const model = 'judge_model: {provider: openai, model: m}\n';
  it('adds nothing to a judge without verdict (its spec_hash is unchanged)', () => {
    const spec = parseSpec(
      `${model}judges:\n  - {type: rubric, criteria: [{id: a, description: x}]}\n  - {type: preference, criteria: x}\n`,
      'a.yaml',
    );
    expect(spec.judges.map((judge) => 'verdict' in judge)).toEqual([false, false]);
  });

  it('rejects pairwise on a rubric, choice without a template, a regex without its group', () => {
    expect(() => parseSpec(`${model}judges:\n  - {type: rubric, verdict: {format: pairwise}}\n`, 'a.yaml')).toThrow(
      /judges\[0\]\.verdict\.format/,
    );
    expect(() => parseSpec(`${model}judges:\n  - {type: rubric, verdict: {format: choice, choices: {Y: 1}}}\n`, 'a.yaml')).toThrow(
      /judges\[0\]\.template.*expected a template for verdict format choice/s,
    );
    expect(() =>
      parseSpec(`${model}judges:\n  - {type: rubric, template: t.yaml, verdict: {format: regex, pattern: "G: (\\\\w+)"}}\n`, 'a.yaml'),
    ).toThrow(/expected a named group \(\?<verdict>…\) in the pattern/);
  });
});
