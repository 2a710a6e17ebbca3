/**
 * `aggregate.formula` in the composer: the formula replaces the weighted mean (weights ignored), after gates and
 * empty responses; a named component without a score gives the neutral reward (formula_missing_score), a value
 * outside [0, 1] is clamped (formula_out_of_range), NaN and ±Infinity give the neutral reward (formula_not_finite). A formula equal to
 * the weighted mean gives the rewards the weighted mean gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useFakeJudge } from '../test/support/use-fake-judge.js';
import { criteriaVerdict, testSpec } from '../test/support/test-spec.js';
import { createRowContext, toRowView } from './input/row-view.js';
import type { ComponentResult } from './result.js';
import { createReward } from './reward.js';
import { createRowPhases } from './row-phases.js';

const judge = useFakeJudge();

const rubric = {
  type: 'rubric',
  name: 'quality',
  criteria: [
    { id: 'correct', description: 'The answer is correct', weight: 3 },
    { id: 'concise', description: 'The answer is concise', weight: 1 },
  ],
};
// 5 words, max 4, ramp 4 → length 0.75
const length = { type: 'length', name: 'brief', unit: 'words', max: 4, ramp: 4 };
const answer = { type: 'match', name: 'answer', mode: 'contains' };
const row = { id: 'r', prompt: 'Capital of France?', response: 'It is Paris, I think.', reference: 'Paris' };

describe('aggregate.formula', () => {
  it('computes the composite from the formula, ignoring weights, mapped into the range', async () => {
    judge.setScript(() => ({ content: criteriaVerdict({ correct: true, concise: false }) }));
    const parts = { checks: [{ ...length, weight: 5 }, answer], judges: [{ ...rubric, weight: 0 }] };
    const reward = createReward(testSpec(judge.url, { ...parts, aggregate: { formula: 'min(brief, quality) * answer' } }));
    expect(await reward.score(row)).toMatchObject({ reward: 0.75, flags: [], neutral: false });
    const ranged = createReward(testSpec(judge.url, { ...parts, aggregate: { range: [-1, 1], formula: '0.5 * brief + 0.5 * answer' } }));
    expect((await ranged.score(row)).reward).toBe(0.75); // −1 + 2 × 0.875
  });

  it('accepts components whose weights are all 0 when a formula is set', () => {
    expect(() => testSpec(judge.url, { checks: [{ ...length, weight: 0 }], aggregate: { formula: 'brief' } })).not.toThrow();
    expect(() => testSpec(judge.url, { checks: [{ ...length, weight: 0 }] })).toThrow(/expected at least one component with weight > 0/);
  });

  it('is a spec error at aggregate.formula naming the offending part and what is allowed', () => {
    expect(() => testSpec(judge.url, { checks: [length, answer], aggregate: { formula: 'brief * answr' } })).toThrow(
      'aggregate.formula: unknown name "answr"; allowed: numbers, ( ), the operators + - * / ^ and unary minus, the functions min, max, abs, floor, ceil, round, exp, sqrt, log (log is the natural logarithm), and the component names of this spec: brief, answer (got "brief * answr")',
    );
    expect(() => testSpec(judge.url, { checks: [length], aggregate: { formula: 'brief = 1' } })).toThrow(
      /aggregate\.formula: "brief = 1" is an assignment; allowed: /,
    );
  });

  it('lets gates and empty responses decide first', async () => {
    const spec = testSpec(judge.url, {
      checks: [{ type: 'json', name: 'format', gate: { min_score: 1, floor: 0.1 } }, length],
      aggregate: { formula: 'format * brief', empty_response: 0.2 },
    });
    const reward = createReward(spec);
    expect(await reward.score({ id: 'g', prompt: 'q', response: 'not json' })).toMatchObject({ reward: 0.1, gated_by: 'format' });
    expect(await reward.score({ id: 'e', prompt: 'q', response: ' ' })).toMatchObject({ reward: 0.2, flags: ['empty_response'] });
    expect(await reward.score({ id: 'j', prompt: 'q', response: '{"a": 1}' })).toMatchObject({ reward: 1, flags: [] });
  });

  it('gives the neutral reward, flagged formula_missing_score, when a component it names has no score', async () => {
    const reward = createReward(testSpec(judge.url, { checks: [length, answer], aggregate: { formula: 'brief * answer', neutral: 0.4 } }));
    const result = await reward.score({ id: 'n', prompt: 'q', response: 'Paris' }); // no reference: answer undetermined
    expect(result).toMatchObject({ reward: 0.4, neutral: true, flags: ['formula_missing_score', 'no_reference'] });
    const unnamed = createReward(testSpec(judge.url, { checks: [length, answer], aggregate: { formula: 'brief' } }));
    expect(await unnamed.score({ id: 'n', prompt: 'q', response: 'Paris' })).toMatchObject({ reward: 1, neutral: false });
  });

  it('follows on_judge_error for a failed judge; under drop a named failed judge gives the neutral reward', async () => {
    judge.setScript(() => ({ status: 400, body: { error: { message: 'bad' } } }));
    const parts = { checks: [length], judges: [rubric] };
    const neutral = createReward(testSpec(judge.url, { ...parts, aggregate: { formula: 'brief * quality' } }));
    expect(await neutral.score(row)).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    const none = createReward(testSpec(judge.url, { ...parts, aggregate: { formula: 'brief * quality', on_judge_error: 'null' } }));
    expect(await none.score(row)).toMatchObject({ reward: null, flags: ['judge_error'] });
    const drop = createReward(testSpec(judge.url, { ...parts, aggregate: { formula: 'brief * quality', on_judge_error: 'drop' } }));
    expect(await drop.score(row)).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error', 'formula_missing_score'] });
    const unnamed = createReward(testSpec(judge.url, { ...parts, aggregate: { formula: 'brief', on_judge_error: 'drop' } }));
    expect(await unnamed.score(row)).toMatchObject({ reward: 0.75, neutral: false, flags: ['judge_error'] });
  });

  it('clamps a finite value outside [0, 1], flagged formula_out_of_range; NaN and ±Infinity give the neutral reward, flagged formula_not_finite', async () => {
    const score = (formula: string) => createReward(testSpec(judge.url, { checks: [length], aggregate: { formula } })).score(row);
    expect(await score('2 * brief')).toMatchObject({ reward: 1, neutral: false, flags: ['formula_out_of_range'] });
    expect(await score('brief - 1')).toMatchObject({ reward: 0, neutral: false, flags: ['formula_out_of_range'] });
    expect(await score('log(brief - 0.75)')).toMatchObject({ reward: 0.5, neutral: true, flags: ['formula_not_finite'] }); // −Infinity
    expect(await score('(brief - 0.75) / (brief - 0.75)')).toMatchObject({ reward: 0.5, neutral: true, flags: ['formula_not_finite'] }); // NaN
    // a division by zero is not the top reward: x/0 would otherwise be clamped to 1
    expect(await score('brief / (brief - 0.75)')).toMatchObject({ reward: 0.5, neutral: true, flags: ['formula_not_finite'] }); // +Infinity
    expect(await score('sqrt(brief)')).toMatchObject({ reward: 0.866025, flags: [] });
  });
});

describe('aggregate.formula equal to the weighted mean', () => {
  it('gives the same rewards as no formula (property)', () => {
    const component = fc.record({ weight: fc.integer({ min: 0, max: 5 }), score: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(
        fc.array(component, { minLength: 1, maxLength: 5 }).filter((parts) => parts.some((part) => part.weight > 0)),
        fc.constantFrom<[number, number]>([0, 1], [-1, 1], [0, 10]),
        (parts, range) => {
          const checks = parts.map((part, index) => ({ type: 'length', name: `c${index}`, max: 10, weight: part.weight }));
          const total = parts.reduce((sum, part) => sum + part.weight, 0);
          const formula = `(${parts.map((part, index) => `${part.weight} * c${index}`).join(' + ')}) / ${total}`;
          const components: ComponentResult[] = parts.map((part, index) => ({
            name: `c${index}`,
            kind: 'check',
            type: 'length',
            score: part.score,
            weight: part.weight,
            status: 'scored',
          }));
          const rewardOf = (aggregate: Record<string, unknown>) => {
            const spec = testSpec(judge.url, { checks, aggregate: { range, ...aggregate } });
            const phases = createRowPhases(spec, [], 'hash');
            const context = createRowContext(toRowView({ id: 'p', prompt: 'q', response: 'a' }, spec.input, 'p'));
            return phases.composeRow({ context, flags: [], checks: components }, [], { aborted: false });
          };
          const withFormula = rewardOf({ formula });
          const withMean = rewardOf({});
          expect(withFormula.reward).toBe(withMean.reward);
          expect(withFormula.flags).toEqual(withMean.flags);
        },
      ),
      { numRuns: 300 },
    );
  });
});
