/** The model spec's sampling fields beyond temperature: top_p, seed, reasoning_effort (and which providers take it). */
import { describe, expect, it } from 'vitest';
import { validateSpecObject } from './load-spec.js';

const judges = [{ type: 'rubric', criteria: [{ id: 'ok', description: 'ok' }] }];
const specWith = (model: Record<string, unknown>) =>
  validateSpecObject({ judge_model: { provider: 'openai-compatible', model: 'm', base_url: 'http://127.0.0.1:9/v1', ...model }, judges });

describe('model spec: top_p, seed, reasoning_effort', () => {
  it('reads them, all optional', () => {
    expect(specWith({ top_p: 0.95, seed: 42, reasoning_effort: 'medium' }).judge_model).toMatchObject({
      top_p: 0.95,
      seed: 42,
      reasoning_effort: 'medium',
    });
    const plain = specWith({}).judge_model!;
    expect([plain.top_p, plain.seed, plain.reasoning_effort]).toEqual([undefined, undefined, undefined]);
  });

  it('rejects a top_p outside (0, 1], a fractional seed and an unknown effort, naming the field', () => {
    expect(() => specWith({ top_p: 0 })).toThrow(/judge_model\.top_p: /);
    expect(() => specWith({ top_p: 1.5 })).toThrow(/judge_model\.top_p: /);
    expect(() => specWith({ seed: 1.5 })).toThrow(/judge_model\.seed: /);
    expect(() => specWith({ reasoning_effort: 'max' })).toThrow(/judge_model\.reasoning_effort: expected one of "low"\|"medium"\|"high"/);
  });

  it('rejects reasoning_effort for a provider that does not pass it on, wherever the model is', () => {
    expect(() => specWith({ provider: 'anthropic', reasoning_effort: 'low' })).toThrow(
      'judge_model.reasoning_effort: expected no reasoning_effort for provider anthropic: it is passed on for providers openai, openai-compatible, ollama',
    );
    const members = [
      { model: { provider: 'ollama', model: 'a' } },
      { model: { provider: 'bedrock', model: 'b', reasoning_effort: 'high' } },
    ];
    expect(() => validateSpecObject({ judges: [{ type: 'panel', members, judge: judges[0] }] })).toThrow(
      /judges\[0\]\.members\[1\]\.model\.reasoning_effort: expected no reasoning_effort for provider bedrock/,
    );
  });
});
