import { describe, expect, it } from 'vitest';
import { grammarSafeSchema, MAX_STRING_CHARACTERS, MAX_TOKENS_PER_CHARACTER } from './grammar-safe-schema.js';

const dimensionVerdict = {
  type: 'object',
  properties: {
    dimensions: {
      type: 'object',
      properties: {
        clarity: {
          type: 'object',
          properties: { rationale: { type: 'string' }, score: { type: 'integer', minimum: 1, maximum: 5 } },
          required: ['rationale', 'score'],
          additionalProperties: false,
        },
        accuracy: {
          type: 'object',
          properties: { rationale: { type: 'string', maxLength: 10 }, score: { type: 'integer', minimum: 0, maximum: 3 } },
          required: ['rationale', 'score'],
          additionalProperties: false,
        },
      },
      required: ['clarity', 'accuracy'],
      additionalProperties: false,
    },
  },
  required: ['dimensions'],
  additionalProperties: false,
};

describe('grammarSafeSchema', () => {
  it('turns an integer scale into an enum of its values (the grammar ignores minimum/maximum)', () => {
    const { schema } = grammarSafeSchema(dimensionVerdict, 1024);
    const dimensions = (schema.properties as Record<string, { properties: Record<string, { properties: Record<string, unknown> }> }>)
      .dimensions!.properties;
    expect(dimensions.clarity!.properties.score).toEqual({ enum: [1, 2, 3, 4, 5] });
    expect(dimensions.accuracy!.properties.score).toEqual({ enum: [0, 1, 2, 3] });
  });

  it('gives every string a maxLength that fits the budget at six tokens per character, keeping a smaller declared one', () => {
    const { schema, stringMaxLength, skeletonTokens } = grammarSafeSchema(dimensionVerdict, 1024);
    expect(stringMaxLength).toBe(Math.floor((1024 - skeletonTokens) / (2 * MAX_TOKENS_PER_CHARACTER)));
    const dimensions = (schema.properties as Record<string, { properties: Record<string, { properties: Record<string, unknown> }> }>)
      .dimensions!.properties;
    expect(dimensions.clarity!.properties.rationale).toEqual({ type: 'string', maxLength: stringMaxLength });
    expect(dimensions.accuracy!.properties.rationale).toEqual({ type: 'string', maxLength: 10 });
    // the worst case — skeleton plus every string at its limit — stays inside the budget
    expect(skeletonTokens + 2 * stringMaxLength * MAX_TOKENS_PER_CHARACTER).toBeLessThanOrEqual(1024);
  });

  it('caps strings at MAX_STRING_CHARACTERS when the budget is large, and leaves enums and booleans alone', () => {
    const preference = {
      type: 'object',
      properties: { rationale: { type: 'string' }, verdict: { type: 'string', enum: ['A', 'B', 'tie'] }, pass: { type: 'boolean' } },
      required: ['rationale', 'verdict', 'pass'],
      additionalProperties: false,
    };
    const { schema, stringMaxLength } = grammarSafeSchema(preference, 100_000);
    expect(stringMaxLength).toBe(MAX_STRING_CHARACTERS);
    expect(schema).toEqual({
      ...preference,
      properties: {
        rationale: { type: 'string', maxLength: MAX_STRING_CHARACTERS },
        verdict: { type: 'string', enum: ['A', 'B', 'tie'] },
        pass: { type: 'boolean' },
      },
    });
  });

  it('keeps an integer range too wide for an enum, and one without both bounds, as it is', () => {
    const wide = { type: 'integer', minimum: 0, maximum: 1000 };
    const open = { type: 'integer', minimum: 1 };
    expect(grammarSafeSchema(wide, 1024).schema).toEqual(wide);
    expect(grammarSafeSchema(open, 1024).schema).toEqual(open);
  });

  it('gives at least one character when the budget is smaller than the skeleton', () => {
    expect(grammarSafeSchema(dimensionVerdict, 10).stringMaxLength).toBe(1);
  });
});
