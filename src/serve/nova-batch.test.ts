import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../result.js';
import { sampleIdOf, samplesOf, unscoredBatch } from './nova-batch.js';
import { toNovaResult } from './nova-result.js';

describe('samplesOf', () => {
  const sample = { id: 's', messages: [{ role: 'assistant', content: 'x' }] };
  it.each([
    ['a bare array', [sample, 1], [sample, 1], undefined],
    ['an empty array', [], [], undefined],
    [
      'a JSON string of an array',
      JSON.stringify([sample]),
      [sample],
      'event: expected a JSON array of samples, got it JSON-encoded in a string (decoded and scored)',
    ],
    [
      'one sample object',
      sample,
      [sample],
      'event: expected a JSON array of samples, got a single sample object (scored as a batch of one; the reply is still an array)',
    ],
    [
      'an object without messages',
      { body: '[]' },
      [],
      'event: expected a JSON array of samples [{id, messages, …}], got an object with keys ["body"]; replied with []',
    ],
    [
      'a string that is not JSON',
      'hello',
      [],
      'event: expected a JSON array of samples [{id, messages, …}], got a string that is not JSON',
    ],
    ['null', null, [], 'event: expected a JSON array of samples [{id, messages, …}], got null; replied with []'],
    [
      'a doubly encoded string',
      JSON.stringify(JSON.stringify([sample])),
      [],
      'event: expected a JSON array of samples [{id, messages, …}], got string; replied with []',
    ],
  ])('%s', (_what, event, samples, problem) => {
    expect(samplesOf(event)).toEqual({ samples, ...(problem ? { problem } : {}) });
  });
});

describe('sampleIdOf', () => {
  it.each([
    [{ id: 'a' }, 'a'],
    [{ id: '' }, ''],
    [{ id: 12 }, 12],
    [{ id: { x: 1 } }, 'sample-3'],
    [{}, 'sample-3'],
    [null, 'sample-3'],
  ])('%j → %j', (sample, id) => {
    expect(sampleIdOf(sample, 'sample-3')).toBe(id);
  });
});

describe('toNovaResult', () => {
  const result: RewardResult = {
    id: 'r',
    reward: 0.75,
    neutral: false,
    gated_by: null,
    flags: ['response_cut_for_judge'],
    metrics: {
      format: 1,
      helpful: 0.666667,
      judge_calls: 2,
      judge_attempts: 3,
      judge_input_tokens: 10,
      judge_output_tokens: 4,
      judge_latency_ms: 12,
      gated: 0,
      judge_error: 0,
    },
    components: [
      { name: 'format', kind: 'check', type: 'json', score: 1, weight: 0, status: 'scored' },
      { name: 'language', kind: 'check', type: 'language', score: null, weight: 1, status: 'undetermined' },
      { name: 'helpful', kind: 'judge', type: 'rubric', score: 2 / 3, weight: 2, status: 'scored' },
      { name: 'neutral', kind: 'check', type: 'length', score: 1, weight: 1, status: 'scored' },
    ],
  };

  it('weight-0 components are Metrics, scored ones Rewards, undetermined ones left out; diagnostics follow', () => {
    expect(toNovaResult({ ...result, metrics: { ...result.metrics, neutral: 1 } }, 7, 0.5)).toEqual({
      id: 7,
      aggregate_reward_score: 0.75,
      metrics_list: [
        { name: 'format', value: 1, type: 'Metric' },
        { name: 'helpful', value: 0.666667, type: 'Reward' },
        { name: 'neutral', value: 1, type: 'Reward' },
        { name: 'rewardkit_neutral', value: 0, type: 'Metric' },
        { name: 'gated', value: 0, type: 'Metric' },
        { name: 'judge_error', value: 0, type: 'Metric' },
        { name: 'deadline_exceeded', value: 0, type: 'Metric' },
        { name: 'row_error', value: 0, type: 'Metric' },
        { name: 'empty_response', value: 0, type: 'Metric' },
        { name: 'nothing_scored', value: 0, type: 'Metric' },
        { name: 'response_cut_for_judge', value: 1, type: 'Metric' },
        { name: 'internal_error', value: 0, type: 'Metric' },
        { name: 'config_error', value: 0, type: 'Metric' },
        { name: 'judge_calls', value: 2, type: 'Metric' },
        { name: 'judge_cached', value: 0, type: 'Metric' },
        { name: 'judge_attempts', value: 3, type: 'Metric' },
        { name: 'judge_input_tokens', value: 10, type: 'Metric' },
        { name: 'judge_output_tokens', value: 4, type: 'Metric' },
        { name: 'judge_latency_ms', value: 12, type: 'Metric' },
      ],
    });
  });

  it('a component with a pass_threshold adds its <name>_pass Metric after the component scores', () => {
    const components: RewardResult['components'] = [
      { ...result.components[0]!, pass: { threshold: 1, passed: true } },
      { ...result.components[2]!, pass: { threshold: 0.7, passed: false } },
    ];
    const firstMetrics = toNovaResult({ ...result, components }, 7, 0.5).metrics_list.slice(0, 5);
    expect(firstMetrics).toEqual([
      { name: 'format', value: 1, type: 'Metric' },
      { name: 'helpful', value: 0.666667, type: 'Reward' },
      { name: 'format_pass', value: 1, type: 'Metric' },
      { name: 'helpful_pass', value: 0, type: 'Metric' },
      { name: 'neutral', value: 0, type: 'Metric' },
    ]);
  });

  it('an unreadable row scores the neutral value, flagged row_error and neutral', () => {
    const unreadable: RewardResult = {
      id: 'x',
      reward: null,
      neutral: false,
      gated_by: null,
      flags: ['row_error'],
      metrics: {},
      components: [],
      error: { field: 'messages', message: 'm' },
    };
    const item = toNovaResult(unreadable, 'x', 0.25);
    expect(item.aggregate_reward_score).toBe(0.25);
    expect(item.metrics_list.filter((metric) => metric.value !== 0).map((metric) => metric.name)).toEqual(['neutral', 'row_error']);
  });
});

describe('unscoredBatch', () => {
  it('answers every sample, flagged config_error, echoing ids', () => {
    const batch = unscoredBatch([{ id: 'a' }, 5], 0.5, 'config_error', 'no spec');
    expect(
      batch.results.map((result) => [
        result.id,
        result.aggregate_reward_score,
        result.metrics_list.find((metric) => metric.name === 'config_error')!.value,
      ]),
    ).toEqual([
      ['a', 0.5, 1],
      ['sample-1', 0.5, 1],
    ]);
    expect(batch.rewardResults[0]!.error).toEqual({ field: '(config)', message: 'no spec' });
  });
});
