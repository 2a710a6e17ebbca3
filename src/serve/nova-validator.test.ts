import { describe, expect, it } from 'vitest';
import { checkNovaResponse } from './nova-validator.js';

const samples = [{ id: 'a' }, { id: 'b' }];

describe('checkNovaResponse (the checks of AWS verify_reward_function)', () => {
  it('accepts a bare array of well-formed results matched by id', () => {
    expect(
      checkNovaResponse(samples, [
        { id: 'a', aggregate_reward_score: 0.5, metrics_list: [{ name: 'x', value: 1, type: 'Reward' }] },
        { id: 'b', aggregate_reward_score: 1 },
      ]),
    ).toEqual([]);
  });

  it('rejects a Lambda error and a wrapped reply', () => {
    expect(checkNovaResponse(samples, { errorMessage: 'boom', errorType: 'Error' })).toEqual([
      'the reply is a Lambda error ({"errorMessage":"boom","errorType":"Error"})',
    ]);
    expect(checkNovaResponse(samples, { statusCode: 200, body: '[]' })).toEqual(['expected a bare JSON array, got object']);
  });

  it('names every problem of every result', () => {
    expect(
      checkNovaResponse(samples, [
        { aggregate_reward_score: '0.5', metrics_list: [{ name: 1, value: 'x', type: 'Score' }, 'm', {}] },
        { id: 'c', statusCode: 200, body: '{}', metrics_list: {} },
        3,
      ]),
    ).toEqual([
      'expected 2 results (one per sample), got 3',
      "Output 0: missing 'id' field (required for RFT)",
      "Output 0: 'aggregate_reward_score' should be a number, got string",
      "Output 0, metric 0: 'name' should be a string",
      "Output 0, metric 0: 'value' should be a number",
      "Output 0, metric 0: 'type' should be 'Metric' or 'Reward', got \"Score\"",
      'Output 0, metric 1: expected dict, got string',
      "Output 0, metric 2: missing 'name' field",
      "Output 0, metric 2: missing 'value' field",
      "Output 0, metric 2: missing 'type' field",
      "Output 1: missing 'aggregate_reward_score' field (required for RFT)",
      'Output 1: wrapped in {statusCode, body}; return the result object itself',
      "Output 1: 'metrics_list' should be a list",
      'Output 2: expected dict, got number',
      'Output 0: id undefined does not match sample 0\'s id "a"',
      'Output 1: id "c" does not match sample 1\'s id "b"',
    ]);
  });

  it('a null score (what NaN becomes in JSON) is not a number', () => {
    expect(checkNovaResponse([{ id: 'a' }], [{ id: 'a', aggregate_reward_score: null }])).toEqual([
      "Output 0: 'aggregate_reward_score' should be a number, got null",
    ]);
  });
});
