/**
 * Scored files for the viewer's tests: the contract-review example scored for real (the `score` command against the
 * scripted fake judge, so every judge component carries its calls and raw replies), and an "after" run of the same
 * prompts under new ids with one prompt's rollouts left out and every reward raised by 0.1 (capped at 1) — the
 * shape `rewardkit compare` pairs by prompt.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractReviewJudge } from '../../support/contract-review-judge.js';
import { startFakeJudge, type FakeRequest } from '../../support/fake-judge-server.js';
import { runCli } from '../../support/run-cli.js';

export const SPEC = 'examples/contract-review/spec.yaml';
export const ROLLOUTS = 'examples/contract-review/rollouts.jsonl';
/** The prompt the after run leaves out (its rollouts' ids start with it). */
export const DROPPED_PROMPT = 'joint-venture';

export interface ViewFixture {
  dir: string;
  scored: string;
  afterScored: string;
  afterRollouts: string;
  /** The judge requests the score run sent (system and user prompt of each). */
  requests: Array<Pick<FakeRequest, 'system' | 'user'>>;
}

export async function writeViewFixture(): Promise<ViewFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'rewardkit-view-'));
  const scored = join(dir, 'scored.jsonl');
  const judge = await startFakeJudge(contractReviewJudge());
  let requests: ViewFixture['requests'];
  try {
    const run = await runCli(
      'score',
      '--spec',
      SPEC,
      '--input',
      ROLLOUTS,
      '--output',
      scored,
      '--no-cache',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-progress',
      '--quiet',
    );
    if (run.code !== 0) throw new Error(`score failed (${run.code}): ${run.stderr}`);
    requests = judge.requests.map(({ system, user }) => ({ system, user }));
  } finally {
    await judge.close();
  }
  const rollouts = readFileSync(ROLLOUTS, 'utf8').trim().split('\n');
  const results = readFileSync(scored, 'utf8').trim().split('\n');
  const afterRollouts: string[] = [];
  const afterScored: string[] = [];
  rollouts.forEach((text, index) => {
    const row = JSON.parse(text) as { id: string };
    if (row.id.startsWith(DROPPED_PROMPT)) return;
    const result = JSON.parse(results[index]!) as { id: string; line: number; reward: number | null };
    afterRollouts.push(JSON.stringify({ ...row, id: `ckpt-${row.id}` }));
    afterScored.push(
      JSON.stringify({
        ...result,
        id: `ckpt-${result.id}`,
        line: afterRollouts.length,
        reward: result.reward === null ? null : Math.min(1, Math.round((result.reward + 0.1) * 1e6) / 1e6),
      }),
    );
  });
  writeFileSync(join(dir, 'after.rollouts.jsonl'), `${afterRollouts.join('\n')}\n`);
  writeFileSync(join(dir, 'after.scored.jsonl'), `${afterScored.join('\n')}\n`);
  return { dir, scored, afterScored: join(dir, 'after.scored.jsonl'), afterRollouts: join(dir, 'after.rollouts.jsonl'), requests };
}

/** The scored file's records, in order. */
export function scoredRecords(path: string): Array<Record<string, unknown> & { id: string; reward: number | null; flags: string[] }> {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown> & { id: string; reward: number | null; flags: string[] });
}
