/**
 * `lab regress` end to end: the suite the contract-review example ships passes under the scripted fake
 * judge; a stricter judge breaks a case (exit 7) and the table names it and what moved against the
 * baseline; a judge failure is an error, never a pass (exit 8); a bad suite is exit 3.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractReviewJudge, loadFakeVerdicts } from '../support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { readJson, runLab, tempDir } from './support/run-lab.js';

const SUITE = 'examples/contract-review/judge-suite.yaml';
let judge: FakeJudge;
let dir: string;
let baseline: string;
beforeAll(async () => {
  judge = await startFakeJudge(contractReviewJudge());
  dir = tempDir('regress');
  baseline = join(dir, 'baseline.json');
});
afterAll(() => judge.close());

const flags = () => ['--judge', 'openai-compatible:fake', '--judge-base-url', judge.url];

interface Case {
  name: string;
  status: string;
  reward: number | null;
  moved: boolean;
  reward_delta: number | null;
  error?: string;
  expectations: Array<{ what: string; expected: string; actual: unknown; ok: boolean }>;
}

describe('lab regress', () => {
  it('passes the shipped contract-review suite under the scripted judge (exit 0)', async () => {
    judge.setScript(contractReviewJudge());
    judge.requests.length = 0;
    const run = await runLab('regress', '--suite', SUITE, ...flags(), '--json', baseline);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('regress: 18/18 cases pass, 0 failed, 0 errored');
    const result = readJson<Record<string, unknown> & { cases: Case[]; source: { spec: string; input: string; cache: null } }>(baseline);
    expect(Object.keys(result)).toEqual([
      'rewardkit_lab',
      'command',
      'source',
      'settings',
      'suite',
      'baseline',
      'move_tolerance',
      'summary',
      'statistics',
      'cases',
      'verbosity_bias',
    ]);
    expect(result.summary).toEqual({ cases: 18, passed: 18, failed: 0, errored: 0, moved: 0, newly_failing: 0 });
    expect(result.statistics).toEqual({
      pass_rate: { value: 1, ci95: null, ci95_reason: 'a fixed test suite, not a sample: no interval' },
    });
    expect(result.source).toMatchObject({
      kind: 'engine',
      spec: resolve('examples/contract-review/spec.yaml'),
      input: resolve('examples/contract-review/rollouts.jsonl'),
      cache: null,
    });
    const injection = result.cases.find((entry) => entry.name === 'an instruction to the judge inside a comment does not raise its score')!;
    expect(injection).toMatchObject({ status: 'pass', reward: 0.8 });
    expect(injection.expectations).toEqual([
      { what: 'reward', expected: '≤ 0.9', actual: 0.8, ok: true },
      { what: 'verdicts.review_quality.actionability', expected: '≤ 2', actual: 4 / 3, ok: true },
    ]);
    expect(result.cases.find((entry) => entry.name === 'malformed JSON is gated to 0 without a judge call')!.expectations).toEqual([
      { what: 'reward', expected: '= 0', actual: 0, ok: true },
      { what: 'gated_by', expected: 'format', actual: 'format', ok: true },
      { what: 'components.review_quality.status', expected: 'skipped', actual: 'skipped', ok: true },
    ]);
    // No persistent cache by default: a regression run asks the judge afresh.
    expect(judge.requests.length).toBeGreaterThan(0);
  });

  it('fails (exit 7) when a stricter judge breaks a case, and shows what moved against the baseline', async () => {
    const strict = loadFakeVerdicts();
    for (const verdict of Object.values(strict)) verdict.actionability = Math.max(1, verdict.actionability - 1);
    judge.setScript(contractReviewJudge(strict));
    const json = join(dir, 'strict.json');
    const run = await runLab('regress', '--suite', SUITE, ...flags(), '--baseline', baseline, '--json', json);
    expect(run.code).toBe(7);
    const result = readJson<{ summary: Record<string, number>; cases: Case[] }>(json);
    const failed = result.cases.filter((entry) => entry.status === 'fail');
    expect(failed.map((entry) => entry.name)).toEqual(['a good NDA review scores near the top']);
    expect(failed[0]!.expectations.filter((outcome) => !outcome.ok)).toEqual([
      { what: 'verdicts.review_quality.actionability', expected: '≥ 4', actual: 11 / 3, ok: false },
    ]);
    expect(result.summary).toMatchObject({ cases: 18, passed: 17, failed: 1, errored: 0, newly_failing: 1 });
    const nda = result.cases.find((entry) => entry.name === 'a good NDA review scores near the top')!;
    expect(nda).toMatchObject({ moved: true, reward: 0.933333, reward_delta: -0.05 });
    const malformed = result.cases.find((entry) => entry.name === 'malformed JSON is gated to 0 without a judge call')!;
    expect(malformed).toMatchObject({ moved: false, reward_delta: 0 });
    expect(run.stdout).toMatch(
      /a good NDA review scores near the top\s+fail\s+0\.933\s+pass 0\.983\s+verdicts\.review_quality\.actionability ≥ 4, got 3\.666667/,
    );
  });

  it('counts a case the judge could not judge as an error, never a pass (exit 8)', async () => {
    const script = contractReviewJudge();
    judge.setScript((request) =>
      request.user.includes('"comment_id": "loan-vague-c1"')
        ? { status: 400, body: { error: { message: 'scripted failure' } } }
        : script(request),
    );
    const json = join(dir, 'errored.json');
    const run = await runLab('regress', '--suite', SUITE, ...flags(), '--json', json);
    expect(run.code).toBe(8);
    const result = readJson<{ cases: Case[] }>(json);
    const loan = result.cases.find((entry) => entry.name === 'vague actions score low on actionability (loan)')!;
    expect(loan.status).toBe('error');
    expect(loan.reward).toBe(0.5); // the neutral fallback — which must not pass
    expect(loan.error).toMatch(/^judge review_quality: bad_request — /);
  });

  it('rejects an invalid suite (exit 3) with the field path, and a row id the rows file lacks', async () => {
    const bad = join(dir, 'bad-suite.yaml');
    writeFileSync(bad, 'spec: ../nowhere.yaml\ncases:\n  - name: x\n    expect: {reward: {min: 2, max: 1}}\n');
    const invalid = await runLab('regress', '--suite', bad, ...flags());
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('invalid judge suite:');
    expect(invalid.stderr).toContain('cases.0: expected exactly one of row_id or row');
    expect(invalid.stderr).toContain('cases.0.expect.reward');

    const missing = join(dir, 'missing-row.yaml');
    writeFileSync(
      missing,
      `spec: ${resolve('examples/contract-review/spec.yaml')}\nrows: ${resolve('examples/contract-review/rollouts.jsonl')}\ncases:\n  - {name: ghost, row_id: nobody, expect: {reward: 1}}\n`,
    );
    const ghost = await runLab('regress', '--suite', missing, ...flags());
    expect(ghost.code).toBe(3);
    expect(ghost.stderr).toContain('case "ghost": no row with id "nobody"');
    expect((await runLab('regress', ...flags())).code).toBe(2);
  });
});
