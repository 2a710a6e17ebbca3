/** The `similarity` check: spec validation, score = metric value, undetermined without a reference. */
import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import { parseSpec } from '../spec/load-spec.js';
import { SpecError, type SpecProblem } from '../spec/spec-error.js';
import { InputSpecSchema, SimilarityCheckSchema } from '../spec/schema.js';
import type { CheckOutcome } from './check.js';
import { createCheck } from './create-check.js';

const input = InputSpecSchema.parse({});

async function runSimilarity(spec: Record<string, unknown>, row: Record<string, unknown>): Promise<CheckOutcome> {
  const check = createCheck(SimilarityCheckSchema.parse({ type: 'similarity', ...spec }));
  return check(createRowContext(toRowView(row, input, 'row-1')));
}

function problemsOf(checkYaml: string): SpecProblem[] {
  try {
    parseSpec(`checks:\n  - ${checkYaml}\n`, 'spec.yaml');
  } catch (error) {
    if (SpecError.isInstance(error)) return error.problems;
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('similarity check', () => {
  it('scores rouge_l between the response and the reference', async () => {
    expect(await runSimilarity({ metric: 'rouge_l' }, { response: 'a b c d', reference: 'a c b d' })).toEqual({
      score: 0.75,
      message: 'rouge_l 0.7500',
      details: { metric: 'rouge_l', value: 0.75 },
    });
  });

  it('scores gleu and bleu with the reference-library values', async () => {
    const row = { response: 'the cat sat', reference: 'the cat ran' };
    expect((await runSimilarity({ metric: 'gleu' }, row)).score).toBe(0.5);
    const bleu = await runSimilarity({ metric: 'bleu' }, { response: 'the cat', reference: 'the cat sat on the mat' });
    expect(bleu.score).toBeCloseTo(Math.exp(-2), 12);
    expect(bleu.message).toBe('bleu 0.1353');
  });

  it('scores fuzzy_match with ratio by default and with the chosen scorer', async () => {
    const row = { response: 'york new', reference: 'new york' };
    expect((await runSimilarity({ metric: 'fuzzy_match' }, row)).score).toBe(0.5);
    expect(await runSimilarity({ metric: 'fuzzy_match', scorer: 'token_sort_ratio' }, row)).toEqual({
      score: 1,
      message: 'fuzzy_match (token_sort_ratio) 1.0000',
      details: { metric: 'fuzzy_match (token_sort_ratio)', value: 1 },
    });
  });

  it('scores meteor through the METEOR module: 3 matched words in 1 chunk → 1 − 0.5 · (1/3)³', async () => {
    const outcome = await runSimilarity({ metric: 'meteor' }, { response: 'the cat sat', reference: 'the cat sat' });
    expect(outcome.score).toBeCloseTo(53 / 54, 12);
  });

  it('reads other fields through selectors', async () => {
    const row = { response: 'unused', reference: 'unused', metadata: { summary: 'the cat', gold: 'the cat sat' } };
    const outcome = await runSimilarity({ metric: 'rouge_1', field: 'metadata.summary', reference: 'metadata.gold' }, row);
    expect(outcome.score).toBeCloseTo(0.8, 15);
  });

  it('scores an empty response 0 against a reference', async () => {
    expect((await runSimilarity({ metric: 'rouge_2' }, { response: '', reference: 'the cat sat' })).score).toBe(0);
  });

  it('is undetermined, marked no_reference, when the reference is missing or blank', async () => {
    for (const row of [{ response: 'a b' }, { response: 'a b', reference: '  ' }, { response: 'a b', reference: null }]) {
      expect(await runSimilarity({ metric: 'bleu' }, row)).toEqual({
        score: null,
        message: 'no reference text: reference is missing or empty in this row',
        details: { no_reference: true, missing: 'reference' },
      });
    }
  });
});

describe('similarity check spec', () => {
  it('applies the defaults: field response, reference reference, weight 1', () => {
    expect(SimilarityCheckSchema.parse({ type: 'similarity', metric: 'meteor' })).toEqual({
      type: 'similarity',
      metric: 'meteor',
      field: 'response',
      reference: 'reference',
      weight: 1,
    });
  });

  it('rejects an unknown metric, listing the valid ones', () => {
    expect(problemsOf('{type: similarity, metric: rouge_6}')).toEqual([
      {
        file: 'spec.yaml',
        line: 2,
        column: 24,
        path: 'checks[0].metric',
        message:
          'expected one of "fuzzy_match" | "bleu" | "gleu" | "meteor" | "rouge_1" | "rouge_2" | "rouge_3" | "rouge_4" | "rouge_5" | "rouge_l"',
        value: 'rouge_6',
      },
    ]);
  });

  it('rejects metric cosine, pointing to the embedding judge', () => {
    expect(problemsOf('{type: similarity, metric: cosine}')).toEqual([
      {
        file: 'spec.yaml',
        line: 2,
        column: 24,
        path: 'checks[0].metric',
        message: 'metric cosine needs an embedding model: use a judge of `type: embedding` instead of this check',
        value: 'cosine',
      },
    ]);
  });

  it('rejects a missing metric and a scorer on a metric other than fuzzy_match', () => {
    expect(problemsOf('{type: similarity}').map((problem) => [problem.path, problem.message])).toEqual([
      ['checks[0].metric', expect.stringMatching(/^expected one of "fuzzy_match" \| /)],
    ]);
    expect(
      problemsOf('{type: similarity, metric: bleu, scorer: token_set_ratio}').map((problem) => [problem.path, problem.message]),
    ).toEqual([['checks[0].scorer', 'scorer applies to metric fuzzy_match only, not bleu; remove it']]);
  });
});
