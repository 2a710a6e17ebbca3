/**
 * Group sessions end to end against the fake judge (its group answerer scores each rollout by the number in its
 * text): the window closes a group `window` rows after its first row and flags the later part `group_cut`; rows noted
 * from an earlier run and skipped rows count toward the window; gated and empty rows are left out of the group call;
 * the group component composes with checks and a rubric judge; a group deadline; a failing group judge; scoreBatch.
 */
import { describe, expect, it } from 'vitest';
import { useFakeJudge } from '../test/support/use-fake-judge.js';
import { criteriaVerdict, testSpec } from '../test/support/test-spec.js';
import { groupJudgeReply, groupRollouts } from '../test/support/group-judge.js';
import type { FakeRequest } from '../test/support/fake-judge-server.js';
import { createReward } from './reward.js';
import { createGroupSession } from './group-session.js';
import { createRowPhases } from './row-phases.js';
import type { GroupJudge } from './judges/judge.js';
import type { RewardResult } from './result.js';

const judge = useFakeJudge();
/** The fake judge reads the number in each rollout as its score (0–10). */
const numberIn = (text: string) => Number(/\d+/.exec(text)?.[0] ?? 0);
const groupReply = (request: FakeRequest) => groupJudgeReply(request, { scoreOf: numberIn });
const rank = { type: 'group', name: 'rank', criteria: 'The larger number is better.', orders: 1 };
const row = (id: string, group: string, score: number) => ({ id, prompt: `Pick a number for ${group}.`, response: `answer ${score}` });
/** The rollouts of each group call as the fake judge read them, sorted (slots are in canonical order, calls run at once). */
const callTexts = () =>
  judge.requests
    .map((request) =>
      groupRollouts(request.user)
        .map((rollout) => rollout.text)
        .sort(),
    )
    .sort((a, b) => a.join().localeCompare(b.join()));
const summary = (results: RewardResult[]) => results.map((result) => [result.id, result.reward, result.flags]);

describe('group session window', () => {
  it('closes a group `window` rows after its first row; the later part is judged alone and flagged group_cut', async () => {
    judge.setScript(groupReply);
    const session = createReward(testSpec(judge.url, { judges: [rank] })).openGroupSession({ window: 4 });
    const rows = [row('a1', 'A', 7), row('b1', 'B', 2), row('a2', 'A', 3), row('b2', 'B', 8), row('c1', 'C', 5), row('a3', 'A', 9)];
    const pending = rows.slice(0, 5).map((value, index) => session.add(value, { fallbackId: `line-${index + 1}` }));
    // row 5 is 4 rows after a1: group A closed and was judged before the session ended
    const first = await pending[0]!;
    expect([first.reward, callTexts()]).toEqual([0.7, [['answer 3', 'answer 7']]]);
    pending.push(session.add(rows[5], { fallbackId: 'line-6' })); // 4 rows after b1: B closes; A's third row comes too late
    session.end();
    expect(summary(await Promise.all(pending))).toEqual([
      ['a1', 0.7, []],
      ['b1', 0.2, []],
      ['a2', 0.3, []],
      ['b2', 0.8, []],
      ['c1', 0.5, []],
      ['a3', 0.9, ['group_cut']],
    ]);
    expect(callTexts()).toEqual([['answer 2', 'answer 8'], ['answer 3', 'answer 7'], ['answer 5'], ['answer 9']]);
    expect(session.stats).toEqual({ groups: 4, rows_in_groups: 6, cut: 1 });
  });

  it('a row noted from an earlier run cuts its group within the window; skipped rows count toward the window', async () => {
    judge.setScript(groupReply);
    const reward = createReward(testSpec(judge.url, { judges: [rank] }));
    const resumed = reward.openGroupSession({ window: 3 });
    resumed.noteEarlierRow(row('a0', 'A', 1)); // position 0
    resumed.noteEarlierRow(row('z0', 'Z', 1)); // position 1
    const results = [row('a1', 'A', 6), row('b1', 'B', 4)].map((value, index) => resumed.add(value, { fallbackId: `${index}` }));
    resumed.skip(); // position 4: 3 rows after z0, so Z is forgotten
    results.push(resumed.add(row('z1', 'Z', 2), { fallbackId: 'z' }));
    resumed.end();
    expect(summary(await Promise.all(results))).toEqual([
      ['a1', 0.6, ['group_cut']],
      ['b1', 0.4, []],
      ['z1', 0.2, []],
    ]);
    expect(resumed.stats).toEqual({ groups: 3, rows_in_groups: 3, cut: 1 });

    const skipping = reward.openGroupSession({ window: 2 });
    const lone = skipping.add(row('s1', 'S', 5), { fallbackId: 's1' });
    skipping.skip();
    skipping.skip(); // 2 rows after s1: its group closes without end()
    expect((await lone).reward).toBe(0.5);
    const late = skipping.add(row('s2', 'S', 6), { fallbackId: 's2' });
    skipping.end();
    expect((await late).flags).toEqual(['group_cut']);
    expect(() => skipping.add(row('s3', 'S', 6), { fallbackId: 's3' })).toThrow('group session: add() after end()');
  });
});

describe('group session composition', () => {
  it('leaves gated and empty rows out of the group call; the group component composes with checks and a rubric judge', async () => {
    judge.setScript((request) =>
      groupRollouts(request.user).length > 0 ? groupReply(request) : { content: criteriaVerdict({ correct: true, concise: false }) },
    );
    const spec = testSpec(judge.url, {
      checks: [{ type: 'json', name: 'format', gate: { min_score: 1, floor: 0.1 } }],
      judges: [
        {
          type: 'rubric',
          name: 'quality',
          weight: 2,
          criteria: [
            { id: 'correct', description: 'correct', weight: 3 },
            { id: 'concise', description: 'concise', weight: 1 },
          ],
        },
        { ...rank, weight: 3 },
      ],
    });
    const rows = ['{"n": 7}', 'not json', '{"n": 3}', '  ', '{"n": 5}'].map((response, index) => ({
      id: `r${index}`,
      prompt: 'q',
      response,
    }));
    const results = await createReward(spec).scoreBatch(rows);
    // format 1 (w 1), quality 0.75 (w 2), rank n/10 (w 3): (1 + 1.5 + 3·n/10) / 6
    expect(summary(results)).toEqual([
      ['r0', 0.766667, []],
      ['r1', 0.1, ['gated']],
      ['r2', 0.566667, []],
      ['r3', 0, ['empty_response']],
      ['r4', 0.666667, []],
    ]);
    expect(results[1]!.components.map((component) => [component.name, component.status])).toEqual([
      ['format', 'scored'],
      ['quality', 'skipped'],
      ['rank', 'skipped'],
    ]);
    expect(results[0]!.components.map((component) => component.name)).toEqual(['format', 'quality', 'rank']);
    const groupCalls = judge.requests.filter((request) => groupRollouts(request.user).length > 0);
    expect(groupCalls.map((request) => groupRollouts(request.user).map((rollout) => rollout.label))).toEqual([['A', 'B', 'C']]);
    expect(judge.requests).toHaveLength(4); // 3 rubric calls + 1 group call
    // the owner (first judged row) carries the group call; calls are counted once
    expect(results.map((result) => result.metrics.judge_calls)).toEqual([2, 0, 1, 0, 1]);
    expect(results[2]!.components[2]!.details!.group).toMatchObject({ owner: 'r0', rows: 5, judged: 3 }); // rows: the whole group, gated and empty too
  });

  it('judges interleaved groups whole in scoreBatch, results in input order; a singleton is a group of one', async () => {
    judge.setScript(groupReply);
    const reward = createReward(testSpec(judge.url, { judges: [{ ...rank, orders: 2 }] }));
    expect(reward.groupsJudged).toBe(true);
    const rows = [row('a1', 'A', 1), row('b1', 'B', 6), row('a2', 'A', 4), row('b2', 'B', 9), row('a3', 'A', 2), row('c1', 'C', 3)];
    const results = await reward.scoreBatch(rows);
    expect(summary(results)).toEqual([
      ['a1', 0.1, []],
      ['b1', 0.6, []],
      ['a2', 0.4, []],
      ['b2', 0.9, []],
      ['a3', 0.2, []],
      ['c1', 0.3, []],
    ]);
    // 2 orders for each group of several rollouts, 1 for the group of one
    expect(callTexts()).toEqual([
      ['answer 1', 'answer 2', 'answer 4'],
      ['answer 1', 'answer 2', 'answer 4'],
      ['answer 3'],
      ['answer 6', 'answer 9'],
      ['answer 6', 'answer 9'],
    ]);
    expect(results.map((result) => result.metrics.judge_calls)).toEqual([2, 2, 0, 0, 0, 1]);
    expect(results[5]!.components[0]!.calls!.map((call) => call.template_version)).toEqual(['group@1']);
  });

  it('a group call past groupDeadlineMs fails its rows as a deadline', async () => {
    judge.setScript((request) => ({ ...(groupReply(request) as { content: string }), delayMs: 1500 }));
    const session = createReward(testSpec(judge.url, { judges: [rank] })).openGroupSession({ groupDeadlineMs: 50 });
    const results = [row('a1', 'A', 1), row('a2', 'A', 2)].map((value, index) => session.add(value, { fallbackId: `${index}` }));
    session.end();
    expect(summary(await Promise.all(results))).toEqual([
      ['a1', 0.5, ['judge_error', 'deadline_exceeded']],
      ['a2', 0.5, ['judge_error', 'deadline_exceeded']],
    ]);
  });

  it('a group judge that throws or answers for the wrong number of rows fails every judged row, never the session', async () => {
    const spec = testSpec(judge.url, { judges: [rank] });
    for (const [runGroup, message] of [
      [() => Promise.reject(new Error('boom')), 'boom'],
      [() => Promise.resolve([]), 'group judge "rank" gave 0 results for 2 rollouts'],
    ] as const) {
      const stub: GroupJudge = {
        name: 'rank',
        type: 'group',
        weight: 1,
        modelKey: 'stub',
        prompts: () => [],
        run: () => Promise.reject(new Error('unused')),
        groupKey: () => 'one group',
        groupPrompts: () => [],
        runGroup,
      };
      const engine = {
        judges: [stub],
        phases: createRowPhases(spec, [stub], 'hash'),
        suggestedRowConcurrency: 4,
        callerFor: () => () => Promise.reject(new Error('no calls')),
      };
      const session = createGroupSession(engine);
      const results = [row('a1', 'A', 1), row('a2', 'A', 2)].map((value, index) => session.add(value, { fallbackId: `${index}` }));
      session.end();
      const scored = await Promise.all(results);
      expect(summary(scored)).toEqual([
        ['a1', 0.5, ['judge_error']],
        ['a2', 0.5, ['judge_error']],
      ]);
      expect(scored[0]!.components[0]!.error).toEqual({ kind: 'unknown', message });
    }
  });
});
