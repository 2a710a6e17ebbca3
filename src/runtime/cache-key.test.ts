/**
 * judgeCacheKey: a stable SHA-256 hex over everything that determines a judge reply; any one component
 * changing gives a new key, and nothing else does.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JudgeRequest } from '../models/judge-model.js';
import { ModelSpecSchema, type ModelSpec } from '../spec/schema.js';
import { judgeCacheKey } from './cache-key.js';

const baseModel: ModelSpec = ModelSpecSchema.parse({
  provider: 'openai-compatible',
  model: 'judge-7b',
  base_url: 'http://127.0.0.1:8000/v1',
});
const baseRequest: JudgeRequest = {
  system: 'You are a strict grader.',
  user: 'Grade this answer.',
  schema: { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] },
  templateVersion: 'rubric@3',
};
const baseKey = judgeCacheKey(baseModel, baseRequest, 'ns');

describe('judgeCacheKey', () => {
  it('is a 64-character lowercase hex SHA-256', () => {
    expect(baseKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the SHA-256 of the versioned JSON list of its components', () => {
    const material = [
      'rewardkit-judge-cache/1',
      'openai-compatible',
      'judge-7b',
      'http://127.0.0.1:8000/v1',
      0,
      1024,
      'json_schema',
      'You are a strict grader.',
      'Grade this answer.',
      { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] },
      'rubric@3',
      'ns',
    ];
    expect(baseKey).toBe(createHash('sha256').update(JSON.stringify(material)).digest('hex'));
  });

  it('appends top_p, seed and reasoning_effort, when set, as one trailing object (keys without them are unchanged)', () => {
    const material = (extras: unknown[]) =>
      createHash('sha256')
        .update(
          JSON.stringify([
            'rewardkit-judge-cache/1',
            'openai-compatible',
            'judge-7b',
            'http://127.0.0.1:8000/v1',
            0,
            1024,
            'json_schema',
            'You are a strict grader.',
            'Grade this answer.',
            { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] },
            'rubric@3',
            'ns',
            ...extras,
          ]),
        )
        .digest('hex');
    expect(judgeCacheKey({ ...baseModel, top_p: 0.9, seed: 7, reasoning_effort: 'low' }, baseRequest, 'ns')).toBe(
      material([{ top_p: 0.9, seed: 7, reasoning_effort: 'low' }]),
    );
    expect(judgeCacheKey({ ...baseModel, seed: 0 }, baseRequest, 'ns')).toBe(material([{ seed: 0 }]));
  });

  it('is the same for equal inputs built separately', () => {
    const model = ModelSpecSchema.parse({ provider: 'openai-compatible', model: 'judge-7b', base_url: 'http://127.0.0.1:8000/v1' });
    const request: JudgeRequest = {
      system: 'You are a strict grader.',
      user: 'Grade this answer.',
      schema: { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] },
      templateVersion: 'rubric@3',
    };
    expect(judgeCacheKey(model, request, 'ns')).toBe(baseKey);
  });

  it('defaults the namespace to the empty string', () => {
    expect(judgeCacheKey(baseModel, baseRequest)).toBe(judgeCacheKey(baseModel, baseRequest, ''));
    expect(judgeCacheKey(baseModel, baseRequest)).not.toBe(baseKey);
  });

  it('ignores model settings that do not shape the reply (concurrency, retries, timeouts, price)', () => {
    const tuned = ModelSpecSchema.parse({
      provider: 'openai-compatible',
      model: 'judge-7b',
      base_url: 'http://127.0.0.1:8000/v1',
      concurrency: 3,
      max_retries: 0,
      timeout_ms: 5,
      requests_per_minute: 10,
      price: { input_per_mtok: 1, output_per_mtok: 2 },
    });
    expect(judgeCacheKey(tuned, baseRequest, 'ns')).toBe(baseKey);
  });

  it('ignores the schema name', () => {
    expect(judgeCacheKey(baseModel, { ...baseRequest, schemaName: 'other' }, 'ns')).toBe(baseKey);
  });

  const modelChanges: Array<[string, Partial<ModelSpec>]> = [
    ['provider', { provider: 'openai' }],
    ['model', { model: 'judge-70b' }],
    ['base_url', { base_url: 'http://127.0.0.1:8001/v1' }],
    ['base_url (absent)', { base_url: undefined }],
    ['temperature', { temperature: 0.7 }],
    ['max_tokens', { max_tokens: 512 }],
    ['structured_output', { structured_output: 'json_object' }],
    ['top_p', { top_p: 0.9 }],
    ['seed', { seed: 7 }],
    ['seed (another)', { seed: 8 }],
    ['reasoning_effort', { reasoning_effort: 'high' }],
    ['top_p, seed and reasoning_effort', { top_p: 0.9, seed: 7, reasoning_effort: 'high' }],
  ];
  it.each(modelChanges)('changes with the model %s', (_name, change) => {
    const key = judgeCacheKey({ ...baseModel, ...change }, baseRequest, 'ns');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(baseKey);
  });

  const requestChanges: Array<[string, Partial<JudgeRequest>]> = [
    ['system prompt', { system: 'You are a lenient grader.' }],
    ['user prompt', { user: 'Grade this answer!' }],
    ['schema', { schema: { type: 'object', properties: { score: { type: 'number' } }, required: ['score'] } }],
    ['schema (absent)', { schema: undefined }],
    ['template version', { templateVersion: 'rubric@4' }],
    ['template version (absent)', { templateVersion: undefined }],
  ];
  it.each(requestChanges)('changes with the request %s', (_name, change) => {
    expect(judgeCacheKey(baseModel, { ...baseRequest, ...change }, 'ns')).not.toBe(baseKey);
  });

  it('changes with the namespace', () => {
    expect(judgeCacheKey(baseModel, baseRequest, 'consistency-2')).not.toBe(baseKey);
  });

  it('keeps prompt boundaries: moving text from system to user changes the key', () => {
    const a = judgeCacheKey(baseModel, { system: 'ab', user: 'c' });
    const b = judgeCacheKey(baseModel, { system: 'a', user: 'bc' });
    expect(a).not.toBe(b);
  });

  it('gives every variant a distinct key', () => {
    const keys = [
      baseKey,
      ...modelChanges.map(([, change]) => judgeCacheKey({ ...baseModel, ...change }, baseRequest, 'ns')),
      ...requestChanges.map(([, change]) => judgeCacheKey(baseModel, { ...baseRequest, ...change }, 'ns')),
      judgeCacheKey(baseModel, baseRequest, 'other'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
