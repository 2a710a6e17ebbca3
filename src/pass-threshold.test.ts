/**
 * `pass_threshold` on a component: the reward and the component's score are unchanged; the component gets
 * `pass: {threshold, passed}` and the 0/1 metric `<name>_pass`, except when it has no score.
 */
import { describe, expect, it } from 'vitest';
import { useFakeJudge } from '../test/support/use-fake-judge.js';
import { criteriaVerdict, testSpec } from '../test/support/test-spec.js';
import { createReward } from './reward.js';
import { SpecError } from './spec/spec-error.js';

const judge = useFakeJudge();

const rubric = {
  type: 'rubric',
  name: 'quality',
  criteria: [
    { id: 'correct', description: 'The answer is correct', weight: 3 },
    { id: 'concise', description: 'The answer is concise', weight: 1 },
  ],
};

describe('pass_threshold', () => {
  it('adds <name>_pass beside the score of a check and a judge, leaving the reward as it was', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: false }) }));
    const spec = testSpec(judge.url, {
      checks: [{ type: 'length', unit: 'words', max: 4, ramp: 4, pass_threshold: 0.8 }],
      judges: [{ ...rubric, pass_threshold: 0.75 }],
    });
    const result = await createReward(spec).score({ id: 'r1', prompt: 'q', response: 'It is four, I think.' });
    // length: 5 words, max 4, ramp 4 → 0.75 < 0.8; judge 3/4 = 0.75 >= 0.75
    expect(result.reward).toBe(0.75);
    expect(result.metrics).toMatchObject({ length: 0.75, length_pass: 0, quality: 0.75, quality_pass: 1 });
    expect(result.components.map((component) => component.pass)).toEqual([
      { threshold: 0.8, passed: false },
      { threshold: 0.75, passed: true },
    ]);
  });

  it('adds no metric without a threshold, nor when the component has no score', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: true }) }));
    const spec = testSpec(judge.url, {
      checks: [{ type: 'match', name: 'answer', pass_threshold: 1 }],
      judges: [rubric],
    });
    const result = await createReward(spec).score({ id: 'r2', prompt: 'q', response: 'Paris' }); // no reference: undetermined
    expect(result.reward).toBe(1);
    expect(Object.keys(result.metrics).filter((name) => name.endsWith('_pass'))).toEqual([]);
    expect(result.components.map((component) => component.pass)).toEqual([undefined, undefined]);
  });

  it('reports a gated row: the gate check passes or not, the skipped judge has no metric', async () => {
    const spec = testSpec(judge.url, {
      checks: [{ type: 'json', name: 'format', gate: true, pass_threshold: 1 }],
      judges: [{ ...rubric, pass_threshold: 0.5 }],
    });
    const result = await createReward(spec).score({ id: 'g', prompt: 'q', response: 'not json' });
    expect(result.metrics).toMatchObject({ format: 0, format_pass: 0 });
    expect('quality_pass' in result.metrics).toBe(false);
  });

  it('is on group and panel judges too (the panel itself, not its inner judge)', () => {
    const spec = testSpec(judge.url, {
      judges: [
        { type: 'group', criteria: 'better', pass_threshold: 0.6 },
        { type: 'panel', samples: 2, judge: { type: 'rubric', criteria: rubric.criteria }, pass_threshold: 0.4 },
      ],
    });
    expect(spec.judges.map((entry) => entry.pass_threshold)).toEqual([0.6, 0.4]);
    expect(() =>
      testSpec(judge.url, {
        judges: [{ type: 'panel', samples: 2, judge: { type: 'rubric', criteria: rubric.criteria, pass_threshold: 0.4 } }],
      }),
    ).toThrow(SpecError);
  });

  it('rejects a threshold outside [0, 1], naming the field', () => {
    expect(() => testSpec(judge.url, { checks: [{ type: 'json', pass_threshold: 1.5 }] })).toThrow(/checks\[0\]\.pass_threshold/);
  });

  it("rejects a component named like another one's _pass metric", () => {
    expect(() =>
      testSpec(judge.url, {
        checks: [
          { type: 'json', name: 'format', pass_threshold: 1 },
          { type: 'length', name: 'format_pass', max: 5 },
        ],
      }),
    ).toThrow(/"format_pass" is also the pass metric of checks\[0\]/);
  });
});
