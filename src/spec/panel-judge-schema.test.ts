/** The `type: panel` judge in a spec: its defaults, and each cross-field rule reported at its own field (file:line:column). */
import { describe, expect, it } from 'vitest';
import { parseSpec } from './load-spec.js';
import { SpecError, type SpecProblem } from './spec-error.js';

const MODEL = 'judge_model: {provider: openai-compatible, model: m, base_url: "http://127.0.0.1:8000/v1"}\n';
const RUBRIC = '{type: rubric, criteria: [{id: ok, description: fine}]}';
const member = (model: string) => `{model: {provider: openai-compatible, model: ${model}}}`;

function problemsOf(spec: string): Array<Pick<SpecProblem, 'path' | 'message' | 'line'>> {
  try {
    parseSpec(spec, 'spec.yaml');
  } catch (error) {
    if (SpecError.isInstance(error)) return error.problems.map(({ path, message, line }) => ({ path, message, line }));
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('type: panel', () => {
  it('defaults combine mean, threshold 0.5, weight 1; members need no judge_model', () => {
    const spec = parseSpec(`judges:\n  - {type: panel, judge: ${RUBRIC}, members: [${member('a')}, ${member('b')}]}\n`, 'spec.yaml');
    expect(spec.judges[0]).toMatchObject({
      type: 'panel',
      weight: 1,
      combine: 'mean',
      threshold: 0.5,
      judge: { type: 'rubric', empty_score: 0 },
    });
    expect(spec.judges[0]).not.toHaveProperty('quorum');
  });

  it('samples use judge_model; without one the judge model is missing', () => {
    expect(parseSpec(`${MODEL}judges:\n  - {type: panel, samples: 3, judge: ${RUBRIC}}\n`, 'spec.yaml').judges[0]).toMatchObject({
      samples: 3,
    });
    expect(problemsOf(`judges:\n  - {type: panel, samples: 3, judge: ${RUBRIC}}\n`)).toEqual([
      {
        path: 'judges[0].model',
        line: 2,
        message: 'expected a judge model: set judge_model at the top of the spec or model on this judge',
      },
    ]);
  });

  it('needs exactly one of members or samples', () => {
    expect(problemsOf(`${MODEL}judges:\n  - {type: panel, judge: ${RUBRIC}}\n`)).toEqual([
      { path: 'judges[0]', line: 3, message: 'expected exactly one of members (several models) or samples (k calls to one model)' },
    ]);
    expect(
      problemsOf(`${MODEL}judges:\n  - {type: panel, samples: 2, members: [${member('a')}, ${member('b')}], judge: ${RUBRIC}}\n`),
    ).toEqual([
      { path: 'judges[0]', line: 3, message: 'expected exactly one of members (several models) or samples (k calls to one model)' },
    ]);
  });

  it('checks the inner judge with the rubric rules, at judges[i].judge', () => {
    expect(problemsOf(`${MODEL}judges:\n  - type: panel\n    samples: 2\n    judge: {type: rubric}\n`)).toEqual([
      { path: 'judges[0].judge', line: 5, message: 'expected exactly one of criteria (pass/fail) or dimensions (scaled)' },
    ]);
    expect(problemsOf(`${MODEL}judges:\n  - {type: panel, samples: 2, judge: {type: group, criteria: x}}\n`).map((p) => p.path)).toEqual([
      'judges[0].judge.type',
    ]);
    expect(
      problemsOf(`${MODEL}judges:\n  - {type: panel, samples: 2, judge: {type: rubric, name: x, criteria: [{id: a, description: b}]}}\n`),
    ).toEqual([
      { path: 'judges[0].judge.name', line: 3, message: 'unknown field "name"; check the spelling (see schema/reward-spec.schema.json)' },
    ]);
  });

  it('rejects a quorum above the panel size, a repeated member model, a model beside members, and bounds', () => {
    expect(problemsOf(`${MODEL}judges:\n  - {type: panel, samples: 3, quorum: 4, judge: ${RUBRIC}}\n`)).toEqual([
      { path: 'judges[0].quorum', line: 3, message: 'expected at most the panel size (3), got 4' },
    ]);
    expect(problemsOf(`judges:\n  - {type: panel, members: [${member('a')}, ${member('a')}], judge: ${RUBRIC}}\n`)).toEqual([
      {
        path: 'judges[0].members[1].model',
        line: 2,
        message:
          'expected a model other than members[0] (same provider, model and base_url share one scheduler); use samples for repeated calls of one model',
      },
    ]);
    expect(
      problemsOf(
        `${MODEL}judges:\n  - {type: panel, model: {provider: openai, model: x}, members: [${member('a')}, ${member('b')}], judge: ${RUBRIC}}\n`,
      ),
    ).toEqual([{ path: 'judges[0].model', line: 3, message: 'expected no model beside members: give each member its model' }]);
    const paths = (judge: string) => problemsOf(`${MODEL}judges:\n  - ${judge}\n`).map((problem) => problem.path);
    expect(paths(`{type: panel, samples: 1, judge: ${RUBRIC}}`)).toEqual(['judges[0].samples']);
    expect(paths(`{type: panel, members: [${member('a')}], judge: ${RUBRIC}}`)).toEqual(['judges[0].members']);
    expect(paths(`{type: panel, samples: 2, threshold: 1.5, judge: ${RUBRIC}}`)).toEqual(['judges[0].threshold']);
    expect(paths(`{type: panel, samples: 2, combine: vote, judge: ${RUBRIC}}`)).toEqual(['judges[0].combine']);
  });
});
