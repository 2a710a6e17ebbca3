/** The `type: group` judge in a spec: its defaults, and each cross-field rule reported at its own field. */
import { describe, expect, it } from 'vitest';
import { parseSpec } from './load-spec.js';
import { SpecError, type SpecProblem } from './spec-error.js';

const MODEL = 'judge_model: {provider: openai-compatible, model: m, base_url: "http://127.0.0.1:8000/v1"}\n';

function problemsOf(judge: string): Array<Pick<SpecProblem, 'path' | 'message'>> {
  try {
    parseSpec(`${MODEL}judges:\n  - {type: rubric, criteria: [{id: ok, description: fine}]}\n  - ${judge}\n`, 'spec.yaml');
  } catch (error) {
    if (SpecError.isInstance(error)) return error.problems.map(({ path, message }) => ({ path, message }));
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('type: group', () => {
  it('defaults scale 0–10, orders 2, max_group 8, anchors 2, weight 1', () => {
    const spec = parseSpec(`${MODEL}judges:\n  - {type: group, criteria: "Correct first, then brief."}\n`, 'spec.yaml');
    expect(spec.judges[0]).toEqual({
      type: 'group',
      criteria: 'Correct first, then brief.',
      weight: 1,
      scale: [0, 10],
      orders: 2,
      max_group: 8,
      anchors: 2,
    });
  });

  it('reads input.group_id without a default', () => {
    const spec = parseSpec(`${MODEL}input: {group_id: episode}\njudges:\n  - {type: group, criteria: x}\n`, 'spec.yaml');
    expect(spec.input.group_id).toBe('episode');
    expect(parseSpec(`${MODEL}judges:\n  - {type: group, criteria: x}\n`, 'spec.yaml').input).not.toHaveProperty('group_id');
  });

  it('rejects a scale whose worst is not below its best, at judges[i].scale', () => {
    expect(problemsOf('{type: group, criteria: x, scale: [5, 5]}')).toEqual([
      { path: 'judges[1].scale', message: 'expected [worst, best] with worst < best, got [5, 5]' },
    ]);
  });

  it('rejects anchors that leave no new rollout in a chunk, at judges[i].anchors', () => {
    expect(problemsOf('{type: group, criteria: x, max_group: 4, anchors: 4}')).toEqual([
      { path: 'judges[1].anchors', message: 'expected at most max_group − 1 (3) so each chunk holds a new rollout, got 4' },
    ]);
    expect(problemsOf('{type: group, criteria: x, max_group: 2}')).toEqual([
      { path: 'judges[1].anchors', message: 'expected at most max_group − 1 (1) so each chunk holds a new rollout, got 2' },
    ]);
    expect(parseSpec(`${MODEL}judges:\n  - {type: group, criteria: x, max_group: 2, anchors: 1}\n`, 'spec.yaml').judges[0]).toMatchObject({
      max_group: 2,
      anchors: 1,
    });
  });

  it('bounds orders (1–8) and max_group (2–26: labels A–Z), and needs criteria', () => {
    expect(problemsOf('{type: group, criteria: x, orders: 9}').map((problem) => problem.path)).toEqual(['judges[1].orders']);
    expect(problemsOf('{type: group, criteria: x, orders: 0}').map((problem) => problem.path)).toEqual(['judges[1].orders']);
    expect(problemsOf('{type: group, criteria: x, max_group: 27}').map((problem) => problem.path)).toEqual(['judges[1].max_group']);
    expect(problemsOf('{type: group, criteria: x, scale: [0.5, 10]}').map((problem) => problem.path)).toEqual(['judges[1].scale[0]']);
    expect(problemsOf('{type: group}').map((problem) => problem.path)).toEqual(['judges[1].criteria']);
    expect(problemsOf('{type: group, criteria: x, position: both}')).toEqual([
      { path: 'judges[1].position', message: 'unknown field "position"; check the spelling (see schema/reward-spec.schema.json)' },
    ]);
  });
});
