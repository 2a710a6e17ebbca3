/**
 * `lab agree` and `lab calibrate` with judges run now against the fake judge: two --judge models on one
 * spec, two specs, and score output files must give the same agreement; the contract-review example is
 * calibrated against its human labels (values recomputed here from the documented reward table, the
 * scripted verdicts and the label file, independently of the lab's own code path), and so is its group spec,
 * whose judge has no verdict lines: only the overall label is compared there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReward } from '../../src/reward.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { loadSpecWithJudge } from '../../src/spec/load-spec-with-judge.js';
import { bestThreshold, cohenKappa, krippendorffAlpha, pearson, spearman, toMatrix, type Rating } from '../../src/lab/statistics/index.js';
import { labJudge } from '../../examples/contract-review/lab/lab-judge.js';
import { contractReviewJudge, loadFakeVerdicts } from '../support/contract-review-judge.js';
import { startFakeJudge, type FakeJudge, type FakeReply, type FakeRequest } from '../support/fake-judge-server.js';
import { isStatisticShape, readJson, runLab, tempDir, writeJsonl } from './support/run-lab.js';
import { CONTRACT_REVIEW_REWARDS } from '../support/contract-review-rewards.js';

let judge: FakeJudge;
let dir: string;
beforeAll(async () => {
  judge = await startFakeJudge();
  dir = tempDir('engine');
});
afterAll(() => judge.close());

/** How many of the three criteria each judge model passes, per row. */
const PASSES: Record<string, Record<string, number>> = {
  'judge-a': { r1: 3, r2: 2, r3: 1, r4: 0, r5: 3, r6: 2 },
  'judge-b': { r1: 3, r2: 1, r3: 1, r4: 1, r5: 2, r6: 2 },
};

function twoJudges(): (request: FakeRequest) => FakeReply {
  return (request) => {
    const id = /Answer (r\d+)/.exec(request.user)?.[1] ?? '';
    const passes = PASSES[request.model]?.[id];
    if (passes === undefined) return { status: 400, body: { error: { message: 'unknown' } } };
    const criteria = Object.fromEntries(['a', 'b', 'c'].map((criterion, index) => [criterion, { rationale: 'r', pass: index < passes }]));
    return { content: JSON.stringify({ criteria }) };
  };
}

const SPEC = (model: string, url: string) => `judge_model: {provider: openai-compatible, model: ${model}, base_url: ${url}, max_retries: 0}
checks:
  - {type: length, name: length, unit: words, max: 1000}
judges:
  - type: rubric
    name: quality
    criteria: [{id: a, description: A}, {id: b, description: B}, {id: c, description: C}]
`;

interface Stat {
  value: number | null;
}

describe('lab agree with judges run now', () => {
  let spec: string;
  let input: string;
  const a = Object.values(PASSES['judge-a']!).map((passes) => passes / 3);
  const b = Object.values(PASSES['judge-b']!).map((passes) => passes / 3);

  beforeAll(() => {
    spec = join(dir, 'spec.yaml');
    writeFileSync(spec, SPEC('judge-a', 'http://127.0.0.1:9/v1'));
    input = writeJsonl(
      dir,
      'rows.jsonl',
      Object.keys(PASSES['judge-a']!).map((id) => ({ id, prompt: `Question ${id}`, response: `Answer ${id}` })),
    );
  });

  it('compares two --judge models on one spec (the judge score by default)', async () => {
    judge.setScript(twoJudges());
    judge.requests.length = 0;
    const json = join(dir, 'agree-models.json');
    const run = await runLab(
      'agree',
      '--spec',
      spec,
      '--input',
      input,
      '--judge',
      'openai-compatible:judge-a',
      '--judge',
      'openai-compatible:judge-b',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--json',
      json,
    );
    expect(run.code).toBe(0);
    expect(judge.requests).toHaveLength(12);
    const result = readJson<{
      raters: string[];
      rating: string;
      level: string;
      statistics: Record<string, Stat>;
      per_item: Array<{ ratings: Record<string, number> }>;
    }>(json);
    expect(result.raters).toEqual(['judge-a', 'judge-b']);
    expect(result.rating).toBe('judge score (weighted mean of the judge components, 0–1)');
    expect(result.level).toBe('interval');
    expect(result.per_item.map((item) => [item.ratings['judge-a'], item.ratings['judge-b']])).toEqual(
      a.map((value, index) => [value, b[index]]),
    );
    for (const statistic of Object.values(result.statistics)) expect(isStatisticShape(statistic)).toBe(true);
    expect(result.statistics.krippendorff_alpha_interval!.value).toBe(krippendorffAlpha(toMatrix(a, b), 'interval').value);
    expect(result.statistics.cohen_kappa_quadratic!.value).toBe(cohenKappa(a, b, { weights: 'quadratic' }).value);
    expect(result.statistics.spearman!.value).toBe(spearman(a, b).value);
    expect(result.statistics.pearson!.value).toBe(pearson(a, b).value);
    expect(result.statistics.percent_agreement!.value).toBe(3 / 6); // r1, r3, r6 agree exactly
  });

  it('gives the same agreement for two specs, and for two score output files', async () => {
    judge.setScript(twoJudges());
    const specA = join(dir, 'spec-a.yaml');
    const specB = join(dir, 'spec-b.yaml');
    writeFileSync(specA, SPEC('judge-a', judge.url));
    writeFileSync(specB, SPEC('judge-b', judge.url));
    const json = join(dir, 'agree-specs.json');
    expect((await runLab('agree', '--spec', specA, '--spec', specB, '--input', input, '--no-cache', '--json', json)).code).toBe(0);
    const specs = readJson<{ raters: string[]; statistics: unknown }>(json);
    expect(specs.raters).toEqual(['spec-a', 'spec-b']);
    expect(specs.statistics).toEqual(readJson<{ statistics: unknown }>(join(dir, 'agree-models.json')).statistics);

    const rows = readFileSync(input, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const files = await Promise.all(
      [specA, specB].map(async (path, index) => {
        const results = await createReward(loadSpec(path).spec).scoreBatch(rows);
        return writeJsonl(
          dir,
          `scored-${index}.jsonl`,
          results.map((result, line) => ({ line: line + 1, ...result })),
        );
      }),
    );
    const scoredJson = join(dir, 'agree-scored.json');
    expect(
      (
        await runLab(
          'agree',
          '--scored',
          files[0]!,
          '--scored',
          files[1]!,
          '--names',
          'first,second',
          '--rollouts',
          input,
          '--json',
          scoredJson,
        )
      ).code,
    ).toBe(0);
    const scored = readJson<{ raters: string[]; statistics: unknown; verbosity_bias: { series: Array<{ name: string; n: number }> } }>(
      scoredJson,
    );
    expect(scored.raters).toEqual(['first', 'second']);
    expect(scored.statistics).toEqual(specs.statistics);
    expect(scored.verbosity_bias.series.map((series) => [series.name, series.n])).toEqual([
      ['first', 6],
      ['second', 6],
    ]);

    const reward = join(dir, 'agree-reward.json');
    expect((await runLab('agree', '--scored', files[0]!, '--scored', files[1]!, '--score', 'reward', '--json', reward)).code).toBe(0);
    const rewards = readJson<{ per_item: Array<{ ratings: Record<string, number> }> }>(reward).per_item.map((item) =>
      Object.values(item.ratings),
    );
    expect(rewards).toEqual(
      a.map((value, index) => [Math.round(((1 + value) / 2) * 1e6) / 1e6, Math.round(((1 + b[index]!) / 2) * 1e6) / 1e6]),
    );
  });

  it('rejects mismatched --judge-base-url lists and a single rater', async () => {
    const urls = await runLab(
      'agree',
      '--spec',
      spec,
      '--input',
      input,
      '--judge',
      'openai-compatible:a',
      '--judge',
      'openai-compatible:b',
      '--judge',
      'openai-compatible:c',
      '--judge-base-url',
      judge.url,
      '--judge-base-url',
      judge.url,
      '--no-cache',
    );
    expect(urls.code).toBe(2);
    expect(urls.stderr).toContain('--judge-base-url: give one URL for every --judge, or a single one for all (got 2 URLs for 3 judges)');
    const single = await runLab('agree', '--spec', spec, '--input', input, '--no-cache');
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('agree needs two or more raters');
  });
});

const REWARDS = CONTRACT_REVIEW_REWARDS;
const GATED = new Set(['saas-malformed', 'licensing-malformed', 'loan-malformed']);

describe('lab calibrate on the contract-review example', () => {
  const labelsPath = 'examples/contract-review/lab/human-labels.jsonl';
  const labels = readFileSync(labelsPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; human: number; criteria: Record<string, number | null> });
  const ids = labels.map((label) => label.id);
  const reward = ids.map((id) => REWARDS[id]!);
  const human = labels.map((label) => label.human);

  it('matches the reward against the human scores: pass/fail at 0.5, correlations, best threshold, per criterion', async () => {
    judge.setScript(contractReviewJudge());
    const json = join(dir, 'calibrate.json');
    const run = await runLab(
      'calibrate',
      '--spec',
      'examples/contract-review/spec.yaml',
      '--input',
      'examples/contract-review/rollouts.jsonl',
      '--labels',
      labelsPath,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--json',
      json,
      '--resamples',
      '300',
    );
    expect(run.code).toBe(0);
    const result = readJson<{
      mode: string;
      statistics: Record<string, Stat>;
      confusion_matrix: unknown;
      best_threshold: { threshold: number; value: number };
      per_criterion: Array<{ criterion: string; judge_line: string; n: number; statistics: Record<string, Stat> }>;
      per_item: Array<{ id: string; judge: number }>;
    }>(json);
    expect(result.per_item.map((item) => [item.id, item.judge])).toEqual(ids.map((id) => [id, REWARDS[id]]));
    expect(result.mode).toBe('pass_fail');
    const judgePass = reward.map((value) => (value >= 0.5 ? 'pass' : 'fail'));
    const humanPass = human.map((value) => (value >= 0.5 ? 'pass' : 'fail'));
    const count = (h: string, j: string) => ids.filter((_id, index) => humanPass[index] === h && judgePass[index] === j).length;
    expect(result.confusion_matrix).toEqual({
      labels: ['fail', 'pass'],
      matrix: [
        [count('fail', 'fail'), count('fail', 'pass')],
        [count('pass', 'fail'), count('pass', 'pass')],
      ],
      total: 38,
      missing: 0,
    });
    expect(result.confusion_matrix).toEqual({
      labels: ['fail', 'pass'],
      matrix: [
        [10, 5],
        [0, 23],
      ],
      total: 38,
      missing: 0,
    });
    expect(result.statistics.accuracy!.value).toBe(33 / 38);
    expect(result.statistics.cohen_kappa_unweighted!.value).toBe(cohenKappa(humanPass, judgePass, { categories: ['fail', 'pass'] }).value);
    expect(result.statistics.spearman!.value).toBe(spearman(human, reward).value);
    expect(result.statistics.pearson!.value).toBe(pearson(human, reward).value);
    const best = bestThreshold(
      reward,
      human.map((value) => value >= 0.5),
    );
    expect(result.best_threshold).toMatchObject({ threshold: best.threshold, value: 1 });
    expect(best.threshold).toBe(0.733333);

    // Per criterion: the judge's mean dimension score over a row's comments (scripted verdicts) against the human label.
    const verdicts = loadFakeVerdicts();
    const judgeMean = (id: string, dimension: 'grounding' | 'reference_consistency' | 'actionability'): number | null => {
      const comments = Object.entries(verdicts).filter(
        ([comment]) => comment.startsWith(`${id}-c`) && /-c\d+$/.test(comment.slice(id.length)),
      );
      if (GATED.has(id) || comments.length === 0) return null;
      return comments.reduce((sum, [, verdict]) => sum + verdict[dimension], 0) / comments.length;
    };
    expect(result.per_criterion.map((criterion) => [criterion.criterion, criterion.judge_line, criterion.n])).toEqual([
      ['grounding', 'review_quality.grounding', 30],
      ['reference_consistency', 'review_quality.reference_consistency', 30],
      ['actionability', 'review_quality.actionability', 30],
    ]);
    for (const criterion of result.per_criterion) {
      const dimension = criterion.criterion as 'grounding';
      const judgeValues: Rating[] = ids.map((id) => judgeMean(id, dimension));
      const humanValues: Rating[] = labels.map((label) => label.criteria[dimension] ?? null);
      expect(criterion.statistics.spearman!.value).toBeCloseTo(spearman(humanValues, judgeValues).value!, 12);
    }
    expect(run.stdout).toContain('best threshold: pass iff score ≥ 0.733 (accuracy 1.000, in-sample)');

    // The same from a score output file.
    const { spec } = loadSpecWithJudge('examples/contract-review/spec.yaml', {
      provider: 'openai-compatible',
      model: 'fake',
      base_url: judge.url,
    });
    const rows = readFileSync('examples/contract-review/rollouts.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const results = await createReward(spec).scoreBatch(rows);
    const scored = writeJsonl(
      dir,
      'contract-review-scored.jsonl',
      results.map((entry, line) => ({ line: line + 1, ...entry })),
    );
    const fromFile = join(dir, 'calibrate-scored.json');
    expect(
      (
        await runLab(
          'calibrate',
          '--scored',
          scored,
          '--labels',
          labelsPath,
          '--rollouts',
          'examples/contract-review/rollouts.jsonl',
          '--json',
          fromFile,
          '--resamples',
          '300',
        )
      ).code,
    ).toBe(0);
    const scoredResult = readJson<{ statistics: unknown; per_criterion: unknown; verbosity_bias: unknown }>(fromFile);
    const engineResult = readJson<{ statistics: unknown; per_criterion: unknown; verbosity_bias: unknown }>(json);
    expect(scoredResult.statistics).toEqual(engineResult.statistics);
    expect(scoredResult.per_criterion).toEqual(engineResult.per_criterion);
    expect(scoredResult.verbosity_bias).toEqual(engineResult.verbosity_bias);
  });

  it('says when the labels share no id with the rows, or name a criterion no judge has', async () => {
    const scored = join(dir, 'contract-review-scored.jsonl');
    const stranger = writeJsonl(dir, 'stranger-labels.jsonl', [{ id: 'nobody', human: 1 }]);
    const none = await runLab('calibrate', '--scored', scored, '--labels', stranger);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('no id of the judged rows appears in --labels');
    const unknown = writeJsonl(dir, 'unknown-criterion.jsonl', [{ id: 'nda-good', human: 1, criteria: { tone: 3 } }]);
    const criterion = await runLab('calibrate', '--scored', scored, '--labels', unknown);
    expect(criterion.code).toBe(2);
    expect(criterion.stderr).toContain('the criterion "tone" matches no verdict line of the judges');
  });

  it('compares only the overall label on the group spec, whose judge has no verdict lines to match the criteria', async () => {
    judge.setScript(labJudge());
    const json = join(dir, 'calibrate-group.json');
    const run = await runLab(
      'calibrate',
      '--spec',
      'examples/contract-review/lab/group-spec.yaml',
      '--input',
      'examples/contract-review/rollouts.jsonl',
      '--labels',
      labelsPath,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--no-cache',
      '--json',
      json,
      '--resamples',
      '300',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'calibrate: --labels scores 3 criteria (grounding, reference_consistency, actionability) but no judge of the spec has verdict lines (rubric criteria or dimensions): only the overall label is compared\n',
    );
    const result = readJson<{
      items: { total: number; with_both: number };
      statistics: Record<string, Stat>;
      per_criterion: unknown[];
      per_item: Array<{ id: string; judge: number; human: number }>;
    }>(json);
    expect(result.per_criterion).toEqual([]);
    expect(result.items).toEqual({ total: 38, with_both: 38 });
    // The overall comparison is the group spec's reward (as `score` gives it) against the human scores.
    const { spec } = loadSpecWithJudge('examples/contract-review/lab/group-spec.yaml', {
      provider: 'openai-compatible',
      model: 'fake',
      base_url: judge.url,
    });
    const rows = readFileSync('examples/contract-review/rollouts.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const rewards = new Map(
      (await createReward(spec).scoreBatch(rows)).map((entry, index) => [(rows[index] as { id: string }).id, entry.reward]),
    );
    expect(result.per_item.map((item) => [item.id, item.judge, item.human])).toEqual(
      labels.map((label) => [label.id, rewards.get(label.id), label.human]),
    );
    expect(result.statistics.spearman!.value).toBe(
      spearman(
        human,
        result.per_item.map((item) => item.judge),
      ).value,
    );
  });
});
