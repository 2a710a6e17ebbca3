/**
 * What each kind of judge reply does to a reward, through the real client and the full composition:
 * sloppy-but-readable replies score; unreadable ones are explicit errors with the neutral reward, never 0.
 */
import { describe, expect, it } from 'vitest';
import type { FakeReply } from '../../test/support/fake-judge-server.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { testSpec } from '../../test/support/test-spec.js';
import { createReward } from '../reward.js';

const judge = useFakeJudge();

const dimensionsJudge = {
  type: 'rubric',
  name: 'quality',
  dimensions: [
    { id: 'accuracy', description: 'Is it accurate?' },
    { id: 'clarity', description: 'Is it clear?' },
  ],
};

async function scoreWith(reply: FakeReply) {
  judge.setScript(() => reply);
  const reward = createReward(testSpec(judge.url, { judges: [dimensionsJudge] }));
  return reward.score({ id: 'r', prompt: 'Explain photosynthesis.', response: 'Plants turn light into sugar.' });
}

describe('judge replies', () => {
  it.each([
    ['plain JSON', '{"dimensions": {"accuracy": {"rationale": "fine", "score": 5}, "clarity": {"rationale": "ok", "score": 3}}}'],
    [
      'prose around a fenced block',
      'Here is my evaluation.\n```json\n{"dimensions": {"accuracy": {"score": 5}, "clarity": {"score": 3}}}\n```\nDone.',
    ],
    ['numbers as strings', '{"dimensions": {"accuracy": {"score": "5"}, "clarity": {"score": "3/5"}}}'],
    [
      'a reasoning block first',
      '<think>The answer is short {but right}.</think>{"dimensions": {"accuracy": {"score": 5}, "clarity": {"score": 3}}}',
    ],
    ['trailing commas', '{"dimensions": {"accuracy": {"score": 5,}, "clarity": {"score": 3,},},}'],
    ['entries as a list', '{"dimensions": [{"id": "accuracy", "score": 5}, {"id": "Clarity", "score": 3}]}'],
  ])('reads %s: (5, 3) on 1–5 → 0.75', async (_name, content) => {
    const result = await scoreWith({ content });
    expect(result.reward).toBe(0.75);
    expect(result.neutral).toBe(false);
    expect(result.components[0]!.details!.raw_score).toBe(4);
  });

  it.each([
    [
      'no JSON at all',
      { content: 'The response is good. 4/5.' },
      'parse_error',
      'answer: no JSON object found in judge reply: "The response is good. 4/5."',
    ],
    [
      'a missing dimension',
      { content: '{"dimensions": {"accuracy": {"score": 4}}}' },
      'parse_error',
      'answer: missing verdict for clarity',
    ],
    [
      'an unreadable score',
      { content: '{"dimensions": {"accuracy": {"score": "high"}, "clarity": {"score": 3}}}' },
      'parse_error',
      'answer: unreadable verdict for accuracy',
    ],
    [
      'a score off the scale',
      { content: '{"dimensions": {"accuracy": {"score": 7}, "clarity": {"score": 3}}}' },
      'out_of_scale',
      'answer: score outside the scale: accuracy=7 (scale 1–5)',
    ],
    ['empty content', { content: '' }, 'empty_output', 'answer: the judge returned no text'],
    ['a content filter', { content: '', finishReason: 'content_filter' }, 'refusal', 'answer: the judge model refused (content filter)'],
    [
      'output cut by max tokens',
      { content: '{"dimensions": {"accuracy": {"rationale": "The answer is right but', finishReason: 'length' },
      'truncated',
      'answer: the judge hit max_tokens: missing verdict for clarity; unreadable verdict for accuracy (also when asked again with twice the max_tokens budget)',
    ],
  ] as const)('turns %s into a flagged neutral reward', async (_name, reply, kind, message) => {
    const result = await scoreWith(reply);
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(result.components[0]!.error).toEqual({ kind, message });
    expect(result.components[0]!.calls![0]!.raw).toBe((reply as { content: string }).content);
  });

  it('keeps a truncated reply that still holds every verdict', async () => {
    const result = await scoreWith({
      content: '{"dimensions": {"accuracy": {"score": 5}, "clarity": {"score": 3, "rationale": "clear enou',
      finishReason: 'length',
    });
    expect(result.reward).toBe(0.75);
    expect(result.components[0]!.calls![0]!.finish_reason).toBe('length');
  });

  it('treats a malformed response body from the server as an error, not a score', async () => {
    const result = await scoreWith({ raw: '{"choices": [ {"message": ' });
    expect(result).toMatchObject({ reward: 0.5, neutral: true, flags: ['judge_error'] });
    expect(result.components[0]!.error).toEqual({
      kind: 'server_error',
      message: 'answer: malformed response body (HTTP 200): Invalid JSON response after 3 attempts',
      status: 200,
      body: '{"choices": [ {"message": ',
    });
    expect(result.components[0]!.calls![0]!.attempts).toBe(3); // retried: a garbled body is usually transient
  });
});
