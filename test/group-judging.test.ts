/**
 * Group judging through the reward (scoreBatch → group session → group judge → composition), against the fake
 * judge: which rows form a group (`group_id`, configurable, else the identical prompt — Nova rows by the messages
 * before the rollout, a rollout's own tool turns not splitting it), and a reply that leaves a rollout out, which fails
 * the whole group as a parse_error with the neutral reward and is never cached.
 */
import { describe, expect, it } from 'vitest';
import { createJudgeCache, createReward } from '../src/index.js';
import { groupJudgeReply, groupRollouts } from './support/group-judge.js';
import { testSpec } from './support/test-spec.js';
import { useFakeJudge } from './support/use-fake-judge.js';

const judge = useFakeJudge();
const numberIn = (text: string) => Number(/\d+/.exec(text)?.[0] ?? 0);
const rank = { type: 'group', name: 'rank', criteria: 'The larger number is better.', orders: 1 };
/** Each group call's rollouts, sorted; calls sorted (they run at once). */
const calls = () =>
  judge.requests
    .map((request) =>
      groupRollouts(request.user)
        .map((rollout) => rollout.text.split('\n').pop()!)
        .sort(),
    )
    .sort();

describe('which rows form a group', () => {
  it('`input.group_id` names the field: same-prompt rows with different ids are different groups', async () => {
    judge.setScript((request) => groupJudgeReply(request, { scoreOf: numberIn }));
    const reward = createReward(testSpec(judge.url, { input: { group_id: 'episode' }, judges: [rank] }));
    const rows = [
      { id: 'a', episode: 'e1', prompt: 'Pick a number.', response: 'answer 1' },
      { id: 'b', episode: 'e2', prompt: 'Pick a number.', response: 'answer 2' },
      { id: 'c', episode: 'e1', prompt: 'Pick a number.', response: 'answer 3' },
      { id: 'd', episode: 7, prompt: 'Pick a number.', response: 'answer 4' },
      { id: 'e', prompt: 'Pick a number.', response: 'answer 5', group_id: 'e1' }, // not the configured field: no group id
    ];
    const results = await reward.scoreBatch(rows);
    expect(results.map((result) => [result.id, result.reward])).toEqual([
      ['a', 0.1],
      ['b', 0.2],
      ['c', 0.3],
      ['d', 0.4],
      ['e', 0.5],
    ]);
    expect(calls()).toEqual([['answer 1', 'answer 3'], ['answer 2'], ['answer 4'], ['answer 5']]);
  });

  it('Nova rows group by the messages before the rollout; a rollout’s own tool turns do not split its group', async () => {
    judge.setScript((request) => groupJudgeReply(request, { scoreOf: numberIn }));
    const reward = createReward(testSpec(judge.url, { judges: [rank] }));
    const ask = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'How warm is it in the capital?' },
    ];
    const withTool = (id: string, city: string, answer: string) => ({
      id,
      messages: [
        ...ask,
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: `{"city":"${city}"}` } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: `${city}: mild` },
        { role: 'assistant', content: answer },
      ],
    });
    const rows = [
      withTool('n1', 'Paris', 'answer 6'),
      { id: 'n2', messages: [...ask, { role: 'assistant', content: 'answer 2' }] },
      withTool('n3', 'Berlin', 'answer 8'),
      {
        id: 'n4',
        messages: [
          { role: 'user', content: 'How warm is it in the capital?' },
          { role: 'assistant', content: 'answer 9' },
        ],
      },
    ];
    const results = await reward.scoreBatch(rows);
    expect(results.map((result) => [result.id, result.reward])).toEqual([
      ['n1', 0.6],
      ['n2', 0.2],
      ['n3', 0.8],
      ['n4', 0.9],
    ]);
    // n4 has no system prompt: another prompt, another group
    expect(calls()).toEqual([['answer 2', 'answer 6', 'answer 8'], ['answer 9']]);
  });
});

describe('a reply that leaves a rollout out', () => {
  it('fails all 8 rows as a parse_error, flagged judge_error, with the neutral reward; nothing is cached', async () => {
    judge.setScript((request) =>
      groupJudgeReply(request, { scoreOf: numberIn, answerLabels: (labels) => labels.filter((label) => label !== 'H') }),
    );
    const cache = await createJudgeCache({ path: ':memory:' });
    try {
      const reward = createReward(testSpec(judge.url, { judges: [rank] }), { cache });
      const rows = Array.from({ length: 8 }, (_unused, index) => ({
        id: `r${index}`,
        prompt: 'Pick a number.',
        response: `answer ${index}`,
      }));
      const results = await reward.scoreBatch(rows);
      expect(results.map((result) => [result.reward, result.neutral, result.flags])).toEqual(rows.map(() => [0.5, true, ['judge_error']]));
      expect(results.map((result) => [result.components[0]!.status, result.components[0]!.error!.kind])).toEqual(
        rows.map(() => ['error', 'parse_error']),
      );
      expect(results[0]!.components[0]!.error!.message).toBe('chunk 1 · order 1: missing score for rollout(s) H');
      expect(results.map((result) => result.metrics.judge_calls)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
      expect(judge.requests).toHaveLength(1);
      expect(cache.stats().entries).toBe(0);
    } finally {
      cache.close();
    }
  });
});
