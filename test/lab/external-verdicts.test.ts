/**
 * `lab agree` and `lab calibrate` on external verdict files (no judge): published worked examples go in as
 * JSONL and come out of the JSON result with their published values — Krippendorff (2011) example C
 * (also irrCAC's cac.raw4raters), the SAS PROC FREQ table reproduced in statsmodels' tests, Wikipedia's
 * 50-item Cohen's kappa example — plus hand-worked calibration cases. Also the exact JSON shapes, the
 * flags' errors and the --min requirement.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapCi,
  cohenKappa,
  kendallTauB,
  krippendorffAlpha,
  pearson,
  spearman,
  toMatrix,
  type Rating,
} from '../../src/lab/statistics/index.js';
import { isStatisticShape, readJson, runLab, tempDir, writeJsonl } from './support/run-lab.js';

const _ = null;
let dir: string;
beforeAll(() => {
  dir = tempDir('external');
});

/** Krippendorff (2011) example C: 4 observers × 12 units, values 1–5, missing data (units × observers). */
const EXAMPLE_C: Rating[][] = [
  [1, 1, _, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [_, 5, 5, 5],
  [_, _, 1, 1],
  [_, 3, _, _],
];

/** Expands a contingency table (rows: rater A) into paired ratings. */
function pairsFromTable(table: number[][], labels: Rating[]): [Rating[], Rating[]] {
  const a: Rating[] = [];
  const b: Rating[] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let k = 0; k < count; k += 1) {
        a.push(labels[i]!);
        b.push(labels[j]!);
      }
    }),
  );
  return [a, b];
}

const AGREE_KEYS = [
  'rewardkit_lab',
  'command',
  'source',
  'settings',
  'raters',
  'rating',
  'level',
  'level_source',
  'categories',
  'headline',
  'items',
  'statistics',
  'pairwise',
  'disagreements',
  'per_item',
  'verbosity_bias',
];
const AGREE_STATISTICS = [
  'percent_agreement',
  'cohen_kappa_unweighted',
  'cohen_kappa_linear',
  'cohen_kappa_quadratic',
  'fleiss_kappa',
  'krippendorff_alpha_nominal',
  'krippendorff_alpha_ordinal',
  'krippendorff_alpha_interval',
  'spearman',
  'kendall_tau_b',
  'pearson',
];

interface Stat {
  value: number | null;
  ci95?: [number, number] | null;
  reason?: string;
}

describe('lab agree on an external verdict file', () => {
  it('reproduces Krippendorff (2011) example C with 4 raters and missing ratings: alpha .743 / .815 / .849, Fleiss .761', async () => {
    const input = writeJsonl(
      dir,
      'example-c.jsonl',
      EXAMPLE_C.map((row, i) => ({
        id: `unit-${i + 1}`,
        obs1: row[0],
        obs2: row[1],
        obs3: row[2],
        ...(row[3] === null ? {} : { obs4: row[3] }),
      })),
    );
    const json = join(dir, 'example-c.json');
    const run = await runLab('agree', '--input', input, '--raters', 'obs1,obs2,obs3,obs4', '--json', json);
    expect(run.code).toBe(0);
    const result = readJson<{ statistics: Record<string, Stat> } & Record<string, unknown>>(json);
    expect(Object.keys(result)).toEqual(AGREE_KEYS);
    expect(Object.keys(result.statistics)).toEqual(AGREE_STATISTICS);
    for (const statistic of Object.values(result.statistics)) expect(isStatisticShape(statistic)).toBe(true);
    const value = (name: string) => result.statistics[name]!.value;
    expect(value('krippendorff_alpha_nominal')).toBeCloseTo(113 / 152, 14); // 0.743
    expect(value('krippendorff_alpha_ordinal')).toBeCloseTo(108577 / 133160, 14); // 0.815
    expect(value('krippendorff_alpha_interval')).toBeCloseTo(951 / 1120, 14); // 0.849
    expect(value('fleiss_kappa')).toBeCloseTo(7343 / 9647, 14); // irrCAC fleiss.kappa.raw: 0.76117
    expect(value('percent_agreement')).toBeCloseTo(9 / 11, 14); // irrCAC pa.coeff.raw: 0.8181818
    expect(result.statistics.cohen_kappa_unweighted).toEqual({
      value: null,
      reason: 'Cohen\'s kappa compares two raters; for 4 raters see fleiss_kappa and "pairwise"',
    });
    expect(result.statistics.spearman).toEqual({ value: null, reason: 'a correlation compares two raters; for 4 raters see "pairwise"' });
    expect(result).toMatchObject({
      rewardkit_lab: 1,
      command: 'agree',
      source: { kind: 'external', input },
      settings: { resamples: 1000, seed: 1 },
      raters: ['obs1', 'obs2', 'obs3', 'obs4'],
      level: 'ordinal',
      level_source: 'inferred',
      categories: null,
      headline: 'krippendorff_alpha_ordinal',
      items: { total: 12, rated_by_two_or_more: 11 },
    });
    expect(result.pairwise).toHaveLength(6);
    // Most disagreed: unit 6 (1, 2, 3, 4) spans 3; units 2 and 8 span 1 (ties broken by id).
    expect(result.disagreements).toEqual([
      { id: 'unit-6', ratings: { obs1: 1, obs2: 2, obs3: 3, obs4: 4 }, spread: 3 },
      { id: 'unit-2', ratings: { obs1: 2, obs2: 2, obs3: 3, obs4: 2 }, spread: 1 },
      { id: 'unit-8', ratings: { obs1: 1, obs2: 1, obs3: 2, obs4: 1 }, spread: 1 },
    ]);
    // The interval is the core's seeded percentile bootstrap over items.
    const expected = bootstrapCi(EXAMPLE_C, (sample) => krippendorffAlpha(sample, 'ordinal'), { resamples: 1000, seed: 1 });
    expect(result.statistics.krippendorff_alpha_ordinal!.ci95).toEqual(expected.ci95);
    expect(result.verbosity_bias).toEqual({
      length_unit: 'characters',
      reason: `${input} has no response text: add a "response" (text) or "response_length" (number) field, or pass --rollouts with the rollouts`,
      series: ['obs1', 'obs2', 'obs3', 'obs4'].map((name) => ({
        name,
        n: 0,
        spearman: { value: null, reason: expect.stringContaining('has no response text') as unknown },
        pearson: { value: null, reason: expect.stringContaining('has no response text') as unknown },
      })),
    });
    expect(run.stdout).toContain('krippendorff_alpha_ordinal   0.815');
  });

  it('reproduces the SAS PROC FREQ kappas for two raters (statsmodels table10): 0.4842, linear 0.4701, quadratic 140/311', async () => {
    const [a, b] = pairsFromTable(
      [
        [0, 4, 1],
        [0, 8, 0],
        [0, 1, 5],
      ],
      [1, 2, 3],
    );
    const input = writeJsonl(
      dir,
      'sas.jsonl',
      a.map((rating, i) => ({ id: `s${i}`, first: rating, second: String(b[i]) })),
    ); // numeric strings are numbers
    const json = join(dir, 'sas.json');
    expect((await runLab('agree', '--input', input, '--raters', 'first,second', '--json', json, '--resamples', '200')).code).toBe(0);
    const { statistics, pairwise, settings } = readJson<{ statistics: Record<string, Stat>; pairwise: unknown[]; settings: unknown }>(json);
    expect(settings).toEqual({ resamples: 200, seed: 1 });
    expect(statistics.cohen_kappa_unweighted!.value).toBeCloseTo(107 / 221, 14);
    expect(statistics.cohen_kappa_linear!.value).toBeCloseTo(118 / 251, 14);
    expect(statistics.cohen_kappa_quadratic!.value).toBeCloseTo(140 / 311, 14);
    expect(statistics.spearman!.value).toBe(spearman(a, b).value);
    expect(statistics.kendall_tau_b!.value).toBe(kendallTauB(a, b).value);
    expect(statistics.pearson!.value).toBe(pearson(a, b).value);
    expect(statistics.krippendorff_alpha_interval!.value).toBe(krippendorffAlpha(toMatrix(a, b), 'interval').value);
    expect(statistics.fleiss_kappa).toEqual({
      value: null,
      reason: "Fleiss' kappa is reported for three or more raters (with two it equals Scott's pi); see cohen_kappa_unweighted",
    });
    expect(pairwise).toHaveLength(1);
  });

  it("takes labels as nominal: Wikipedia's 50-item yes/no example gives kappa 0.4 and agreement 0.7; order-based statistics are n/a", async () => {
    const [a, b] = pairsFromTable(
      [
        [20, 5],
        [10, 15],
      ],
      ['yes', 'no'],
    );
    const input = writeJsonl(
      dir,
      'yes-no.jsonl',
      a.map((rating, i) => ({ id: i, reader_a: rating, reader_b: b[i] })),
    );
    const json = join(dir, 'yes-no.json');
    expect((await runLab('agree', '--input', input, '--raters', 'reader_a,reader_b', '--json', json)).code).toBe(0);
    const result = readJson<{ statistics: Record<string, Stat>; level: string; headline: string }>(json);
    expect(result.level).toBe('nominal');
    expect(result.headline).toBe('krippendorff_alpha_nominal');
    expect(result.statistics.cohen_kappa_unweighted!.value).toBeCloseTo(0.4, 14);
    expect(result.statistics.percent_agreement!.value).toBeCloseTo(0.7, 14);
    for (const name of [
      'cohen_kappa_linear',
      'cohen_kappa_quadratic',
      'krippendorff_alpha_ordinal',
      'krippendorff_alpha_interval',
      'spearman',
      'kendall_tau_b',
      'pearson',
    ]) {
      expect(result.statistics[name]).toEqual({
        value: null,
        reason: 'not meaningful for nominal ratings (categories without an order); pass --level ordinal or --categories to order them',
      });
    }
  });

  it('orders labels with --categories, and gives reasons instead of NaN for constant raters', async () => {
    const rows = [
      { id: 'a', x: 'bad', y: 'bad', z: 'ok' },
      { id: 'b', x: 'ok', y: 'good', z: 'ok' },
      { id: 'c', x: 'good', y: 'good', z: 'ok' },
      { id: 'd', x: 'ok', y: 'ok', z: 'ok' },
    ];
    const input = writeJsonl(dir, 'labels.jsonl', rows);
    const json = join(dir, 'labels.json');
    expect((await runLab('agree', '--input', input, '--raters', 'x,y', '--categories', 'bad,ok,good', '--json', json)).code).toBe(0);
    const ordered = readJson<{ statistics: Record<string, Stat>; level: string; categories: string[] }>(json);
    expect(ordered.level).toBe('ordinal');
    expect(ordered.categories).toEqual(['bad', 'ok', 'good']);
    const x = rows.map((row) => row.x);
    const y = rows.map((row) => row.y);
    expect(ordered.statistics.cohen_kappa_quadratic!.value).toBe(
      cohenKappa(x, y, { weights: 'quadratic', categories: ['bad', 'ok', 'good'] }).value,
    );
    expect(ordered.statistics.spearman!.value).toBe(spearman(x, y, { categories: ['bad', 'ok', 'good'] }).value);

    const constant = join(dir, 'constant.json');
    expect((await runLab('agree', '--input', input, '--raters', 'z,z2', '--json', constant)).code).toBe(2); // no field z2
    const same = writeJsonl(
      dir,
      'same.jsonl',
      rows.map((row) => ({ id: row.id, p: 3, q: 3 })),
    );
    expect((await runLab('agree', '--input', same, '--raters', 'p,q', '--json', constant)).code).toBe(0);
    const result = readJson<{ statistics: Record<string, Stat> }>(constant);
    for (const statistic of Object.values(result.statistics)) {
      expect(isStatisticShape(statistic)).toBe(true);
    }
    expect(result.statistics.percent_agreement).toMatchObject({ value: 1 });
    expect(result.statistics.cohen_kappa_unweighted!.value).toBeNull();
    expect(result.statistics.krippendorff_alpha_interval!.value).toBeNull();
    expect(result.statistics.pearson!.value).toBeNull();
  });

  it('correlates each rater with the response length when the file has the responses', async () => {
    const rows = [
      { id: 'r1', g: 5, c: 4, response: 'a long and detailed answer with many words' },
      { id: 'r2', g: 2, c: 1, response: 'short' },
      { id: 'r3', g: 4, c: 4, response: 'medium length answer' },
      { id: 'r4', g: 1, c: 2, response: 'tiny' },
      { id: 'r5', g: 3, c: null, response_length: 12 },
    ];
    const json = join(dir, 'lengths.json');
    expect((await runLab('agree', '--input', writeJsonl(dir, 'lengths.jsonl', rows), '--raters', 'g,c', '--json', json)).code).toBe(0);
    const { verbosity_bias: bias } = readJson<{ verbosity_bias: { series: Array<{ name: string; n: number; spearman: Stat }> } }>(json);
    const lengths = [42, 5, 20, 4, 12];
    expect(bias.series.map((series) => [series.name, series.n])).toEqual([
      ['g', 5],
      ['c', 4],
    ]);
    expect(bias.series[0]!.spearman.value).toBe(
      spearman(
        rows.map((row) => row.g),
        lengths,
      ).value,
    );
    expect(bias.series[1]!.spearman.value).toBe(
      spearman(
        rows.map((row) => row.c),
        lengths,
      ).value,
    );
  });
});

describe('lab calibrate on an external verdict file', () => {
  it('pass/fail: a 0–1 judge against boolean human labels — accuracy, confusion matrix, kappa, best threshold (worked by hand)', async () => {
    const rows = [
      { id: 'q1', gpt: 0.9, human: true },
      { id: 'q2', gpt: 0.8, human: true },
      { id: 'q3', gpt: 0.7, human: false },
      { id: 'q4', gpt: 0.6, human: true },
      { id: 'q5', gpt: 0.4, human: false },
      { id: 'q6', gpt: 0.3, human: true },
      { id: 'q7', gpt: 0.2, human: false },
      { id: 'q8', gpt: 0.1, human: false },
    ];
    const json = join(dir, 'calibrate-pass-fail.json');
    const run = await runLab(
      'calibrate',
      '--input',
      writeJsonl(dir, 'calibrate.jsonl', rows),
      '--judge',
      'gpt',
      '--human',
      'human',
      '--json',
      json,
    );
    expect(run.code).toBe(0);
    const result = readJson<Record<string, unknown> & { statistics: Record<string, Stat> }>(json);
    expect(Object.keys(result)).toEqual([
      'rewardkit_lab',
      'command',
      'source',
      'settings',
      'judge',
      'human',
      'items',
      'mode',
      'n',
      'thresholds',
      'statistics',
      'confusion_matrix',
      'best_threshold',
      'per_criterion',
      'per_item',
      'verbosity_bias',
    ]);
    expect(Object.keys(result.statistics)).toEqual([
      'accuracy',
      'percent_agreement',
      'cohen_kappa_unweighted',
      'cohen_kappa_linear',
      'cohen_kappa_quadratic',
      'krippendorff_alpha_nominal',
      'krippendorff_alpha_ordinal',
      'krippendorff_alpha_interval',
      'spearman',
      'kendall_tau_b',
      'pearson',
      'mean_absolute_error',
      'mean_signed_error',
    ]);
    for (const statistic of Object.values(result.statistics)) expect(isStatisticShape(statistic)).toBe(true);
    expect(result).toMatchObject({
      mode: 'pass_fail',
      n: 8,
      items: { total: 8, with_both: 8 },
      thresholds: { judge: { value: 0.5, source: 'unit_interval' }, human: { value: 0.5, source: 'unit_interval' } },
    });
    // Judge passes q1–q4; humans pass q1, q2, q4, q6. Rows: human fail / pass; columns: judge fail / pass.
    expect(result.confusion_matrix).toEqual({
      labels: ['fail', 'pass'],
      matrix: [
        [3, 1],
        [1, 3],
      ],
      total: 8,
      missing: 0,
    });
    expect(result.statistics.accuracy!.value).toBe(0.75);
    expect(result.statistics.cohen_kappa_unweighted!.value).toBeCloseTo(0.5, 14); // p_o = 0.75, p_e = 0.5
    expect(result.statistics.cohen_kappa_quadratic!.value).toBeCloseTo(0.5, 14); // two categories: weights do not matter
    expect(result.statistics.mean_absolute_error!.value).toBeCloseTo(0.35, 14);
    expect(result.statistics.mean_signed_error!.value).toBeCloseTo(0, 14);
    const humanNumbers = rows.map((row) => (row.human ? 1 : 0));
    expect(result.statistics.spearman!.value).toBe(
      spearman(
        humanNumbers,
        rows.map((row) => row.gpt),
      ).value,
    );
    // Accuracy by threshold: 0.1 → 4/8, 0.2 → 5/8, 0.3 → 6/8, 0.4 → 5/8, 0.6 → 6/8, 0.7 → 5/8, 0.8 → 6/8, 0.9 → 5/8: the lowest best is 0.3.
    expect(result.best_threshold).toMatchObject({ threshold: 0.3, metric: 'accuracy', value: 0.75, accuracy: 0.75, n: 8 });
    expect(
      (result.best_threshold as { curve: Array<{ threshold: number; accuracy: number }> }).curve.map((point) => [
        point.threshold,
        point.accuracy,
      ]),
    ).toEqual([
      [0.1, 0.5],
      [0.2, 0.625],
      [0.3, 0.75],
      [0.4, 0.625],
      [0.6, 0.75],
      [0.7, 0.625],
      [0.8, 0.75],
      [0.9, 0.625],
    ]);
    expect(run.stdout).toContain('best threshold: pass iff score ≥ 0.300 (accuracy 0.750, in-sample)');
  });

  it('same scale: 1–5 against 1–5 is exact agreement over the scale, with missing ratings skipped', async () => {
    const gpt = [5, 4, 4, 3, 2, 1, 2, 5, null, 3];
    const human = [5, 5, 4, 3, 3, 1, 2, 4, 3, null];
    const json = join(dir, 'calibrate-scale.json');
    const input = writeJsonl(
      dir,
      'scale.jsonl',
      gpt.map((rating, i) => ({ id: `i${i + 1}`, gpt: rating, human: human[i] })),
    );
    expect((await runLab('calibrate', '--input', input, '--judge', 'gpt', '--human', 'human', '--json', json)).code).toBe(0);
    const result = readJson<{ mode: string; statistics: Record<string, Stat>; confusion_matrix: unknown; thresholds: unknown }>(json);
    expect(result.mode).toBe('same_scale');
    expect(result.thresholds).toEqual({ judge: { value: null, source: 'none' }, human: { value: null, source: 'none' } });
    expect(result.statistics.accuracy!.value).toBe(5 / 8);
    expect(result.confusion_matrix).toEqual({
      labels: [1, 2, 3, 4, 5],
      matrix: [
        [1, 0, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 1, 1, 0, 0],
        [0, 0, 0, 1, 1],
        [0, 0, 0, 1, 1],
      ],
      total: 8,
      missing: 2,
    });
    expect(result.statistics.cohen_kappa_linear!.value).toBe(cohenKappa(human, gpt, { weights: 'linear' }).value);
    expect(result.statistics.krippendorff_alpha_ordinal!.value).toBe(krippendorffAlpha(toMatrix(human, gpt), 'ordinal').value);
  });

  it('--threshold forces pass/fail on a 1–5 scale', async () => {
    const json = join(dir, 'calibrate-forced.json');
    const input = writeJsonl(
      dir,
      'forced.jsonl',
      [1, 2, 3, 4, 5].map((score, i) => ({ id: `f${i}`, judge: score, human: score >= 3 ? 'good' : 'bad' })),
    );
    expect(
      (await runLab('calibrate', '--input', input, '--judge', 'judge', '--threshold', '4', '--human-pass', 'good', '--json', json)).code,
    ).toBe(0);
    const result = readJson<{
      mode: string;
      statistics: Record<string, Stat>;
      thresholds: unknown;
      confusion_matrix: { matrix: number[][] };
    }>(json);
    expect(result.mode).toBe('pass_fail');
    expect(result.thresholds).toEqual({ judge: { value: 4, source: 'flag' }, human: { value: null, source: 'labels' } });
    expect(result.confusion_matrix.matrix).toEqual([
      [2, 0],
      [1, 2],
    ]);
    expect(result.statistics.accuracy!.value).toBe(0.8);
    expect(result.statistics.spearman).toEqual({ value: null, reason: 'needs numbers on both sides (or --categories to order labels)' });
  });
});

describe('lab flags and exit requirements', () => {
  it('--min requires a minimum of a statistic (exit 7) and rejects an unknown name (exit 2)', async () => {
    const input = writeJsonl(
      dir,
      'min.jsonl',
      EXAMPLE_C.map((row, i) => ({ id: i, a: row[0], b: row[1], c: row[2], d: row[3] })),
    );
    const pass = await runLab('agree', '--input', input, '--raters', 'a,b,c,d', '--min', 'krippendorff_alpha_ordinal=0.8', '--quiet');
    expect(pass.code).toBe(0);
    expect(pass.stdout).toBe('');
    const fail = await runLab(
      'agree',
      '--input',
      input,
      '--raters',
      'a,b,c,d',
      '--min',
      'krippendorff_alpha_ordinal=0.9',
      '--min',
      'cohen_kappa_unweighted=0.1',
      '--quiet',
    );
    expect(fail.code).toBe(7);
    expect(fail.stderr).toContain('--min krippendorff_alpha_ordinal=0.9 not met: 0.8154');
    expect(fail.stderr).toContain("--min cohen_kappa_unweighted=0.1 not met: undefined (Cohen's kappa compares two raters");
    const unknown = await runLab('agree', '--input', input, '--raters', 'a,b', '--min', 'alpha=0.8');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--min alpha: no such statistic; choose one of percent_agreement, cohen_kappa_unweighted');
  });

  it('names the file and line of an unreadable row (exit 4) and the missing rater field (exit 2)', async () => {
    const path = join(dir, 'broken.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, '{"id": "a", "x": 1, "y": 2}\n\n{"id": "b", "x": 1,\n');
    const broken = await runLab('agree', '--input', path, '--raters', 'x,y');
    expect(broken.code).toBe(4);
    expect(broken.stderr).toContain(`lab agree: --input ${path}:3: not valid JSON`);
    const input = writeJsonl(dir, 'fields.jsonl', [{ id: 'a', gpt: 1, claude: { score: 2 } }]);
    const object = await runLab('agree', '--input', input, '--raters', 'gpt,claude');
    expect(object.code).toBe(4);
    expect(object.stderr).toContain('field "claude" must be a number, a label, true/false or null');
    const missing = await runLab('agree', '--input', input, '--raters', 'gpt,gemini');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no row of');
    expect(missing.stderr).toContain('has a rating in the field "gemini" (fields seen: id, gpt, claude)');
    expect((await runLab('agree', '--input', input, '--raters', 'gpt')).code).toBe(2);
    expect((await runLab('calibrate', '--input', input)).code).toBe(2);
    expect((await runLab('agree', '--input', input, '--raters', 'gpt,claude', '--level', 'ratio')).stderr).toContain(
      '--level: expected one of nominal | ordinal | interval',
    );
  });

  it('prints help with examples for lab and every subcommand, and rejects unknown ones', async () => {
    const top = await runLab('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: rewardkit lab <command>');
    expect(top.stdout).toContain('Examples:');
    expect((await runLab()).code).toBe(2);
    for (const name of ['consistency', 'position', 'agree', 'calibrate', 'regress', 'hack']) {
      const help = await runLab(name, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`rewardkit lab ${name}`);
      expect(help.stdout).toMatch(/Examples?:/);
      expect(help.stdout).toMatch(/Exit codes:/);
    }
    const unknown = await runLab('bias');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('lab: unknown command "bias"');
    const badFlag = await runLab('agree', '--colour');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('Run "rewardkit lab agree --help" for usage.');
  });

  it('gives the same JSON for the same data and seed, and writes a report', async () => {
    const input = writeJsonl(
      dir,
      'repeatable.jsonl',
      EXAMPLE_C.map((row, i) => ({ id: i, a: row[0], b: row[1] })),
    );
    const first = join(dir, 'first.json');
    const second = join(dir, 'second.json');
    const html = join(dir, 'nested', 'report.html');
    await runLab('agree', '--input', input, '--raters', 'a,b', '--json', first, '--seed', '7', '--resamples', '300');
    const run = await runLab(
      'agree',
      '--input',
      input,
      '--raters',
      'a,b',
      '--json',
      second,
      '--html',
      html,
      '--seed',
      '7',
      '--resamples',
      '300',
    );
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
    expect(run.stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg class="chart"');
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect((await runLab('agree', '--input', input, '--raters', 'a,b', '--seed', '-1')).code).toBe(2);
  });
});
