/**
 * Dry-run plans with a group judge: per-row plans carry the other judges' prompts, each group of the rows one
 * entry with its judged members and its prompts (orders × chunks); gated, empty and unreadable rows are in no group.
 */
import { describe, expect, it } from 'vitest';
import { testSpec } from '../test/support/test-spec.js';
import { groupRollouts } from '../test/support/group-judge.js';
import { createReward } from './reward.js';

const spec = testSpec('http://127.0.0.1:9/v1', {
  checks: [{ type: 'json', name: 'format', gate: true }],
  judges: [
    { type: 'rubric', name: 'quality', criteria: [{ id: 'correct', description: 'correct' }] },
    { type: 'group', name: 'rank', criteria: 'The larger number is better.' },
  ],
});

describe('planGroups', () => {
  it('plans one entry per group with its members and prompts, and per-row prompts for the other judges', async () => {
    const reward = createReward(spec);
    const rows = [
      { id: 'a1', prompt: 'A?', response: '{"n": 1}' },
      { id: 'b1', prompt: 'B?', response: '{"n": 2}' },
      { id: 'a2', prompt: 'A?', response: 'not json' },
      { id: 'a3', prompt: 'A?', response: '{"n": 3}' },
      { id: 'e1', prompt: 'A?', response: '' },
      'not a row',
    ].map((row, index) => ({ row, fallbackId: `line-${index + 1}` }));
    const plan = await reward.planGroups(rows);
    expect(
      plan.rows.map((row) => [row.id, row.gatedBy, row.empty, row.error?.field ?? null, row.prompts.map((prompt) => prompt.judge)]),
    ).toEqual([
      ['a1', null, false, null, ['quality']],
      ['b1', null, false, null, ['quality']],
      ['a2', 'format', false, null, ['quality']],
      ['a3', null, false, null, ['quality']],
      ['e1', null, true, null, ['quality']],
      ['line-6', null, false, 'row', []],
    ]);
    expect(plan.groups.map((group) => [group.judge, group.members, group.prompts.map((prompt) => prompt.label)])).toEqual([
      ['rank', ['a1', 'a3'], ['chunk 1 · order 1', 'chunk 1 · order 2']],
      ['rank', ['b1'], ['chunk 1 · order 1']],
    ]);
    expect(
      groupRollouts(plan.groups[0]!.prompts[0]!.request.user)
        .map((rollout) => rollout.text)
        .sort(),
    ).toEqual(['{"n": 1}', '{"n": 3}']);
    expect(plan.groups[0]!.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('plan(row) shows a group judge as a group of one', async () => {
    const plan = await createReward(spec).plan({ id: 'a1', prompt: 'A?', response: '{"n": 1}' });
    expect(plan.prompts.map((prompt) => [prompt.judge, prompt.label])).toEqual([
      ['quality', 'answer'],
      ['rank', 'chunk 1 · order 1'],
    ]);
    expect(groupRollouts(plan.prompts[1]!.request.user).map((rollout) => rollout.label)).toEqual(['A']);
  });
});
