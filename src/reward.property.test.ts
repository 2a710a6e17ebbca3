/**
 * Property tests (fast-check): whatever the row and whatever the judge answers, `score` returns a finite
 * reward inside the range — or a per-row error naming the field — and never throws.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJudge, type FakeJudge, type FakeReply } from '../test/support/fake-judge-server.js';
import { testSpec } from '../test/support/test-spec.js';
import type { RewardResult } from './result.js';
import { createReward } from './reward.js';

let judge: FakeJudge;
let replies: FakeReply[] = [];
beforeAll(async () => {
  judge = await startFakeJudge(() => replies.shift() ?? { content: '{}' });
});
afterAll(() => judge.close());

const RANGE: [number, number] = [-2, 3];

function assertWellFormed(result: RewardResult): void {
  if (result.reward === null) {
    expect(result.error?.field).toBeTypeOf('string');
    expect(result.error!.message.length).toBeGreaterThan(0);
    return;
  }
  expect(Number.isFinite(result.reward)).toBe(true);
  expect(result.reward).toBeGreaterThanOrEqual(RANGE[0]);
  expect(result.reward).toBeLessThanOrEqual(RANGE[1]);
  for (const value of Object.values(result.metrics)) expect(Number.isFinite(value)).toBe(true);
  for (const component of result.components) {
    if (component.score !== null) {
      expect(component.score).toBeGreaterThanOrEqual(0);
      expect(component.score).toBeLessThanOrEqual(1);
    }
  }
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(''), fc.constant('   '), fc.json());
const message = fc.record({
  role: fc.oneof(fc.constantFrom('system', 'user', 'assistant', 'nova_assistant'), fc.string()),
  content: fc.oneof(text, fc.anything()),
});
const novaRow = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
    messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.anything()),
    reference_answer: fc.oneof(text, fc.anything()),
    metadata: fc.anything(),
  },
  { requiredKeys: ['messages'] },
);
const plainRow = fc.record(
  { id: fc.anything(), prompt: fc.oneof(text, fc.anything()), response: fc.oneof(text, fc.anything()), reference: fc.anything() },
  { requiredKeys: [] },
);
const row = fc.oneof(novaRow, plainRow, fc.anything());

const judgeReply: fc.Arbitrary<FakeReply> = fc.oneof(
  fc.record({ content: fc.oneof(fc.string(), fc.json()) }),
  fc.record({
    content: fc
      .record({
        a: fc.oneof(fc.boolean(), fc.string(), fc.integer()),
        b: fc.oneof(fc.integer({ min: -3, max: 9 }), fc.string(), fc.double()),
      })
      .map(({ a, b }) => JSON.stringify({ criteria: { ok: { pass: a } }, dimensions: { level: { score: b } } })),
  }),
  fc.constantFrom<FakeReply>({ status: 400 }, { status: 500 }, { content: '', finishReason: 'length' }, { raw: 'nope' }),
);

describe('score never throws and stays in range', () => {
  it('for arbitrary rows and judge replies', async () => {
    const spec = testSpec(
      judge.url,
      {
        checks: [
          { type: 'json', gate: { min_score: 1, floor: -1 } },
          { type: 'length', unit: 'chars', min: 2, max: 40 },
          { type: 'safety' },
          { type: 'grounding', quotes: 'response_json.quotes[*]', source: 'prompt' },
          { type: 'match', mode: 'numeric', tolerance: 0.5 },
          { type: 'language', expect: 'en' },
        ],
        judges: [
          { type: 'rubric', name: 'criteria_judge', criteria: [{ id: 'ok', description: 'ok' }] },
          { type: 'rubric', name: 'scale_judge', foreach: 'response_json.items', dimensions: [{ id: 'level', description: 'level' }] },
        ],
        aggregate: { range: RANGE },
      },
      { max_retries: 0 },
    );
    const reward = createReward(spec);
    await fc.assert(
      fc.asyncProperty(row, fc.array(judgeReply, { maxLength: 6 }), async (input, scripted) => {
        replies = [...scripted];
        assertWellFormed(await reward.score(input));
      }),
      { numRuns: 300 },
    );
  });

  it('for JSON responses that pass the gate and reach the judges', async () => {
    const spec = testSpec(
      judge.url,
      {
        checks: [{ type: 'json', gate: true }],
        judges: [{ type: 'rubric', foreach: 'response_json.items', dimensions: [{ id: 'level', description: 'level' }] }],
        aggregate: { range: RANGE },
      },
      { max_retries: 0 },
    );
    const reward = createReward(spec);
    const response = fc.record({ items: fc.array(fc.anything(), { maxLength: 3 }) }).map((value) => JSON.stringify(value));
    await fc.assert(
      fc.asyncProperty(response, fc.array(judgeReply, { maxLength: 4 }), async (body, scripted) => {
        replies = [...scripted];
        assertWellFormed(await reward.score({ prompt: 'p', response: body }));
      }),
      { numRuns: 200 },
    );
  });
});
