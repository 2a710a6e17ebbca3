/**
 * Scoring one chunk in a worker, as a local `score` run scores the same rows: each row alone (`reward.score`, with the
 * run's row deadline), or — with a group judge — through one group session over the chunk (whose rows are whole
 * groups: chunk-planner.ts), after noting the earlier rows the chunk carries so a cut group is flagged `group_cut`.
 * Returns each row's output line exactly as `score` writes it, and the chunk's group counts.
 */
import type { Reward } from '../reward.js';
import { mapWithConcurrency } from '../runtime/ordered-map.js';
import type { ChunkJob, ChunkResult } from './chunk-job.js';

export async function scoreChunk(reward: Reward, chunk: ChunkJob, rowDeadlineMs: number | undefined): Promise<ChunkResult> {
  const lineOf = (index: number, result: object) => JSON.stringify({ line: chunk.rows[index]!.line, ...result });
  if (reward.groupsJudged) {
    // no window: the chunk holds whole groups, closed when the chunk ends
    const session = reward.openGroupSession(rowDeadlineMs ? { groupDeadlineMs: rowDeadlineMs } : {});
    for (const row of chunk.earlier) session.noteEarlierRow(row);
    const scoring = chunk.rows.map(({ line, row }) => session.add(row, { fallbackId: `line-${line}` }));
    session.end();
    const results = await Promise.all(scoring);
    return { lines: results.map((result, index) => lineOf(index, result)), groups: { ...session.stats } };
  }
  const results = await mapWithConcurrency(chunk.rows, reward.suggestedRowConcurrency, ({ line, row }) =>
    reward.score(row, { fallbackId: `line-${line}`, ...(rowDeadlineMs ? { deadlineMs: rowDeadlineMs } : {}) }),
  );
  return { lines: results.map((result, index) => lineOf(index, result)) };
}
