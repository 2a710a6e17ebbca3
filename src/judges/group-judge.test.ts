/**
 * The group judge against the fake judge's group answerer (test/support/group-judge.ts), whose scores depend on the
 * rollout text: one call per group, scores normalised from the scale, position debiasing by orders, chunks aligned
 * by anchors, identical rollouts sharing a slot, the owner carrying every call, and a group of one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupJudgeCaller, groupJudgeReply, groupRollouts, type GroupScript } from '../../test/support/group-judge.js';
import { testSpec } from '../../test/support/test-spec.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { createRowContext, toRowView, type RowContext } from '../input/row-view.js';
import { createReward } from '../reward.js';
import { GroupJudgeSchema, InputSpecSchema, type GroupJudgeSpec } from '../spec/schema.js';
import { readFenced } from './fence.js';
import { createGroupJudge } from './group-judge.js';
import { canonicalUnits } from './group-orders.js';
import { isGroupJudge } from './judge.js';

const input = InputSpecSchema.parse({});
const spec = (parts: Record<string, unknown> = {}): GroupJudgeSpec =>
  GroupJudgeSchema.parse({ type: 'group', criteria: 'Correct and complete.', ...parts });
const judgeOf = (parts: Record<string, unknown> = {}) =>
  createGroupJudge(spec(parts), { name: 'quality', modelKey: 'openai-compatible:fake-judge', maxResponseChars: 1000 });
const member = (id: string, response: string, extra: Record<string, unknown> = {}): RowContext =>
  createRowContext(toRowView({ id, prompt: 'Explain why the sky is blue.', response, ...extra }, input, id));
/** Scores by text; unknown text is a test error. */
const scored =
  (scores: Record<string, number>): GroupScript['scoreOf'] =>
  (text) => {
    if (!(text in scores)) throw new Error(`no score for ${JSON.stringify(text)}`);
    return scores[text]!;
  };
const labels = (user: string) => groupRollouts(user).map((rollout) => rollout.label);

describe('one call per group', () => {
  const texts = ['seven', 'three', 'ten', 'zero'];
  const members = texts.map((text, index) => member(`secret-id-${index}`, text));
  const script = { scoreOf: scored({ seven: 7, three: 3, ten: 10, zero: 0 }) };

  it('shows the task and every rollout under a neutral label, never the ids, and scores each from its own text', async () => {
    const fake = groupJudgeCaller(script);
    const results = await judgeOf({ orders: 1 }).runGroup(members, fake.caller);
    expect(fake.requests).toHaveLength(1);
    const { user, system, schemaName, templateVersion } = fake.requests[0]!;
    const shown = ['rollout_a', 'rollout_b', 'rollout_c', 'rollout_d'].map((label) => readFenced(user, label));
    expect(shown).toEqual(canonicalUnits(texts).map((unit) => unit.text));
    expect([...shown].sort()).toEqual([...texts].sort());
    expect(readFenced(user, 'rollout_e')).toBeUndefined();
    expect(readFenced(user, 'reference')).toBeUndefined();
    expect(`${system}\n${user}`).not.toContain('secret-id');
    expect(schemaName).toBe('group_verdict');
    expect(templateVersion).toBe('group@1');
    expect(results.map((result) => result.score)).toEqual([0.7, 0.3, 1, 0]);
    expect(results.map((result) => result.status)).toEqual(['scored', 'scored', 'scored', 'scored']);
  });

  it('shows the reference when the group has one', async () => {
    const fake = groupJudgeCaller(script);
    await judgeOf({ orders: 1 }).runGroup(
      texts.map((text, index) => member(`m${index}`, text, { reference: 'Rayleigh scattering.' })),
      fake.caller,
    );
    expect(readFenced(fake.requests[0]!.user, 'reference')).toBe('Rayleigh scattering.');
  });

  it('gives the owner (the first member) every call record and the others none', async () => {
    const fake = groupJudgeCaller(script);
    const results = await judgeOf().runGroup(members, fake.caller);
    expect(fake.requests).toHaveLength(2);
    expect(results[0]!.calls!.map((call) => [call.label, call.template_version, call.usage])).toEqual([
      ['chunk 1 · order 1', 'group@1', { input_tokens: 400, output_tokens: 80 }],
      ['chunk 1 · order 2', 'group@1', { input_tokens: 400, output_tokens: 80 }],
    ]);
    expect(results.slice(1).map((result) => result.calls)).toEqual([[], [], []]);
    expect(results.map((result) => (result.details!.group as { owner: string }).owner)).toEqual(Array(4).fill('secret-id-0'));
    expect(fake.accepted).toBe(2);
  });

  it('writes each member’s component: score, rationale per call and slot, details', async () => {
    const fake = groupJudgeCaller(script);
    const results = await judgeOf().runGroup(members, fake.caller);
    expect(canonicalUnits(texts).map((unit) => unit.text)).toEqual(['ten', 'three', 'zero', 'seven']); // slots of order 1
    expect(results[0]).toEqual({
      name: 'quality',
      kind: 'judge',
      type: 'group',
      score: 0.7,
      weight: 1,
      status: 'scored',
      rationale: '[chunk 1 · order 1 · slot D] 7/10 — scripted score 7\n[chunk 1 · order 2 · slot A] 7/10 — scripted score 7',
      details: {
        group: {
          key: judgeOf().groupKey(members[0]!).slice(0, 12),
          rows: 4,
          judged: 4,
          slots: 4,
          chunks: 1,
          orders: 2,
          owner: 'secret-id-0',
          shares_slot_with: [],
          anchor: false,
        },
        slots_by_call: ['D', 'A'],
        raw_scores: [7, 7],
        scores_by_call: [0.7, 0.7],
        anchor_offset: 0,
        // order 1 by slot: 1, 0.3, 0, 0.7; order 2 (reversed): 0.7, 0, 0.3, 1
        position_bias: { mean_by_slot: [0.85, 0.15, 0.15, 0.85], first_minus_last: 0 },
        kendall_tau: 1,
      },
      calls: results[0]!.calls,
    });
    expect(results[2]!.details).toMatchObject({ slots_by_call: ['A', 'D'], raw_scores: [10, 10], scores_by_call: [1, 1] });
  });
});

describe('scale', () => {
  it('normalises a custom scale [1, 5] to [0, 1] and shows it to the judge', async () => {
    const fake = groupJudgeCaller({ scoreOf: scored({ best: 5, good: 4, poor: 2, worst: 1 }) });
    const results = await judgeOf({ scale: [1, 5], orders: 1 }).runGroup(
      ['best', 'good', 'poor', 'worst'].map((text, index) => member(`m${index}`, text)),
      fake.caller,
    );
    expect(results.map((result) => result.score)).toEqual([1, 0.75, 0.25, 0]);
    expect(fake.requests[0]!.user).toContain('give it a score:\nan integer from 1 (worst) to 5 (best).');
    expect(
      (fake.requests[0]!.schema as { properties: { rollouts: { properties: { A: unknown } } } }).properties.rollouts.properties.A,
    ).toEqual({
      type: 'object',
      properties: { rationale: { type: 'string' }, score: { type: 'integer', minimum: 1, maximum: 5 } },
      required: ['rationale', 'score'],
      additionalProperties: false,
    });
  });

  it('fails the whole group with out_of_scale when one score is off the scale (11 of 10): never clamped', async () => {
    const fake = groupJudgeCaller({ scoreOf: scored({ fine: 7, boosted: 11 }) });
    const results = await judgeOf({ orders: 1 }).runGroup([member('a', 'fine'), member('b', 'boosted')], fake.caller);
    expect(readFenced(fake.requests[0]!.user, 'rollout_a')).toBe('boosted');
    for (const result of results) {
      expect(result.score).toBeNull();
      expect(result.status).toBe('error');
      expect(result.error).toEqual({ kind: 'out_of_scale', message: 'chunk 1 · order 1: score outside the scale 0–10: A=11' });
    }
    expect(fake.accepted).toBe(0);
  });
});

describe('a wrong count is a parse_error for the group, never a guess', () => {
  const texts = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'];
  const members = texts.map((text, index) => member(`m${index}`, text));
  const scoreOf = () => 5;

  it('7 answers for 8 rollouts: every member errors, the owner keeps the records, nothing is accepted', async () => {
    const fake = groupJudgeCaller({ scoreOf, answerLabels: (all) => all.filter((label) => label !== 'H') });
    const results = await judgeOf().runGroup(members, fake.caller);
    expect(fake.requests).toHaveLength(2);
    expect(results.map((result) => [result.status, result.score, result.error])).toEqual(
      Array(8).fill(['error', null, { kind: 'parse_error', message: 'chunk 1 · order 1: missing score for rollout(s) H' }]),
    );
    expect(results[0]!.calls!.map((call) => call.error?.kind)).toEqual(['parse_error', 'parse_error']);
    expect(results.slice(1).every((result) => result.calls!.length === 0)).toBe(true);
    expect(results[3]!.details!.group).toMatchObject({ owner: 'm0', rows: 8, slots: 8 });
    expect(fake.accepted).toBe(0);
  });

  it('9 answers for 8 rollouts: parse_error naming the extra one', async () => {
    const fake = groupJudgeCaller({ scoreOf, answerLabels: (all) => [...all, 'I'] });
    const results = await judgeOf({ orders: 1 }).runGroup(members, fake.caller);
    expect(results[5]!.error).toEqual({
      kind: 'parse_error',
      message: 'chunk 1 · order 1: unexpected rollout(s) I: the group has 8 (A–H)',
    });
  });

  it('a failed call fails the group: the first error, prefixed with its call', async () => {
    const fake = groupJudgeCaller((request) => (request.index === 1 ? { status: 500 } : groupJudgeReply(request, { scoreOf })));
    const results = await judgeOf().runGroup(members.slice(0, 3), fake.caller);
    expect(results.map((result) => result.error)).toEqual(
      Array(3).fill({ kind: 'server_error', message: 'chunk 1 · order 2: fake judge answered HTTP 500', status: 500 }),
    );
    expect(results[0]!.calls).toHaveLength(2);
  });
});

describe('orders: position debiasing', () => {
  const texts = ['alpha', 'bravo', 'charlie', 'delta'];
  const members = texts.map((text, index) => member(`m${index}`, text));
  // the true score rises with the canonical slot: 1, 2, 3, 4; the judge adds b·(m−1−slot) with b = 2
  const canonical = canonicalUnits(texts).map((unit) => unit.text);
  const script: GroupScript = {
    scoreOf: (text) => canonical.indexOf(text) + 1,
    slotBias: (slot, size) => 2 * (size - 1 - slot),
  };
  const byCanonical = (values: Array<number | null>) => canonical.map((text) => values[texts.indexOf(text)]);

  it('one order keeps the slot bias: here it reverses the true ranking', async () => {
    const results = await judgeOf({ orders: 1 }).runGroup(members, groupJudgeCaller(script).caller);
    expect(byCanonical(results.map((result) => result.score))).toEqual([0.7, 0.6, 0.5, 0.4]);
    expect(results[0]!.details).toMatchObject({
      position_bias: { mean_by_slot: [0.7, 0.6, 0.5, 0.4], first_minus_last: 0.3 },
      kendall_tau: null,
      kendall_tau_reason: 'one order judged: no second order to compare with',
    });
  });

  it('two orders give the true ranking, every rollout shifted by the same b(m−1)/2; bias and τ in the details', async () => {
    const results = await judgeOf({ orders: 2 }).runGroup(members, groupJudgeCaller(script).caller);
    expect(byCanonical(results.map((result) => result.score))).toEqual([0.4, 0.5, 0.6, 0.7]); // (1…4 + 3) / 10
    const first = results[texts.indexOf(canonical[0]!)]!;
    expect(first.details).toMatchObject({
      slots_by_call: ['A', 'D'],
      raw_scores: [7, 1],
      scores_by_call: [0.7, 0.1],
      position_bias: { mean_by_slot: [0.85, 0.65, 0.45, 0.25], first_minus_last: 0.6 },
      kendall_tau: -1,
    });
  });

  it('more orders add rotations; 4 rollouts under orders 4 make 4 calls', async () => {
    const fake = groupJudgeCaller(script);
    const results = await judgeOf({ orders: 4 }).runGroup(members, fake.caller);
    expect(fake.requests).toHaveLength(4);
    const firstSlot = fake.requests.map((request) => canonical.indexOf(readFenced(request.user, 'rollout_a')!));
    expect(firstSlot).toEqual([0, 3, 1, 2]); // identity, reversal, rotations by ⌊4/3⌋ = 1 and ⌊8/3⌋ = 2
    expect(results[0]!.details!.group).toMatchObject({ orders: 4 });
  });
});

describe('max_group: chunks aligned by anchors', () => {
  const texts = Array.from({ length: 12 }, (_, index) => `rollout number ${index}`);
  const truth = (text: string) => (Number(text.split(' ')[2]) % 8) + 1; // 1 … 8
  const canonical = canonicalUnits(texts).map((unit) => unit.text);
  const secondChunk = new Set(canonical.slice(7));
  const members = texts.map((text, index) => member(`m${index}`, text));

  it('splits 12 rollouts (max_group 8, anchors 2) into 2 chunks of 7 and 4 calls; a shifted chunk is aligned back exactly', async () => {
    const fake = groupJudgeCaller({ scoreOf: truth, callShift: (shown) => (shown.some((text) => secondChunk.has(text)) ? 2 : 0) });
    const results = await judgeOf({ max_group: 8, anchors: 2 }).runGroup(members, fake.caller);
    expect(fake.requests.map((request) => labels(request.user).length)).toEqual([7, 7, 7, 7]);
    expect(results[0]!.calls!.map((call) => call.label)).toEqual([
      'chunk 1 · order 1',
      'chunk 1 · order 2',
      'chunk 2 · order 1',
      'chunk 2 · order 2',
    ]);
    expect(results.map((result) => result.score)).toEqual(texts.map((text) => truth(text) / 10));
    const detailsOf = (text: string) => results[texts.indexOf(text)]!.details!;
    expect(detailsOf(canonical[8]!)).toMatchObject({ anchor_offset: -0.2, group: { chunks: 2, slots: 12, anchor: false } });
    expect(detailsOf(canonical[3]!)).toMatchObject({ anchor_offset: 0, group: { anchor: false } });
    expect(detailsOf(canonical[0]!)).toMatchObject({ anchor_offset: -0.1, group: { anchor: true } });
    expect((detailsOf(canonical[0]!).raw_scores as number[]).map((score) => score - truth(canonical[0]!))).toEqual([0, 0, 2, 2]);
  });
});

describe('identical rollouts share one slot', () => {
  it('4 rows, 2 identical → 3 labels; the identical ones get the same score and name each other', async () => {
    const fake = groupJudgeCaller({ scoreOf: scored({ same: 6, other: 2, third: 9 }) });
    const results = await judgeOf().runGroup(
      [member('a', 'same'), member('b', 'other'), member('c', 'same'), member('d', 'third')],
      fake.caller,
    );
    expect(fake.requests.map((request) => labels(request.user))).toEqual([
      ['A', 'B', 'C'],
      ['A', 'B', 'C'],
    ]);
    expect(results.map((result) => result.score)).toEqual([0.6, 0.2, 0.6, 0.9]);
    expect(results.map((result) => (result.details!.group as { shares_slot_with: string[] }).shares_slot_with)).toEqual([
      ['c'],
      [],
      ['a'],
      [],
    ]);
    expect(results[0]!.details!.group).toMatchObject({ rows: 4, slots: 3 });
  });
});

describe('a group of one', () => {
  it('run(row) judges the row alone with the same template: one call, one label', async () => {
    const judge = judgeOf();
    expect(isGroupJudge(judge)).toBe(true);
    const fake = groupJudgeCaller({ scoreOf: () => 8 });
    const result = await judge.run(member('solo', 'a lone answer'), fake.caller);
    expect(fake.requests).toHaveLength(1);
    expect(labels(fake.requests[0]!.user)).toEqual(['A']);
    expect(result).toMatchObject({
      score: 0.8,
      status: 'scored',
      details: {
        group: { rows: 1, slots: 1, chunks: 1, orders: 1, owner: 'solo', shares_slot_with: [], anchor: false },
        kendall_tau: null,
        kendall_tau_reason: 'fewer than 2 distinct rollouts: no ranking to compare',
        position_bias: { mean_by_slot: [0.8], first_minus_last: null },
      },
    });
    expect(judge.prompts(member('solo', 'a lone answer'))).toEqual([{ label: 'chunk 1 · order 1', request: fake.requests[0] }]);
  });
});

describe('a spec built by hand', () => {
  it('is still checked: an inverted scale or anchors filling a chunk throw, naming the field', () => {
    expect(() => judgeOf({ scale: [10, 0] })).toThrow('scale: expected [worst, best] with worst < best, got [10, 0]');
    expect(() => judgeOf({ max_group: 3, anchors: 3 })).toThrow('anchors: expected at most max_group − 1 (2), got 3');
  });
});

describe('groupKey and groupPrompts', () => {
  it('keys rows by group id, system, prompt, reference and the metadata the template shows', () => {
    const judge = judgeOf();
    const key = judge.groupKey(member('a', 'x', { reference: 'r' }));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(judge.groupKey(member('b', 'y', { reference: 'r', note: 'n' }))).toBe(key);
    expect(judge.groupKey(member('c', 'x', { reference: 'other' }))).not.toBe(key);
    expect(judge.groupKey(member('d', 'x', { reference: 'r', group_id: 'g' }))).not.toBe(key);
  });

  it('gives the same calls whatever the input order (the cache key follows), another orderSeed another order', () => {
    const judge = judgeOf();
    const members = ['one', 'two', 'three'].map((text, index) => member(`m${index}`, text));
    const prompts = judge.groupPrompts(members);
    expect(prompts.map((prompt) => prompt.label)).toEqual(['chunk 1 · order 1', 'chunk 1 · order 2']);
    expect(judge.groupPrompts([members[2]!, members[0]!, members[1]!])).toEqual(prompts);
    expect(judge.groupPrompts(members, { orderSeed: '' })).toEqual(prompts);
    const seeded = canonicalUnits(['one', 'two', 'three'], 'noise-1').map((unit) => unit.text);
    expect(judge.groupPrompts(members, { orderSeed: 'noise-1' }).map((prompt) => readFenced(prompt.request.user, 'rollout_a'))).toEqual([
      seeded[0],
      seeded[2],
    ]);
  });

  it('a template that needs the reference leaves a group without one unjudged: undetermined, no_reference, no call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-group-ref-'));
    const path = join(dir, 'needs-reference.yaml');
    writeFileSync(path, 'version: mine@1\nsystem: judge\nuser: "{{prompt}} {{reference}} {{rollouts}} {{criteria}} {{output_format}}"\n');
    const judge = judgeOf({ template: path });
    const fake = groupJudgeCaller({ scoreOf: () => 5 });
    const results = await judge.runGroup([member('a', 'x'), member('b', 'y')], fake.caller);
    expect(fake.requests).toHaveLength(0);
    expect(judge.groupPrompts([member('a', 'x')])).toEqual([]);
    expect(results.map((result) => [result.status, result.score, result.details, result.calls])).toEqual(
      Array(2).fill(['undetermined', null, { no_reference: true, missing: 'reference' }, []]),
    );
    expect(await judge.runGroup([], fake.caller)).toEqual([]);
  });
});

describe('through reward.score (a row scored alone)', () => {
  const fakeJudge = useFakeJudge();

  it('is a group of one: one request with label A, template_version group@1', async () => {
    fakeJudge.setScript((request) => groupJudgeReply(request, { scoreOf: (text) => (text.includes('scattering') ? 9 : 2) }));
    const reward = createReward(testSpec(fakeJudge.url, { judges: [{ type: 'group', name: 'quality', criteria: 'Correct physics.' }] }));
    const result = await reward.score({ id: 'r1', prompt: 'Why is the sky blue?', response: 'Rayleigh scattering.' });
    expect(fakeJudge.requests).toHaveLength(1);
    expect(labels(fakeJudge.requests[0]!.user)).toEqual(['A']);
    expect(result.reward).toBe(0.9);
    expect(result.components[0]!.calls!.map((call) => [call.label, call.template_version])).toEqual([['chunk 1 · order 1', 'group@1']]);
  });
});
