import { describe, expect, it } from 'vitest';
import { RowError, rowErrorResult } from './row-error.js';

describe('rowErrorResult', () => {
  it('builds the row_error result, fields in their output order, with the spec hash when given', () => {
    const error = new RowError('response', 'missing (expected a string)');
    expect(JSON.stringify(rowErrorResult('r1', error, 'abc'))).toBe(
      '{"id":"r1","spec_hash":"abc","reward":null,"neutral":false,"gated_by":null,"flags":["row_error"],"metrics":{},"components":[],' +
        '"error":{"field":"response","message":"response: missing (expected a string)"}}',
    );
  });

  it('leaves spec_hash out without one, and copies only the field and message of an error', () => {
    const result = rowErrorResult('line-3', { field: '(line)', message: 'not JSON' });
    expect(result).toStrictEqual({
      id: 'line-3',
      reward: null,
      neutral: false,
      gated_by: null,
      flags: ['row_error'],
      metrics: {},
      components: [],
      error: { field: '(line)', message: 'not JSON' },
    });
  });
});
