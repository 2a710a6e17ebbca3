/**
 * The plan's parts on their own: a group judge's call count for a group size (chunks × orders), the least wall time
 * and its binding limit, and the dry run's attribution of a panel's calls to each member's model (samples of one
 * model ask apart, so they are not deduplicated).
 */
import { describe, expect, it } from 'vitest';
import { groupCallCount } from '../src/plan/group-calls.js';
import { sampleUsage } from '../src/plan/sample-usage.js';
import { leastWallTime } from '../src/plan/wall-time.js';
import { validateSpecObject } from '../src/spec/load-spec.js';

describe('groupCallCount', () => {
  it.each([
    [{ orders: 2, max_group: 8, anchors: 2 }, 1, 1], // one slot: one order
    [{ orders: 2, max_group: 8, anchors: 2 }, 4, 2],
    [{ orders: 3, max_group: 8, anchors: 2 }, 2, 2], // two slots have only two orders
    [{ orders: 2, max_group: 8, anchors: 2 }, 8, 2],
    [{ orders: 2, max_group: 8, anchors: 2 }, 10, 4], // 2 anchors + 8 others in 2 chunks of 6, 2 orders each
    [{ orders: 1, max_group: 4, anchors: 1 }, 10, 3], // 1 anchor + 9 others in 3 chunks of 4
    [{ orders: 2, max_group: 8, anchors: 2 }, 0, 0],
  ])('%j, %i rollouts: %i calls', (spec, size, calls) => {
    expect(groupCallCount(spec, size)).toBe(calls);
  });
});

describe('leastWallTime', () => {
  const limits = { concurrency: 10, requests_per_minute: 120, tokens_per_minute: 60000 };
  it('takes the largest of the three times and names it', () => {
    expect(leastWallTime({ calls: 95, tokens: 20000 }, limits, 1500)).toEqual({
      concurrency_s: 15, // ⌈95 / 10⌉ × 1.5 s
      requests_per_minute_s: 47.5,
      tokens_per_minute_s: 20,
      least_s: 47.5,
      binds: 'requests_per_minute',
    });
    expect(leastWallTime({ calls: 95, tokens: 90000 }, limits, 1500)).toMatchObject({ least_s: 90, binds: 'tokens_per_minute' });
    expect(leastWallTime({ calls: 95, tokens: 20000 }, limits, 6000)).toMatchObject({ least_s: 60, binds: 'concurrency' });
  });
  it('without a latency or budgets nothing is known', () => {
    expect(
      leastWallTime({ calls: 95, tokens: 20000 }, { concurrency: 10, requests_per_minute: null, tokens_per_minute: null }, null),
    ).toEqual({
      concurrency_s: null,
      requests_per_minute_s: null,
      tokens_per_minute_s: null,
      least_s: null,
      binds: null,
    });
  });
});

describe('sampleUsage with a panel judge', () => {
  const model = (name: string, maxTokens: number) => ({
    provider: 'openai-compatible',
    model: name,
    base_url: 'http://127.0.0.1:9/v1',
    max_tokens: maxTokens,
  });
  const rows = [
    { row: { prompt: 'Say hi.', response: 'hi' }, fallbackId: 'r1' },
    { row: { prompt: 'Say hi.', response: 'hi' }, fallbackId: 'r2' }, // the same prompts as r1: asked once
  ];
  const criteria = [{ id: 'ok', description: 'fine' }];

  it('counts each member against its own model', async () => {
    const spec = validateSpecObject({
      judges: [
        {
          type: 'panel',
          name: 'jury',
          judge: { type: 'rubric', criteria },
          members: [{ model: model('m1', 100) }, { model: model('m2', 300) }],
        },
      ],
    });
    const usage = await sampleUsage(spec, rows, { groupSize: 1 });
    expect(
      usage.models.map((entry) => [entry.model, entry.perJudgedRow.requested, entry.perJudgedRow.sent, entry.perJudgedRow.output_tokens]),
    ).toEqual([
      ['openai-compatible:m1@http://127.0.0.1:9/v1', 1, 0.5, 50],
      ['openai-compatible:m2@http://127.0.0.1:9/v1', 1, 0.5, 150],
    ]);
  });

  it('samples of one model are separate calls (their own cache namespace); identical rows still share', async () => {
    const spec = validateSpecObject({
      judge_model: model('m1', 100),
      judges: [{ type: 'panel', name: 'jury', judge: { type: 'rubric', criteria }, samples: 3 }],
    });
    const usage = await sampleUsage(spec, rows, { groupSize: 1, outputTokens: 10 });
    expect(usage.models).toHaveLength(1);
    expect(usage.models[0]!.perJudgedRow).toMatchObject({ requested: 3, sent: 1.5, output_tokens: 15 });
  });
});
