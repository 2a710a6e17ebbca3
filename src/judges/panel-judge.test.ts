/**
 * The panel judge against scripted callers (no HTTP): one inner judge per member, each run with the caller of its
 * model (and, for samples, its sample index), the quorum rule, undetermined members (no reference), prompts for
 * dry runs, and a panel run without member callers.
 */
import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView, type RowContext } from '../input/row-view.js';
import type { ComponentError } from '../result.js';
import type { JudgeCall } from '../runtime/judge-call.js';
import { InputSpecSchema, PanelJudgeSchema, type ModelSpec, type PanelJudgeSpec } from '../spec/schema.js';
import type { CallerFor, JudgeCaller } from './judge.js';
import { createPanelJudge, panelMembers } from './panel-judge.js';

const input = InputSpecSchema.parse({});
const RUBRIC = { type: 'rubric', criteria: [{ id: 'correct', description: 'The answer is right.' }] };
const model = (name: string) => ({ model: { provider: 'openai-compatible', model: name } });
const panel = (parts: Record<string, unknown>): PanelJudgeSpec => PanelJudgeSchema.parse({ type: 'panel', judge: RUBRIC, ...parts });
const row = (extra: Record<string, unknown> = {}): RowContext =>
  createRowContext(toRowView({ id: 'r1', prompt: 'What is 2+2?', response: '4', ...extra }, input, 'r1'));

function reply(model: string, text: string): JudgeCall {
  const usage = { input_tokens: 7, output_tokens: 3 };
  return {
    source: 'model',
    model,
    attempts: 1,
    latencyMs: 5,
    usage,
    accept: () => {},
    ok: true,
    reply: { text, finishReason: 'stop', usage },
  };
}
function failure(model: string, error: ComponentError): JudgeCall {
  return {
    source: 'model',
    model,
    attempts: 1,
    latencyMs: 5,
    usage: { input_tokens: 0, output_tokens: 0 },
    accept: () => {},
    ok: false,
    error,
  };
}
const pass = (passed: boolean) => JSON.stringify({ criteria: { correct: { rationale: passed ? 'yes' : 'no', pass: passed } } });

/** A CallerFor whose answer depends on the model key and sample; records each (key, sample) asked for. */
function callers(answer: (key: string, sample: number | undefined) => JudgeCall): { callerFor: CallerFor; asked: string[] } {
  const asked: string[] = [];
  const callerFor: CallerFor = (key, sample) => {
    asked.push(`${key}#${sample ?? '-'}`);
    return () => Promise.resolve(answer(key, sample));
  };
  return { callerFor, asked };
}
const unused: JudgeCaller = () => Promise.reject(new Error('the panel must use callerFor'));
const options = { name: 'panel', maxResponseChars: 1000 };

describe('panelMembers', () => {
  it('one member per model, or k samples of the judge model', () => {
    expect(panelMembers(panel({ members: [model('a'), model('b')] }), undefined).map((member) => member.label)).toEqual([
      'member 1',
      'member 2',
    ]);
    const sampled = panelMembers(panel({ samples: 3 }), model('s').model as ModelSpec);
    expect(sampled.map(({ label, sample }) => [label, sample])).toEqual([
      ['sample 1', 0],
      ['sample 2', 1],
      ['sample 3', 2],
    ]);
    expect(() => panelMembers(panel({ samples: 3 }), undefined)).toThrow('expected members, or samples with a judge model');
  });
});

describe('createPanelJudge', () => {
  it('runs each member with the caller of its model, and combines by the mean', async () => {
    const judge = createPanelJudge(panel({ members: [model('a'), model('b'), model('c')] }), undefined, options);
    const { callerFor, asked } = callers((key) => reply(key, pass(key !== 'openai-compatible:c')));
    const result = await judge.run(row(), unused, callerFor);
    expect(asked).toEqual(['openai-compatible:a#-', 'openai-compatible:b#-', 'openai-compatible:c#-']);
    expect(result).toMatchObject({ name: 'panel', type: 'panel', score: 2 / 3, status: 'scored' });
    expect(result.details).toMatchObject({ quorum: 2, scored: 3, failed: 0, passed: true, agreement: 0.666667, score_std: 0.471405 });
    expect(result.rationale).toBe('[member 1] correct: PASS — yes\n[member 2] correct: PASS — yes\n[member 3] correct: FAIL — no');
    expect(result.calls!.map((call) => [call.label, call.model])).toEqual([
      ['member 1: answer', 'openai-compatible:a'],
      ['member 2: answer', 'openai-compatible:b'],
      ['member 3: answer', 'openai-compatible:c'],
    ]);
  });

  it('samples: each sample asks under its own sample index', async () => {
    const judge = createPanelJudge(panel({ samples: 3, combine: 'unanimity' }), model('s').model as ModelSpec, options);
    const { callerFor, asked } = callers((key, sample) => reply(key, pass(sample !== 1)));
    const result = await judge.run(row(), unused, callerFor);
    expect(asked).toEqual(['openai-compatible:s#0', 'openai-compatible:s#1', 'openai-compatible:s#2']);
    expect([result.score, result.details?.agreement]).toEqual([0, 0.333333]);
  });

  it('a failed member is left out while the quorum holds; below it the panel is an error naming the member', async () => {
    const down = { kind: 'server_error', message: 'HTTP 500', status: 500 } as const;
    const answer = (key: string) => (key === 'openai-compatible:b' ? failure(key, down) : reply(key, pass(true)));
    const three = createPanelJudge(panel({ members: [model('a'), model('b'), model('c')] }), undefined, options);
    const held = await three.run(row(), unused, callers(answer).callerFor);
    expect([held.status, held.score, held.details?.scored, held.details?.failed]).toEqual(['scored', 1, 2, 1]);
    expect((held.details?.members as unknown[])[1]).toEqual({
      member: 'member 2',
      model: 'openai-compatible:b',
      score: null,
      status: 'error',
      error: { ...down, message: 'answer: HTTP 500' },
    });

    const strict = createPanelJudge(panel({ members: [model('a'), model('b'), model('c')], quorum: 3 }), undefined, options);
    const lost = await strict.run(row(), unused, callers(answer).callerFor);
    expect([lost.status, lost.score]).toEqual(['error', null]);
    expect(lost.error).toEqual({
      kind: 'server_error',
      status: 500,
      message: 'quorum not met: 2 of 3 members scored (quorum 3); member 2: answer: HTTP 500',
    });
    expect(lost.calls).toHaveLength(3);
  });

  it('a member that throws counts as failed', async () => {
    const judge = createPanelJudge(panel({ members: [model('a'), model('b')] }), undefined, options);
    const callerFor: CallerFor = (key) =>
      key === 'openai-compatible:a' ? () => Promise.reject(new Error('boom')) : () => Promise.resolve(reply(key, pass(true)));
    const result = await judge.run(row(), unused, callerFor);
    expect(result.error).toEqual({ kind: 'unknown', message: 'quorum not met: 1 of 2 members scored (quorum 2); member 1: boom' });
  });

  it('members that cannot judge (no reference) make the panel undetermined, flagged no_reference, with no calls', async () => {
    const judge = createPanelJudge(
      panel({ members: [model('a'), model('b')], judge: { type: 'preference', criteria: 'Which is right?' } }),
      undefined,
      options,
    );
    const { callerFor, asked } = callers((key) => reply(key, '{}'));
    const result = await judge.run(row(), unused, callerFor);
    expect(asked).toEqual(['openai-compatible:a#-', 'openai-compatible:b#-']);
    expect(result).toMatchObject({ status: 'undetermined', score: null, calls: [] });
    expect(result.details).toMatchObject({ no_reference: true, missing: 'reference', scored: 0, failed: 0 });
    expect(result.rationale).toBe(
      'quorum not met: 0 of 2 members scored (quorum 2); not judged: no reference — reference is missing or empty in this row',
    );
  });

  it('prompts: every member’s prompts, labelled with the member (dry run)', () => {
    const judge = createPanelJudge(panel({ members: [model('a'), model('b')] }), undefined, options);
    expect(judge.prompts(row()).map((prompt) => prompt.label)).toEqual(['member 1: answer', 'member 2: answer']);
    expect(judge.modelKey).toBe('openai-compatible:a');
  });

  it('without member callers the panel cannot run', () => {
    const judge = createPanelJudge(panel({ members: [model('a'), model('b')] }), undefined, options);
    expect(() => judge.run(row(), unused)).toThrow('a panel judge needs a caller for each member model (callerFor)');
  });
});
