/**
 * What createJudgeModel sends: the spec's sampling parameters reach the provider's request body — top_p and seed
 * only when set, reasoning_effort as the API's `reasoning_effort` for openai, openai-compatible and ollama.
 */
import { describe, expect, it, vi } from 'vitest';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { ModelSpecSchema } from '../spec/schema.js';
import { createJudgeModel } from './judge-model.js';

const judge = useFakeJudge(() => ({ content: '{"ok": true}' }));

async function bodySent(model: Record<string, unknown>): Promise<Record<string, unknown>> {
  const spec = ModelSpecSchema.parse({ model: 'judge-7b', base_url: judge.url, structured_output: 'none', ...model });
  await createJudgeModel(spec).generate({ system: 's', user: 'u' }, new AbortController().signal);
  return judge.requests.at(-1)!.body;
}

describe('createJudgeModel: sampling parameters in the request', () => {
  it('sends top_p, seed and reasoning_effort (openai-compatible)', async () => {
    const body = await bodySent({ provider: 'openai-compatible', temperature: 0.5, top_p: 0.9, seed: 7, reasoning_effort: 'high' });
    expect([body.temperature, body.top_p, body.seed, body.reasoning_effort]).toEqual([0.5, 0.9, 7, 'high']);
  });

  it('sends none of them when the spec sets none', async () => {
    const body = await bodySent({ provider: 'openai-compatible' });
    expect(body.temperature).toBe(0);
    expect(['top_p', 'seed', 'reasoning_effort'].filter((key) => key in body)).toEqual([]);
  });

  it('sends them with provider openai', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-test');
    const body = await bodySent({ provider: 'openai', model: 'gpt-4o-mini', top_p: 0.5, seed: 3, reasoning_effort: 'low' });
    expect([body.top_p, body.seed, body.reasoning_effort]).toEqual([0.5, 3, 'low']);
    vi.unstubAllEnvs();
  });

  it('sends reasoning_effort with provider ollama', async () => {
    const body = await bodySent({ provider: 'ollama', reasoning_effort: 'medium', seed: 11 });
    expect([body.seed, body.reasoning_effort]).toEqual([11, 'medium']);
  });
});
