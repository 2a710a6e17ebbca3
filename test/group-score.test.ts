/**
 * `rewardkit score` with a group judge, in-process against the fake judge (its group answerer scores each rollout by
 * the number in its text): interleaved groups are judged whole with the default window; `--group-window` cuts a
 * group that spans more rows, flags the later part and says so in the summary; `--resume` in the middle of a group
 * flags the rest `group_cut`; `--retry-errors` judges whole groups again; `--dry-run` counts group calls. Output
 * lines stay in input order throughout.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { criteriaVerdict } from './support/test-spec.js';
import { groupJudgeReply, groupRollouts } from './support/group-judge.js';
import type { FakeRequest } from './support/fake-judge-server.js';
import { useFakeJudge } from './support/use-fake-judge.js';

/** Group calls: scores by the number in each rollout; any other call (the rubric): `ok` passes. */
const answer = (request: FakeRequest) =>
  groupRollouts(request.user).length > 0
    ? groupJudgeReply(request, { scoreOf: (text) => Number(/\d+/.exec(text)?.[0] ?? 0) })
    : { content: criteriaVerdict({ ok: true }) };
const judge = useFakeJudge(answer);

let dir: string;
let groupSpec: string;
let mixedSpec: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-group-score-'));
  groupSpec = join(dir, 'group.yaml');
  writeFileSync(groupSpec, 'judges:\n  - {type: group, name: rank, criteria: The larger number is better.}\n');
  mixedSpec = join(dir, 'mixed.yaml');
  writeFileSync(
    mixedSpec,
    'judges:\n' +
      '  - {type: rubric, name: quality, criteria: [{id: ok, description: fine}]}\n' +
      '  - {type: group, name: rank, orders: 1, criteria: The larger number is better.}\n',
  );
});

type Line = { line: number; id: string; reward: number; flags: string[] };
const rowsOf = (rows: Array<[id: string, group: string, score: number]>) =>
  rows.map(([id, group, score]) => JSON.stringify({ id, prompt: `Pick a number for ${group}.`, response: `answer ${score}` })).join('\n') +
  '\n';
const writeInput = (name: string, rows: Array<[string, string, number]>) => {
  const path = join(dir, name);
  writeFileSync(path, rowsOf(rows));
  return path;
};
const parsed = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
const summary = (file: string) => parsed(file).map((line) => [line.line, line.id, line.reward, line.flags]);
const fake = () => ['--judge', 'openai-compatible:fake', '--judge-base-url', judge.url, '--no-cache'];
const labelCounts = () => judge.requests.map((request) => groupRollouts(request.user).length).sort();

describe('rewardkit score with a group judge', () => {
  it('judges interleaved groups whole with the default window; output in input order; the summary counts groups', async () => {
    const input = writeInput('interleaved.jsonl', [
      ['a1', 'A', 1],
      ['b1', 'B', 6],
      ['a2', 'A', 4],
      ['b2', 'B', 9],
      ['a3', 'A', 2],
      ['b3', 'B', 3],
    ]);
    const output = join(dir, 'interleaved-out.jsonl');
    const result = await runCli('score', '--spec', groupSpec, '--input', input, '--output', output, ...fake());
    expect(result.code).toBe(0);
    expect(summary(output)).toEqual([
      [1, 'a1', 0.1, []],
      [2, 'b1', 0.6, []],
      [3, 'a2', 0.4, []],
      [4, 'b2', 0.9, []],
      [5, 'a3', 0.2, []],
      [6, 'b3', 0.3, []],
    ]);
    expect(labelCounts()).toEqual([3, 3, 3, 3]); // 2 groups × 2 orders, 3 rollouts each
    expect(result.stderr).toContain('\ngroups: 2 judged (mean size 3), 0 cut by the window (1024 rows)\n');
    expect(result.stderr).toMatch(/\njudge calls per rollout +0\.667\n/); // 4 calls for 6 rows, each counted once
  });

  it('--group-window 4 cuts a group spanning 6 rows: the later part is judged alone, flagged group_cut, and the summary says so', async () => {
    const input = writeInput('spread.jsonl', [
      ['a1', 'A', 7],
      ['a2', 'A', 3],
      ['b1', 'B', 2],
      ['b2', 'B', 8],
      ['c1', 'C', 5],
      ['a3', 'A', 9],
    ]);
    const output = join(dir, 'spread-out.jsonl');
    const result = await runCli('score', '--spec', groupSpec, '--input', input, '--output', output, '--group-window', '4', ...fake());
    expect(result.code).toBe(0);
    expect(summary(output)).toEqual([
      [1, 'a1', 0.7, []],
      [2, 'a2', 0.3, []],
      [3, 'b1', 0.2, []],
      [4, 'b2', 0.8, []],
      [5, 'c1', 0.5, []],
      [6, 'a3', 0.9, ['group_cut']],
    ]);
    expect(labelCounts()).toEqual([1, 1, 2, 2, 2, 2]); // A's first part and B: 2 orders each; C and A's cut part: 1 call
    expect(result.stderr).toContain(
      '\ngroups: 4 judged (mean size 1.5), 1 cut by the window (4 rows): sort the input by group or raise --group-window\n',
    );
  });

  it('--resume in the middle of a group flags the rest of it group_cut', async () => {
    const input = writeInput('resume.jsonl', [
      ['a1', 'A', 4],
      ['a2', 'A', 6],
      ['a3', 'A', 8],
      ['b1', 'B', 5],
    ]);
    const output = join(dir, 'resume-out.jsonl');
    // the first run stops reading after 2 rows (as Ctrl-C would): the rows read so far are judged and written
    expect((await runCli('score', '--spec', groupSpec, '--input', input, '--output', output, '--limit', '2', ...fake())).code).toBe(0);
    const resumed = await runCli('score', '--spec', groupSpec, '--input', input, '--output', output, '--resume', ...fake());
    expect(resumed.code).toBe(0);
    expect(summary(output)).toEqual([
      [1, 'a1', 0.4, []],
      [2, 'a2', 0.6, []],
      [3, 'a3', 0.8, ['group_cut']],
      [4, 'b1', 0.5, []],
    ]);
    expect(resumed.stderr).toContain('resumed after input line 2\n');
    expect(resumed.stderr).toContain(
      '\ngroups: 2 judged (mean size 1), 1 cut by the window (1024 rows): sort the input by group or raise --group-window\n',
    );
  });

  it('--retry-errors judges the whole group of a failed row again; other lines are kept byte for byte', async () => {
    const input = writeInput('retry.jsonl', [
      ['a1', 'A', 2],
      ['b1', 'B', 4],
      ['a2', 'A', 6],
      ['b2', 'B', 8],
    ]);
    const output = join(dir, 'retry-out.jsonl');
    // the rubric call of b2 fails once
    judge.setScript((request) =>
      groupRollouts(request.user).length === 0 && request.user.includes('answer 8')
        ? { status: 400, body: { error: { message: 'no' } } }
        : answer(request),
    );
    try {
      expect((await runCli('score', '--spec', mixedSpec, '--input', input, '--output', output, '--quiet', ...fake())).code).toBe(0);
    } finally {
      judge.setScript(answer);
    }
    const before = readFileSync(output, 'utf8').split('\n');
    expect(summary(output)).toEqual([
      [1, 'a1', 0.6, []],
      [2, 'b1', 0.7, []],
      [3, 'a2', 0.8, []],
      [4, 'b2', 0.5, ['judge_error']],
    ]);
    judge.requests.length = 0;
    const retry = await runCli('score', '--spec', mixedSpec, '--input', input, '--output', output, '--retry-errors', ...fake());
    expect(retry.code).toBe(0);
    expect(retry.stderr).toContain(
      `score --retry-errors: judged 2 of 4 rows again in ${output} (2 now judged, 0 failed again and stay flagged); the other lines are unchanged`,
    );
    expect(summary(output)).toEqual([
      [1, 'a1', 0.6, []],
      [2, 'b1', 0.7, []],
      [3, 'a2', 0.8, []],
      [4, 'b2', 0.9, []],
    ]);
    const after = readFileSync(output, 'utf8').split('\n');
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    expect(labelCounts()).toEqual([0, 0, 2]); // b1's and b2's rubric calls, and one call for group B (orders: 1)
  });

  it('--dry-run counts one call per group and order, and shows the first group', async () => {
    const input = writeInput('dry.jsonl', [
      ['a1', 'A', 1],
      ['b1', 'B', 2],
      ['a2', 'A', 3],
    ]);
    const result = await runCli('score', '--spec', groupSpec, '--input', input, '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# Group judge rank: the first group has 2 rows ("a1", "a2"), 2 calls\n');
    expect(result.stdout).toContain(
      '\n3 rows: a real run would make 3 judge calls, 3 of them for 2 groups (windows of 1024 rows) ' +
        '(0 rows stopped by a gate, 0 empty responses, 0 unreadable lines).\n',
    );
    expect(judge.requests).toHaveLength(0);
  });

  it('--group-window takes a positive whole number, and the help says what it does', async () => {
    const input = writeInput('one.jsonl', [['a1', 'A', 1]]);
    const bad = await runCli('score', '--spec', groupSpec, '--input', input, '--group-window', '0', ...fake());
    expect([bad.code, bad.stderr.trim()]).toEqual([2, '--group-window: expected a positive whole number, got "0"']);
    const help = await runCli('score', '--help');
    expect(help.stdout).toContain('--group-window N        with a group judge (type: group): rows of one group are judged together when');
  });
});
