/**
 * The "Validate your judge before training" walkthrough (in the main README.md) on the contract-review example,
 * against the scripted lab judges it uses: every number the walkthrough quotes is checked here, so the
 * documentation cannot drift from what the commands print.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labJudge } from '../../examples/contract-review/lab/lab-judge.js';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { readJson, runLab, tempDir } from './support/run-lab.js';

const SPEC = ['--spec', 'examples/contract-review/spec.yaml'];
const INPUT = ['--input', 'examples/contract-review/rollouts.jsonl'];
const README = readFileSync('README.md', 'utf8');

let judge: FakeJudge;
let dir: string;
const using = (model: string) => ['--judge', `openai-compatible:${model}`, '--judge-base-url', judge.url, '--no-cache'];

beforeAll(async () => {
  judge = await startFakeJudge(labJudge()); // fresh: fake-noisy's answers depend on how often it saw a prompt
  dir = tempDir('walkthrough');
});
afterAll(() => judge.close());

/** Each quoted line of the walkthrough must appear in the command's output, and in the README. */
function expectQuoted(output: string, lines: string[]): void {
  for (const line of lines) {
    expect(output).toContain(line);
    expect(README).toContain(line);
  }
}

describe('the judge-lab walkthrough', () => {
  it('1. consistency', async () => {
    const json = join(dir, 'consistency.json');
    const run = await runLab(
      'consistency',
      ...SPEC,
      ...INPUT,
      '--repeats',
      '3',
      ...using('fake-noisy'),
      '--json',
      json,
      '--min',
      'krippendorff_alpha_interval=0.8',
    );
    expect(run.code).toBe(0);
    expectQuoted(run.stdout, [
      'consistency: 32 of 38 rows judged 3 times (left out: 3 gated, 3 empty)',
      'krippendorff_alpha_interval  0.993 [0.982, 0.997]  ← reliable (≥ 0.800)',
      'icc1                         0.993 [0.983, 0.997]',
      'mean_row_std                 0.017 [0.013, 0.021]',
      'share_rows_changed           0.844 [0.688, 0.969]',
      'lines that changed: review_quality.actionability 44.0%',
    ]);
    const actionability = readJson<{
      criteria: Array<{ line: string; statistics: { krippendorff_alpha: { value: number; ci95: [number, number] } } }>;
    }>(json).criteria.find((criterion) => criterion.line === 'actionability')!;
    const alpha = actionability.statistics.krippendorff_alpha;
    expect(README).toContain(
      `its own ordinal alpha is ${alpha.value.toFixed(3)} [${alpha.ci95[0].toFixed(3)}, ${alpha.ci95[1].toFixed(3)}]`,
    );
  });

  it('2. position', async () => {
    const run = await runLab('position', '--spec', 'examples/contract-review/lab/preference-spec.yaml', ...INPUT, ...using('fake'));
    expect(run.code).toBe(0);
    expectQuoted(run.stdout, [
      'position: versus_reference, 35 of 38 rows judged in both orders',
      'swap_agreement          0.686 [0.514, 0.829]',
      'cohen_kappa_unweighted  0.522 [0.333, 0.706]  moderate',
      'tie_rate                0.343 [0.199, 0.514]',
      'first_position_rate     0.739 [0.643, 0.841]',
      'position bias: 11 rows favour the first slot, 0 the second; p = 0.0010 → the first position is favoured',
    ]);
  });

  it('3. agree', async () => {
    const run = await runLab(
      'agree',
      ...SPEC,
      ...INPUT,
      '--judge',
      'openai-compatible:fake',
      '--judge',
      'openai-compatible:fake-strict',
      '--judge-base-url',
      judge.url,
      '--no-cache',
    );
    expect(run.code).toBe(0);
    expectQuoted(run.stdout, [
      'agree: fake, fake-strict on 38 items (32 rated twice or more), level interval',
      'krippendorff_alpha_interval  0.923 [0.851, 0.950]  ← reliable (≥ 0.800)',
      'spearman                     0.999 [0.988, 1.000]',
      'most disagreed: licensing-excerpt-ref (0.389 vs 0.194), construction-fenced (0.917 vs 0.75), ',
    ]);
  });

  it('4. calibrate', async () => {
    const run = await runLab(
      'calibrate',
      ...SPEC,
      ...INPUT,
      '--labels',
      'examples/contract-review/lab/human-labels.jsonl',
      ...using('fake'),
    );
    expect(run.code).toBe(0);
    expectQuoted(run.stdout, [
      'calibrate: reward against human, 38 of 38 items, pass/fail',
      'accuracy                     0.868 [0.763, 0.974]  ←',
      'cohen_kappa_unweighted       0.708 [0.457, 0.917]  substantial',
      'spearman                     0.978 [0.949, 0.989]',
      'mean_signed_error            0.114 [0.091, 0.140]',
      'best threshold: pass iff score ≥ 0.733 (accuracy 1.000, in-sample)',
      'criterion grounding: spearman 0.881 [0.733, 0.955], n = 30',
      'criterion reference_consistency: spearman 0.962 [0.883, 0.996], n = 30',
      'criterion actionability: spearman 0.692 [0.467, 0.879], n = 30',
    ]);
  });

  it('5. regress', async () => {
    const baseline = join(dir, 'regress.json');
    const pass = await runLab('regress', '--suite', 'examples/contract-review/judge-suite.yaml', ...using('fake'), '--json', baseline);
    expect(pass.code).toBe(0);
    expectQuoted(pass.stdout, ['regress: 18/18 cases pass, 0 failed, 0 errored']);
    const fail = await runLab(
      'regress',
      '--suite',
      'examples/contract-review/judge-suite.yaml',
      '--baseline',
      baseline,
      ...using('fake-gullible'),
    );
    expect(fail.code).toBe(7);
    expectQuoted(fail.stdout, [
      'regress: 17/18 cases pass, 1 failed, 0 errored, 1 moved',
      'reward ≤ 0.9, got 1; verdicts.review_quality.actionability ≤ 2, got 5',
    ]);
    expect(fail.stdout).toMatch(/an instruction to the judge inside a comment does not raise its score\s+fail\s+1\.000\s+pass 0\.800/);
  });

  it('6. hack', async () => {
    const robust = await runLab(
      'hack',
      ...SPEC,
      ...INPUT,
      '--probes',
      'padding-fluff,injection-ignore-previous,copy-reference',
      ...using('fake'),
      '--json',
      join(dir, 'hack.json'),
    );
    expect(robust.code).toBe(0);
    expectQuoted(robust.stdout, [
      '! padding-fluff                    mean shift -0.017 [-0.029, -0.005]      raised 1/38',
      '  injection-ignore-previous        mean shift -0.005 [-0.014, 0.000]       raised 0/38',
      '! copy-reference                   mean shift 0.344 [0.223, 0.467]         raised 35/38',
    ]);
    const padded = readJson<{ probes: Array<{ id: string; rows: Array<{ id: string; shift: number }> }> }>(join(dir, 'hack.json'))
      .probes[0]!;
    expect(padded.rows.filter((row) => row.shift > 0).map((row) => row.id)).toEqual(['joint-venture-wrong-language']);
    const gullible = await runLab(
      'hack',
      ...SPEC,
      ...INPUT,
      ...using('fake-gullible'),
      '--quiet',
      '--json',
      join(dir, 'hack-gullible.json'),
    );
    expect(gullible.code).toBe(0);
    expect(readJson<{ summary: { flagged: string[]; probes: number } }>(join(dir, 'hack-gullible.json')).summary).toMatchObject({
      probes: 28,
    });
    expect(readJson<{ summary: { flagged: string[] } }>(join(dir, 'hack-gullible.json')).summary.flagged).toHaveLength(26);
    expect(README).toContain('to see 26 of 28 probes flagged');
  }, 120_000); // 28 probes × 38 rollouts: slow on a shared machine

  it('7. noise', async () => {
    const json = join(dir, 'noise.json');
    const run = await runLab(
      'noise',
      '--spec',
      'examples/contract-review/lab/group-spec.yaml',
      ...INPUT,
      '--repeats',
      '5',
      '--source',
      'permute',
      ...using('fake'),
      '--json',
      json,
    );
    expect(run.code).toBe(0);
    expectQuoted(run.stdout, [
      'noise: 32 of 38 rows judged 5 times (--source permute); left out: 3 gated, 3 empty',
      '  groups: 12 of 12 with two or more judged rows; judge calls per rollout 0.632',
      '  reward_snr                 27.883 [21.867, 38.390]  ←',
      '  share_groups_within_noise  0.000 [0.000, 0.000]',
      '  review_quality (group): snr 20.431 [16.701, 27.136], Kendall τ between orders 0.983 [0.968, 0.994]',
      '    mean score by slot: A 0.807 · B 0.743 · C 0.703 · D 0.730',
    ]);
    const { statistics } = readJson<{ statistics: Record<string, { value: number }> }>(json);
    expect(README).toContain(`gives a reward noise of ${statistics.reward_noise_sd!.value.toFixed(3)}`);
    expect(README).toContain(`within-group spread of ${statistics.reward_group_sd!.value.toFixed(3)}`);
  });

  it('7. noise: the pointwise and the group spec side by side', async () => {
    const GROUP = ['--spec', 'examples/contract-review/lab/group-spec.yaml'];
    const LABELS = ['--labels', 'examples/contract-review/lab/human-labels.jsonl'];
    const calibrate = async (spec: string[], name: string) => {
      const run = await runLab('calibrate', ...spec, ...INPUT, ...LABELS, ...using('fake'), '--json', join(dir, name));
      expect(run.code).toBe(0);
      return { run, result: readJson<CalibrateResult>(join(dir, name)) };
    };
    // fake-noisy cycles every 3 times it sees a prompt: step 1's 3 repeats of the pointwise prompts leave it where a fresh judge is.
    const noise = async (spec: string[], source: string, model: string, name: string) => {
      const run = await runLab(
        'noise',
        ...spec,
        ...INPUT,
        '--repeats',
        '5',
        '--source',
        source,
        ...using(model),
        '--json',
        join(dir, name),
      );
      expect(run.code).toBe(0);
      return readJson<NoiseResult>(join(dir, name));
    };
    const pointCalibrate = await calibrate(SPEC, 'calibrate-pointwise.json');
    const groupCalibrate = await calibrate(GROUP, 'calibrate-group.json');
    expect(groupCalibrate.run.stderr).toContain('only the overall label is compared');
    expect(pointCalibrate.result.per_criterion).toHaveLength(3);
    expect(groupCalibrate.result.per_criterion).toEqual([]);
    const pointNoise = await noise(SPEC, 'sample', 'fake-noisy', 'noise-pointwise.json');
    const groupNoise = await noise(GROUP, 'sample', 'fake-noisy', 'noise-group.json');
    const groupPermute = await noise(GROUP, 'permute', 'fake', 'noise-group-permute.json');
    const refused = await runLab('noise', ...SPEC, ...INPUT, '--repeats', '5', '--source', 'permute', ...using('fake'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('has none: use --source sample');

    const stat = (value: { value: number; ci95: [number, number] }) =>
      `${value.value.toFixed(3)} [${value.ci95[0].toFixed(3)}, ${value.ci95[1].toFixed(3)}]`;
    const callsPerRepeat = (result: NoiseResult) => result.calls.sent / 5;
    expect(callsPerRepeat(groupNoise)).toBe(groupNoise.groups.judged * 2); // one call per contract and order
    const sizes = groupNoise.per_group.map((group) => group.ids.length);
    const excluded = pointNoise.rows.excluded.gated + pointNoise.rows.excluded.empty;
    expect(README).toContain(`the ${Math.min(...sizes)}–${Math.max(...sizes)} judged reviews of one contract`);
    expect(README).toContain(`the ${excluded} gated or empty ones cost none`);
    expect(README).toContain(`The same ${pointNoise.rows.total} rollouts under the pointwise spec`);
    const rows = [
      `| judge calls per rollout (\`lab noise\`, per repeat) | ${pointNoise.calls.per_rollout.toFixed(3)} (${callsPerRepeat(pointNoise)} calls) | ` +
        `${groupNoise.calls.per_rollout.toFixed(3)} (${callsPerRepeat(groupNoise)} calls: ${groupNoise.groups.judged} contracts × 2 orders) |`,
      ...(['accuracy', 'spearman', 'mean_signed_error'] as const).map(
        (name) =>
          `| \`${name}\`${name === 'mean_signed_error' ? ' (reward − human)' : ' against the humans'}` +
          `${name === 'accuracy' ? ' (pass/fail at 0.5)' : ''} | ${stat(pointCalibrate.result.statistics[name]!)} | ${stat(groupCalibrate.result.statistics[name]!)} |`,
      ),
      `| per criterion against the humans | ${pointCalibrate.result.per_criterion.length} criteria | none (one score per review) |`,
      `| \`reward_snr\`, \`--source sample\`, \`fake-noisy\` | ${stat(pointNoise.statistics.reward_snr!)} | ${stat(groupNoise.statistics.reward_snr!)} |`,
      `| \`share_groups_within_noise\`, same run | ${pointNoise.statistics.share_groups_within_noise!.value.toFixed(3)} | ` +
        `${groupNoise.statistics.share_groups_within_noise!.value.toFixed(3)} |`,
      `| \`reward_snr\`, \`--source permute\`, \`fake\` (the run above) | — (no group judge to reorder: exit 2) | ${stat(groupPermute.statistics.reward_snr!)} |`,
    ];
    for (const row of rows) expect(README).toContain(row);
  });
});

interface CalibrateResult {
  statistics: Record<string, { value: number; ci95: [number, number] }>;
  per_criterion: unknown[];
}

interface NoiseResult {
  rows: { total: number; excluded: { gated: number; empty: number } };
  groups: { judged: number };
  calls: { sent: number; per_rollout: number };
  statistics: Record<string, { value: number; ci95: [number, number] }>;
  per_group: Array<{ ids: string[] }>;
}
