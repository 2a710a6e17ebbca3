/**
 * Chunking for `score --queue`: without a group judge a chunk is the next N rows; with one, the chunks hold whole
 * groups, and scoring them chunk by chunk (chunk-scorer.ts, as a worker does) gives exactly what `score` gives
 * streaming the same lines through its group session with the same --group-window, --resume point included — the
 * same groups, members, rewards, flags (`group_cut`) and group counts — for any mix of interleaved groups, lines that
 * are not JSON, unreadable rows and empty responses (property test against the fake judge).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupJudgeReply, groupRollouts } from '../../test/support/group-judge.js';
import { testSpec } from '../../test/support/test-spec.js';
import { useFakeJudge } from '../../test/support/use-fake-judge.js';
import { GroupedScoring } from '../cli/group-window.js';
import { createReward } from '../reward.js';
import type { RewardResult } from '../result.js';
import { createChunkPlanner, type InputLine, type PlannedChunk } from './chunk-planner.js';
import { scoreChunk } from './chunk-scorer.js';

const judge = useFakeJudge((request) =>
  groupRollouts(request.user).length > 0
    ? groupJudgeReply(request, { scoreOf: (text) => Number(/\d+/.exec(text)?.[0] ?? 0) })
    : { content: '{}' },
);
const rank = { type: 'group', name: 'rank', criteria: 'The larger number is better.', orders: 1 };

type Kind = 'A' | 'B' | 'C' | 'D' | 'not-json' | 'no-response' | 'empty';

/** Input lines: a row of group A–D (its number unique per line, so no two group calls are alike), or a bad line. */
function linesOf(kinds: readonly Kind[]): InputLine[] {
  return kinds.map((kind, index) => {
    const line = index + 1;
    if (kind === 'not-json') return { line, error: `line ${line} is not valid JSON` };
    if (kind === 'no-response') return { line, value: { id: `r${line}`, prompt: 'Pick a number for A.' } };
    const group = kind === 'empty' ? 'B' : kind;
    return {
      line,
      value: { id: `r${line}`, prompt: `Pick a number for ${group}.`, response: kind === 'empty' ? '' : `${line % 11} (line ${line})` },
    };
  });
}

const withoutLatency = (result: object) =>
  JSON.stringify(result, (key, value: unknown) => (key === 'latency_ms' || key === 'judge_latency_ms' ? 0 : value));

/** What `score` computes: the lines after `resumeAt` through its group session (the earlier ones noted), by line. */
async function local(lines: InputLine[], window: number, resumeAt: number) {
  const reward = createReward(testSpec(judge.url, { judges: [rank] }));
  const grouped = new GroupedScoring(reward, window, undefined);
  for (const entry of lines.slice(0, resumeAt)) grouped.noteEarlier(entry);
  async function* after() {
    for (const entry of lines.slice(resumeAt)) yield await Promise.resolve(entry);
  }
  const scoring: Array<Promise<[number, RewardResult]>> = [];
  for await (const entry of grouped.stream(after())) {
    if ('error' in entry) grouped.skip();
    else scoring.push(grouped.add(entry.line, entry.value).then((result) => [entry.line, result]));
  }
  const results = new Map((await Promise.all(scoring)).map(([line, result]) => [line, withoutLatency({ line, ...result })]));
  return { results, stats: { ...grouped.session.stats } };
}

/** What `score --queue` computes: the planner's chunks, each scored as a worker scores it. */
async function queued(lines: InputLine[], window: number, resumeAt: number, chunkSize: number) {
  const reward = createReward(testSpec(judge.url, { judges: [rank] }));
  const planner = createChunkPlanner(reward, { chunkSize, window });
  for (const entry of lines.slice(0, resumeAt)) planner.noteEarlier(entry);
  const chunks: PlannedChunk[] = [];
  for (const entry of lines.slice(resumeAt)) chunks.push(...('error' in entry ? planner.skip() : planner.add(entry.line, entry.value)));
  chunks.push(...planner.end());
  const results = new Map<number, string>();
  const stats = { groups: 0, rows_in_groups: 0, cut: 0 };
  for (const [index, chunk] of chunks.entries()) {
    const scored = await scoreChunk(reward, { format: 1, run: 'test', index, rows: chunk.rows, earlier: chunk.earlier }, undefined);
    scored.lines.forEach((text) => {
      const line = (JSON.parse(text) as { line: number }).line;
      expect(results.has(line)).toBe(false); // each row in exactly one chunk
      results.set(line, withoutLatency(JSON.parse(text) as object));
    });
    for (const key of ['groups', 'rows_in_groups', 'cut'] as const) stats[key] += scored.groups![key];
  }
  return { results, stats, chunks };
}

describe('chunk planner', () => {
  it('without a group judge: the next N rows, lines that are not JSON left out', () => {
    const planner = createChunkPlanner(
      createReward(testSpec(judge.url, { judges: [{ type: 'rubric', criteria: [{ id: 'ok', description: 'fine' }] }] })),
      {
        chunkSize: 3,
        window: 1024,
      },
    );
    const chunks: PlannedChunk[] = [];
    for (const entry of linesOf(['A', 'B', 'not-json', 'C', 'D', 'A', 'B']))
      chunks.push(...('error' in entry ? planner.skip() : planner.add(entry.line, entry.value)));
    chunks.push(...planner.end());
    expect(chunks.map((chunk) => chunk.rows.map((row) => row.line))).toEqual([
      [1, 2, 4],
      [5, 6, 7],
    ]);
  });

  it('with a group judge: interleaved groups go whole into chunks, each chunk in input order, the cut part apart with its earlier row', () => {
    const planner = createChunkPlanner(createReward(testSpec(judge.url, { judges: [rank] })), { chunkSize: 2, window: 4 });
    const chunks: PlannedChunk[] = [];
    for (const entry of linesOf(['A', 'B', 'A', 'C', 'B', 'A', 'A']))
      chunks.push(...planner.add(entry.line, (entry as { value: unknown }).value));
    chunks.push(...planner.end());
    // A (1, 3) closes at line 5, B (2, 5) at line 6; A again from line 6 is cut, with line 1 to note; C (4) closes at the end
    expect(chunks.map((chunk) => [chunk.rows.map((row) => row.line), chunk.earlier.map((row) => (row as { id: string }).id)])).toEqual([
      [[1, 3], []],
      [[2, 5], []],
      [[4, 6, 7], ['r1']],
    ]);
  });

  it('scoring the chunks one by one gives what score gives streaming the same lines (groups, rewards, flags, counts)', async () => {
    judge.requests.length = 0;
    const kinds = fc.constantFrom<Kind>('A', 'A', 'B', 'B', 'C', 'D', 'not-json', 'no-response', 'empty');
    await fc.assert(
      fc.asyncProperty(
        fc.array(kinds, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        async (kindList, window, chunkSize, resumeSeed) => {
          const lines = linesOf(kindList);
          const resumeAt = resumeSeed % (lines.length + 1);
          const expected = await local(lines, window, resumeAt);
          const actual = await queued(lines, window, resumeAt, chunkSize);
          const rows = lines
            .slice(resumeAt)
            .filter((entry) => 'value' in entry)
            .map((entry) => entry.line);
          expect([...actual.results.keys()].sort((a, b) => a - b)).toEqual(rows);
          expect(rows.map((line) => actual.results.get(line))).toEqual(rows.map((line) => expected.results.get(line)));
          expect(actual.stats).toEqual(expected.stats);
          for (const chunk of actual.chunks)
            expect(chunk.rows.map((row) => row.line)).toEqual([...chunk.rows.map((row) => row.line)].sort((a, b) => a - b));
        },
      ),
      { numRuns: 40, seed: 1414 },
    );
    expect(judge.requests.length).toBeGreaterThan(0);
  }, 120_000);
});
