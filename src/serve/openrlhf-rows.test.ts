import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../result.js';
import { DEFAULT_END_TOKENS, openRlhfResponse, openRlhfRows, stripEndTokens } from './openrlhf-rows.js';

describe('stripEndTokens', () => {
  it.each([
    ['answer<|im_end|>', 'answer'],
    ['answer<|im_end|>\n<|endoftext|>\n', 'answer'],
    ['answer </s>', 'answer'],
    ['answer  ', 'answer  '], // nothing stripped: whitespace kept as it was
    ['<|im_end|>', ''],
    ['the </s> token in the middle', 'the </s> token in the middle'],
  ])('%j → %j', (text, expected) => {
    expect(stripEndTokens(text, DEFAULT_END_TOKENS)).toBe(expected);
  });
});

describe('openRlhfRows', () => {
  it('splits query = prompt + response, the label as reference (none when null)', () => {
    expect(
      openRlhfRows({ query: ['Q: hi\nA: hello<|im_end|>', 'Q: x\nA: y'], prompts: ['Q: hi\nA:', 'Q: x\nA:'], labels: ['hello', null] }),
    ).toEqual([
      {
        row: {
          id: 'query-0',
          messages: [
            { role: 'user', content: 'Q: hi\nA:' },
            { role: 'assistant', content: ' hello' },
          ],
          reference_answer: 'hello',
          prompt_match: 'exact',
        },
        promptMatch: 'exact',
      },
      {
        row: {
          id: 'query-1',
          messages: [
            { role: 'user', content: 'Q: x\nA:' },
            { role: 'assistant', content: ' y' },
          ],
          prompt_match: 'exact',
        },
        promptMatch: 'exact',
      },
    ]);
  });

  it('a Llama-2 query decoded with the legacy space after <s> is split, and says how (query-split.test.ts has every template)', () => {
    const [entry] = openRlhfRows({
      query: ['<s> [INST] Capital of France? [/INST] Paris.</s>'],
      prompts: ['<s>[INST] Capital of France? [/INST]'],
      labels: ['Paris'],
    });
    expect(entry).toEqual({
      row: {
        id: 'query-0',
        messages: [
          { role: 'user', content: '<s>[INST] Capital of France? [/INST]' },
          { role: 'assistant', content: ' Paris.' },
        ],
        reference_answer: 'Paris',
        prompt_match: 'whitespace',
      },
      promptMatch: 'whitespace',
    });
  });

  it('a query that cannot be split is a row error naming the field and what was tried', () => {
    const [entry] = openRlhfRows({ query: ['other text'], prompts: ['Q:'] });
    expect(entry).toEqual({
      error: expect.objectContaining({
        id: 'query-0',
        reward: null,
        flags: ['row_error'],
        error: {
          field: 'query[0]',
          message:
            'query[0]: expected the query to start with prompts[0] (the prompt text, chat template included; whitespace next to special tokens ignored, ' +
            'a left-truncated prompt accepted) or to hold an assistant-turn marker ([/INST], <|start_header_id|>assistant<|end_header_id|>, ' +
            '<|im_start|>assistant, <start_of_turn>model, …), but it has neither; cannot tell the response apart',
        },
      }),
    });
  });
});

describe('openRlhfResponse', () => {
  const result = (reward: number | null, flags: string[] = [], metrics: Record<string, number> = {}): RewardResult => ({
    id: 'r',
    reward,
    neutral: flags.includes('judge_error'),
    gated_by: null,
    flags,
    metrics,
    components: [{ name: 'accuracy', kind: 'check', type: 'match', score: metrics.accuracy ?? null, weight: 1, status: 'scored' }],
  });

  it('rescales scores to 0–1, fills every log list, and gives unreadable rows the neutral reward', () => {
    const response = openRlhfResponse(
      [result(1, [], { accuracy: 1 }), result(0, ['judge_error'], { judge_calls: 2 }), result(null, ['row_error'])],
      ['accuracy'],
      [-1, 1],
      0,
    );
    expect(response.rewards).toEqual([1, 0, 0]);
    expect(response.scores).toEqual([1, 0.5, 0.5]);
    expect(response.extra_logs.accuracy).toEqual([1, 0, 0]);
    expect(response.extra_logs.judge_error).toEqual([0, 1, 0]);
    expect(response.extra_logs.neutral).toEqual([0, 1, 1]);
    expect(response.extra_logs.row_error).toEqual([0, 0, 1]);
    expect(response.extra_logs.judge_calls).toEqual([0, 2, 0]);
    expect(Object.values(response.extra_logs).every((list) => list.length === 3)).toBe(true);
  });

  it('with the prompt matches, logs how each query was split (0/1; an exact split and an unreadable row are all 0)', () => {
    const response = openRlhfResponse([result(1), result(1), result(1), result(1), result(null, ['row_error'])], [], [0, 1], 0.5, [
      'exact',
      'whitespace',
      'truncated',
      'assistant_marker',
      undefined,
    ]);
    expect(response.extra_logs.prompt_match_whitespace).toEqual([0, 1, 0, 0, 0]);
    expect(response.extra_logs.prompt_match_truncated).toEqual([0, 0, 1, 0, 0]);
    expect(response.extra_logs.prompt_match_assistant_marker).toEqual([0, 0, 0, 1, 0]);
    expect('prompt_match_whitespace' in openRlhfResponse([result(1)], [], [0, 1], 0.5).extra_logs).toBe(false);
  });

  it('a component named like a diagnostic keeps its name; the diagnostic moves aside', () => {
    const response = openRlhfResponse([result(1)], ['gated'], [0, 1], 0.5);
    expect(Object.keys(response.extra_logs).slice(0, 3)).toEqual(['gated', 'neutral', 'rewardkit_gated']);
  });
});
