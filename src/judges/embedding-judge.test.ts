/**
 * The embedding judge on its own, with scripted callers (no HTTP): the cosine, the clamp, the texts it embeds, and
 * every way it cannot score. End-to-end runs over the fake servers are in test/embedding-judge.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createRowContext, toRowView } from '../input/row-view.js';
import type { EmbeddingCall } from '../runtime/judge-call.js';
import { EmbeddingJudgeSchema, InputSpecSchema } from '../spec/schema.js';
import { cosineSimilarity, createEmbeddingJudge } from './embedding-judge.js';
import type { JudgeCaller } from './judge.js';

const context = (row: Record<string, unknown>) =>
  createRowContext(toRowView({ id: 'r', prompt: 'p', ...row }, InputSpecSchema.parse({}), 'row'));

const judge = (fields: Record<string, unknown> = {}, maxResponseChars = 1000) =>
  createEmbeddingJudge(EmbeddingJudgeSchema.parse({ type: 'embedding', model: { provider: 'openai', model: 'e' }, ...fields }), {
    name: 'cosine',
    modelKey: 'openai:e',
    maxResponseChars,
  });

/** A caller whose `embed` answers with `vectors` and records the texts it was given. */
function embedding(vectors: number[][]): JudgeCaller & { texts: string[][] } {
  const texts: string[][] = [];
  const caller = (() => Promise.reject(new Error('an embedding judge sends no prompt'))) as unknown as JudgeCaller & { texts: string[][] };
  caller.texts = texts;
  caller.embed = (given) => {
    texts.push(given);
    const call: EmbeddingCall = {
      ok: true,
      reply: { text: '', finishReason: 'stop', usage: { input_tokens: 7, output_tokens: 0 } },
      vectors,
      source: 'model',
      model: 'openai:e',
      attempts: 1,
      latencyMs: 3,
      usage: { input_tokens: 7, output_tokens: 0 },
      accept: () => {},
    };
    return Promise.resolve(call);
  };
  return caller;
}

describe('cosineSimilarity', () => {
  it('is exact for simple vectors, and null for a zero vector', () => {
    expect(cosineSimilarity([3, 4], [4, 3])).toBe(0.96);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 2, 2], [-1, -2, -2])).toBe(-1);
    expect(cosineSimilarity([2, 0, 0], [5, 0, 0])).toBe(1);
    expect(cosineSimilarity([0, 0], [1, 1])).toBeNull();
  });
});

describe('embedding judge', () => {
  it('embeds the field and the reference in one call and scores their cosine', async () => {
    const caller = embedding([
      [1, 0],
      [0.6, 0.8],
    ]);
    const result = await judge().run(context({ response: 'answer', reference: 'gold' }), caller);
    expect(caller.texts).toEqual([['answer', 'gold']]);
    expect(result).toEqual({
      name: 'cosine',
      kind: 'judge',
      type: 'embedding',
      weight: 1,
      score: 0.6,
      status: 'scored',
      rationale: 'cosine similarity of response and reference: 0.6',
      details: { cosine: 0.6, dimensions: 2 },
      calls: [
        {
          label: 'embedding',
          raw: '',
          finish_reason: 'stop',
          usage: { input_tokens: 7, output_tokens: 0 },
          latency_ms: 3,
          attempts: 1,
          model: 'openai:e',
          cached: false,
        },
      ],
    });
  });

  it('joins every value a selector reaches, and cuts texts to max_response_chars', async () => {
    const caller = embedding([
      [1, 1],
      [1, 1],
    ]);
    await judge({ field: 'response_json.items[*]', reference: 'metadata.gold' }, 5).run(
      context({ response: '{"items": ["first", "second"]}', metadata: { gold: { a: 1 } } }),
      caller,
    );
    expect(caller.texts).toEqual([['first', '{\n  "']]); // 'first\nsecond' and the JSON of {a: 1}, cut at 5 characters
  });

  it('a negative cosine scores 0, the raw value in details', async () => {
    const result = await judge().run(
      context({ response: 'a', reference: 'b' }),
      embedding([
        [1, 0],
        [-1, 0],
      ]),
    );
    expect(result).toMatchObject({
      score: 0,
      details: { cosine: -1 },
      rationale: 'cosine similarity of response and reference: -1 (negative: scored 0)',
    });
  });

  it('no reference: undetermined with the no_reference marker, no call', async () => {
    const caller = embedding([]);
    const result = await judge({ reference: 'metadata.gold' }).run(context({ response: 'a', metadata: { gold: '  ' } }), caller);
    expect(result).toMatchObject({
      score: null,
      status: 'undetermined',
      details: { no_reference: true, missing: 'metadata.gold' },
      calls: [],
    });
    expect(caller.texts).toEqual([]);
  });

  it('an empty field other than the response scores 0 without a call', async () => {
    const caller = embedding([]);
    const result = await judge({ field: 'metadata.answer' }).run(
      context({ response: 'a', reference: 'b', metadata: { answer: '' } }),
      caller,
    );
    expect(result).toMatchObject({ score: 0, status: 'scored', rationale: 'metadata.answer is empty: nothing to compare', calls: [] });
    expect(caller.texts).toEqual([]);
  });

  it('cannot score vectors of different lengths or a zero vector: an error with the call record', async () => {
    const row = context({ response: 'a', reference: 'b' });
    const mismatch = await judge().run(
      row,
      embedding([
        [1, 0],
        [1, 0, 0],
      ]),
    );
    expect(mismatch).toMatchObject({
      score: null,
      status: 'error',
      error: { kind: 'unknown', message: 'the embeddings differ in length (2 and 3): was the model changed while cached?' },
    });
    expect(mismatch.calls).toHaveLength(1);
    const zero = await judge().run(
      row,
      embedding([
        [1, 0],
        [0, 0],
      ]),
    );
    expect(zero).toMatchObject({
      status: 'error',
      error: { message: 'the embedding of reference is the zero vector: its cosine is undefined' },
    });
  });

  it('a caller without embed is an error, not a crash', async () => {
    const caller: JudgeCaller = () => Promise.reject(new Error('unused'));
    const result = await judge().run(context({ response: 'a', reference: 'b' }), caller);
    expect(result).toMatchObject({ status: 'error', error: { kind: 'unknown' }, calls: [] });
  });

  it('plans one call showing both texts for a dry run (none without a reference)', () => {
    expect(judge().prompts(context({ response: 'a', reference: 'b' }))).toEqual([
      { label: 'embedding of response and reference', request: { system: '', user: 'response:\na\n\nreference:\nb' } },
    ]);
    expect(judge().prompts(context({ response: 'a' }))).toEqual([]);
  });
});
