/**
 * `lab consistency` end to end against the fake judge: repeats ask the judge afresh (one cache namespace
 * per repeat), unjudged rows are left out, a failed repeat is a missing rating, flip rates per criterion
 * are counted by hand; `score` output files give the same analysis; and on the contract-review example a
 * deterministic judge is perfectly reliable and a re-run is answered from the cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreCommand } from '../../src/cli/score-command.js';
import { icc, krippendorffAlpha, spearman } from '../../src/lab/statistics/index.js';
import { contractReviewJudge } from '../support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge, type FakeReply, type FakeRequest } from '../support/fake-judge-server.js';
import { isStatisticShape, readJson, runLab, tempDir, writeJsonl } from './support/run-lab.js';
import { Writable } from 'node:stream';

let judge: FakeJudge;
let dir: string;
beforeAll(async () => {
  judge = await startFakeJudge();
  dir = tempDir('consistency');
});
afterAll(() => judge.close());

const SPEC = `
judge_model: {provider: openai-compatible, model: fake-judge, base_url: http://127.0.0.1:9/v1, max_retries: 0, timeout_ms: 5000}
checks:
  - {type: safety, name: allowed, terms: [FORBIDDEN], pii: false, gate: true, weight: 0}
  - {type: length, name: length, unit: words, max: 1000, weight: 1}
judges:
  - type: rubric
    name: quality
    criteria:
      - {id: correct, description: The answer is correct}
      - {id: clear, description: The answer is clear}
`;

/** Verdicts per row and repeat: [correct, clear]; "error" makes that call fail (HTTP 400, not retried). */
const PLAN: Record<string, Array<[boolean, boolean] | 'error'>> = {
  r1: [
    [true, true],
    [true, true],
    [true, true],
  ],
  r2: [
    [true, false],
    [true, true],
    [true, false],
  ],
  r3: [
    [false, false],
    [false, false],
    [false, false],
  ],
  r4: [
    [true, true],
    [false, true],
    [true, true],
  ],
  r5: [[true, false], [true, false], 'error'],
};

const ROWS = [
  ...Object.keys(PLAN).map((id) => ({ id, prompt: `Question ${id}?`, response: `Answer ${id}.` })),
  { id: 'r6', prompt: 'Question r6?', response: '' },
  { id: 'r7', prompt: 'Question r7?', response: 'FORBIDDEN answer r7.' },
];

/** Answers the n-th request for a row (repeats run one after another) from PLAN. */
function plannedJudge(): (request: FakeRequest) => FakeReply {
  const seen = new Map<string, number>();
  return (request) => {
    const id = /Answer (r\d+)\./.exec(request.user)?.[1] ?? '';
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    const verdict = PLAN[id]?.[count];
    if (!verdict || verdict === 'error') return { status: 400, body: { error: { message: `scripted failure for ${id}` } } };
    const [correct, clear] = verdict;
    return {
      content: JSON.stringify({ criteria: { correct: { rationale: 'r', pass: correct }, clear: { rationale: 'r', pass: clear } } }),
    };
  };
}

interface Stat {
  value: number | null;
  ci95?: [number, number] | null;
  reason?: string;
}

const EXPECTED_REWARDS = {
  r1: [1, 1, 1],
  r2: [0.75, 1, 0.75],
  r3: [0.5, 0.5, 0.5],
  r4: [1, 0.75, 1],
  r5: [0.75, 0.75, null],
};
const STD = Math.sqrt((2 * (1 / 12) ** 2 + (1 / 6) ** 2) / 2); // sample std of (0.75, 1, 0.75) = 0.144338

describe('lab consistency', () => {
  it('judges every row k times and reports per-row spread, flip rates and reliability (values by hand)', async () => {
    const spec = join(dir, 'spec.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(spec, SPEC);
    const input = writeJsonl(dir, 'rows.jsonl', ROWS);
    const json = join(dir, 'consistency.json');
    judge.setScript(plannedJudge());
    judge.requests.length = 0;
    const run = await runLab(
      'consistency',
      '--spec',
      spec,
      '--input',
      input,
      '--repeats',
      '3',
      '--judge',
      'openai-compatible:fake-judge',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--json',
      json,
      '--resamples',
      '500',
    );
    expect(run.code).toBe(0);
    expect(judge.requests).toHaveLength(15); // 5 judged rows × 3 repeats; the failed call is not retried (HTTP 400)
    expect(run.stderr).toContain('consistency: repeat 3/3 judged 7 rows');

    const result = readJson<
      Record<string, unknown> & {
        statistics: Record<string, Stat>;
        per_row: Array<Record<string, unknown>>;
        criteria: Array<Record<string, unknown>>;
        components: Array<{ name: string; statistics: Record<string, Stat> }>;
      }
    >(json);
    expect(Object.keys(result)).toEqual([
      'rewardkit_lab',
      'command',
      'source',
      'settings',
      'repeats',
      'rows',
      'statistics',
      'components',
      'criteria',
      'per_row',
      'verbosity_bias',
    ]);
    expect(result).toMatchObject({
      command: 'consistency',
      source: { kind: 'engine', spec, input, judge_models: [`openai-compatible:fake-judge@${judge.url}`], cache: null },
      settings: { resamples: 500, seed: 1 },
      repeats: 3,
      rows: { total: 7, judged: 5, excluded: { gated: 1, empty: 1, row_error: 0, unjudged: 0 }, judge_errors: 1 },
    });
    for (const statistic of Object.values(result.statistics)) expect(isStatisticShape(statistic)).toBe(true);

    expect(result.per_row.map((row) => [row.id, row.status, row.rewards, row.std])).toEqual([
      ['r1', 'judged', EXPECTED_REWARDS.r1, 0],
      ['r2', 'judged', EXPECTED_REWARDS.r2, 0.144338],
      ['r3', 'judged', EXPECTED_REWARDS.r3, 0],
      ['r4', 'judged', EXPECTED_REWARDS.r4, 0.144338],
      ['r5', 'judged', EXPECTED_REWARDS.r5, 0],
      ['r6', 'empty', [0, 0, 0], 0],
      ['r7', 'gated', [0, 0, 0], 0],
    ]);
    const matrix = Object.values(EXPECTED_REWARDS);
    expect(result.statistics.krippendorff_alpha_interval!.value).toBe(krippendorffAlpha(matrix, 'interval').value);
    expect(result.statistics.icc1!.value).toBe(icc(matrix, 'ICC1').value); // listwise: r5 has two repeats only
    expect(result.statistics.mean_row_std!.value).toBeCloseTo((2 * STD) / 5, 14);
    expect(result.statistics.share_rows_changed!.value).toBe(2 / 5);

    // correct flips on r4 only, clear on r2 only: 1 of 5 units each.
    expect(result.criteria.map((criterion) => ({ ...criterion, statistics: undefined }))).toEqual([
      { judge: 'quality', line: 'correct', kind: 'pass_fail', units: 5, changed_units: 1, alpha_level: 'nominal', statistics: undefined },
      { judge: 'quality', line: 'clear', kind: 'pass_fail', units: 5, changed_units: 1, alpha_level: 'nominal', statistics: undefined },
    ]);
    const correct = result.criteria[0]!.statistics as Record<string, Stat>;
    expect(correct.flip_rate!.value).toBe(0.2);
    const correctMatrix = [
      ['pass', 'pass', 'pass'],
      ['pass', 'pass', 'pass'],
      ['fail', 'fail', 'fail'],
      ['pass', 'fail', 'pass'],
      ['pass', 'pass', null],
    ];
    expect(correct.krippendorff_alpha!.value).toBe(krippendorffAlpha(correctMatrix, 'nominal').value);
    expect(result.components.map((component) => component.name)).toEqual(['quality']);
    expect(result.components[0]!.statistics.krippendorff_alpha_interval!.value).toBe(
      krippendorffAlpha(
        [
          [1, 1, 1],
          [0.5, 1, 0.5],
          [0, 0, 0],
          [1, 0.5, 1],
          [0.5, 0.5, null],
        ],
        'interval',
      ).value,
    );
    expect(run.stdout).toContain('consistency: 5 of 7 rows judged 3 times (left out: 1 gated, 1 empty)');
    expect(run.stdout).toContain('lines that changed: quality.correct 20.0%, quality.clear 20.0%');
  });

  it('reads repeats from rewardkit score output files (--cache-namespace per repeat) the same way', async () => {
    const spec = join(dir, 'spec.yaml');
    const input = join(dir, 'rows.jsonl');
    judge.setScript(plannedJudge());
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const files: string[] = [];
    for (const repeat of [1, 2, 3]) {
      const output = join(dir, `scored-${repeat}.jsonl`);
      files.push(output);
      const code = await scoreCommand(
        [
          '--spec',
          spec,
          '--input',
          input,
          '--output',
          output,
          '--judge',
          'openai-compatible:fake-judge',
          '--judge-base-url',
          judge.url,
          '--no-cache',
          '--cache-namespace',
          `repeat-${repeat}`,
          '--quiet',
          '--no-preflight',
        ],
        { stdout: quiet, stderr: quiet },
      );
      expect(code).toBe(0);
    }
    const json = join(dir, 'consistency-scored.json');
    const run = await runLab(
      'consistency',
      '--scored',
      files[0]!,
      '--scored',
      files[1]!,
      '--scored',
      files[2]!,
      '--rollouts',
      input,
      '--json',
      json,
      '--resamples',
      '500',
    );
    expect(run.code).toBe(0);
    const scored = readJson<{ source: unknown; statistics: unknown; per_row: unknown; criteria: unknown; verbosity_bias: unknown }>(json);
    const engine = readJson<{ statistics: unknown; per_row: unknown; criteria: unknown; verbosity_bias: unknown }>(
      join(dir, 'consistency.json'),
    );
    expect(scored.source).toEqual({ kind: 'scored', files });
    expect(scored.statistics).toEqual(engine.statistics);
    expect(scored.per_row).toEqual(engine.per_row);
    expect(scored.criteria).toEqual(engine.criteria);
    expect(scored.verbosity_bias).toEqual(engine.verbosity_bias);

    const without = await runLab('consistency', '--scored', files[0]!, '--scored', files[1]!, '--json', json);
    expect(readJson<{ verbosity_bias: { reason: string } }>(json).verbosity_bias.reason).toBe(
      'score output files do not carry the response text: pass --rollouts ROLLOUTS.jsonl to get the verbosity line',
    );
    expect(without.code).toBe(0);
    expect((await runLab('consistency', '--scored', files[0]!)).code).toBe(2);
    expect((await runLab('consistency', '--spec', spec, '--input', input, '--repeats', '1')).code).toBe(2);
  });

  it('finds a deterministic judge perfectly reliable on the contract-review example, and a re-run is answered from the cache', async () => {
    judge.setScript(contractReviewJudge());
    judge.requests.length = 0;
    const cache = join(dir, 'cache.sqlite');
    const json = join(dir, 'contract-review.json');
    const args = [
      'consistency',
      '--spec',
      'examples/contract-review/spec.yaml',
      '--input',
      'examples/contract-review/rollouts.jsonl',
      '--repeats',
      '2',
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--cache',
      cache,
      '--resamples',
      '200',
    ];
    const run = await runLab(...args, '--json', json);
    expect(run.code).toBe(0);
    expect(judge.requests).toHaveLength(182); // 91 judge calls per pass, asked again under "repeat-2"
    const result = readJson<{
      rows: unknown;
      statistics: Record<string, Stat>;
      criteria: Array<{ line: string; changed_units: number; units: number; statistics: Record<string, Stat> }>;
      per_row: Array<{ id: string; status: string; mean: number | null; length: number }>;
      verbosity_bias: { series: Array<{ spearman: Stat; n: number }> };
    }>(json);
    expect(result.rows).toEqual({ total: 38, judged: 32, excluded: { gated: 3, empty: 3, row_error: 0, unjudged: 0 }, judge_errors: 0 });
    expect(result.statistics.krippendorff_alpha_interval).toEqual({ value: 1, ci95: [1, 1] });
    expect(result.statistics.icc1!.value).toBeCloseTo(1, 12); // floating-point: within-row mean square ≈ 1e-17
    expect(result.statistics.icc1!.ci95![1]).toBeCloseTo(1, 12);
    expect(result.statistics.mean_row_std).toEqual({ value: 0, ci95: [0, 0] });
    expect(result.statistics.share_rows_changed).toEqual({ value: 0, ci95: [0, 0] });
    expect(
      result.criteria.map((criterion) => [criterion.line, criterion.units, criterion.changed_units, criterion.statistics.flip_rate!.value]),
    ).toEqual([
      ['grounding', 91, 0, 0],
      ['reference_consistency', 91, 0, 0],
      ['actionability', 91, 0, 0],
    ]);
    // The verbosity line: Spearman of the judged rows' mean reward against their response length.
    const rows = readFileSync('examples/contract-review/rollouts.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; messages: Array<{ content: string }> });
    const length = new Map(rows.map((row) => [row.id, row.messages.at(-1)!.content.length]));
    const judged = result.per_row.filter((row) => row.status === 'judged');
    expect(judged.every((row) => row.length === length.get(row.id))).toBe(true);
    expect(result.verbosity_bias.series[0]!.n).toBe(32);
    expect(result.verbosity_bias.series[0]!.spearman.value).toBe(
      spearman(
        judged.map((row) => row.mean),
        judged.map((row) => row.length),
      ).value,
    );

    const again = await runLab(...args, '--json', join(dir, 'contract-review-again.json'));
    expect(again.code).toBe(0);
    expect(judge.requests).toHaveLength(182); // every repeat answered from its cache namespace
    expect(readJson(join(dir, 'contract-review-again.json'))).toEqual(result);
  });
});
