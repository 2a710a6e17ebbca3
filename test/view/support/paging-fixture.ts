/**
 * Files large enough to page through, made from the view fixture's real score run: the 38 contract-review rollouts
 * and their score records repeated COPIES times, copy c of a row under the id `<id>#<c>` at line c × 38 + its line.
 * - `scored` / `rollouts`: 266 rows — the row list has three pages of 100;
 * - `afterScored` / `afterRollouts`: the same rows and ids, every reward raised by 0.1 (capped at 1).
 * Paired by id (no inputs) the two runs make 266 prompt pairs — the pair list has three pages; paired by prompt (with
 * the inputs) they make 12 prompts of 21–28 rows a side — more than one page (MAX_PAIR_ROWS) of a prompt's rows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLLOUTS, type ViewFixture } from './view-fixture.js';

export const COPIES = 7;

export interface PagingFixture {
  scored: string;
  rollouts: string;
  afterScored: string;
  afterRollouts: string;
  /** Every row id of `scored`, in file order. */
  ids: string[];
}

export function writePagingFixture(fixture: ViewFixture): PagingFixture {
  const rollouts = readFileSync(ROLLOUTS, 'utf8').trim().split('\n');
  const results = readFileSync(fixture.scored, 'utf8').trim().split('\n');
  const out = { rollouts: [] as string[], scored: [] as string[], afterScored: [] as string[], ids: [] as string[] };
  for (let copy = 0; copy < COPIES; copy += 1) {
    rollouts.forEach((text, index) => {
      const row = JSON.parse(text) as { id: string };
      const result = JSON.parse(results[index]!) as { id: string; line: number; reward: number | null };
      const id = `${row.id}#${copy}`;
      const line = copy * rollouts.length + result.line;
      out.ids.push(id);
      out.rollouts.push(JSON.stringify({ ...row, id }));
      out.scored.push(JSON.stringify({ ...result, id, line }));
      const raised = result.reward === null ? null : Math.min(1, Math.round((result.reward + 0.1) * 1e6) / 1e6);
      out.afterScored.push(JSON.stringify({ ...result, id, line, reward: raised }));
    });
  }
  const write = (name: string, lines: string[]) => {
    const path = join(fixture.dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const rolloutsPath = write('paging.rollouts.jsonl', out.rollouts);
  return {
    scored: write('paging.scored.jsonl', out.scored),
    rollouts: rolloutsPath,
    afterScored: write('paging.after.scored.jsonl', out.afterScored),
    afterRollouts: rolloutsPath,
    ids: out.ids,
  };
}
