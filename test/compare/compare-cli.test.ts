/**
 * `rewardkit compare` end to end through the CLI: scored files and the rollouts they came from written to a temp
 * folder, then the terminal summary, the --json shape, unmatched prompts, the --min-delta exit codes, pairing without
 * the inputs, neutral rows, seeds, and every usage and input error with its exit code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompareResult } from '../../src/lab/compare/compare-result.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardkit-compare-'));

interface Rollout {
  prompt: string;
  reward: number | null;
  response: string;
  neutral?: boolean;
}

/** Writes a scored file and the rollouts it was scored from (ids `<prefix>-<line>`), as score would. */
function writeSide(
  name: string,
  rollouts: Rollout[],
  idOf: (r: Rollout, line: number) => string = (_r, line) => `${name}-${line}`,
): { scored: string; input: string } {
  const scored = join(dir, `${name}.scored.jsonl`);
  const input = join(dir, `${name}.rollouts.jsonl`);
  writeFileSync(
    input,
    rollouts.map((r, i) => JSON.stringify({ id: idOf(r, i + 1), prompt: r.prompt, response: r.response })).join('\n') + '\n',
  );
  writeFileSync(
    scored,
    rollouts
      .map((r, i) =>
        JSON.stringify({
          line: i + 1,
          id: idOf(r, i + 1),
          spec_hash: 'h1',
          reward: r.reward,
          neutral: r.neutral ?? false,
          gated_by: null,
          flags: r.reward === null ? ['row_error'] : r.neutral ? ['judge_error'] : [],
          metrics: {},
          components:
            r.reward === null ? [] : [{ name: 'quality', kind: 'judge', type: 'rubric', score: r.reward, weight: 1, status: 'scored' }],
        }),
      )
      .join('\n') + '\n',
  );
  return { scored, input };
}

const text = (chars: number) => 'abcd '.repeat(Math.ceil(chars / 5)).slice(0, chars);
// the same prompts as src/lab/compare/compare-analysis.test.ts: deltas 0.4, 0, −0.2; P4 only before, P6 only after,
// P5 unreadable before; plus a neutral fallback row after (left out by default)
const BEFORE = writeSide('before', [
  { prompt: 'P1', reward: 0.2, response: text(30) },
  { prompt: 'P1', reward: 0.4, response: text(10) },
  { prompt: 'P2', reward: 0.5, response: text(20) },
  { prompt: 'P3', reward: 0.9, response: text(40) },
  { prompt: 'P4', reward: 0.1, response: text(5) },
  { prompt: 'P5', reward: null, response: text(5) },
]);
const AFTER = writeSide('after', [
  { prompt: 'P1', reward: 0.6, response: text(10) },
  { prompt: 'P1', reward: 0.8, response: text(40) },
  { prompt: 'P2', reward: 0.5, response: text(20) },
  { prompt: 'P3', reward: 0.7, response: text(30) },
  { prompt: 'P6', reward: 0.3, response: text(5) },
  { prompt: 'P5', reward: 0.4, response: text(5) },
  { prompt: 'P2', reward: 0.5, response: text(20), neutral: true },
]);
const INPUTS = ['--before-input', BEFORE.input, '--after-input', AFTER.input];

describe('rewardkit compare', () => {
  it('prints the summary and writes the documented JSON shape', async () => {
    const json = join(dir, 'out', 'compare.json');
    const run = await runCli('compare', BEFORE.scored, AFTER.scored, ...INPUTS, '--json', json, '--resamples', '2000');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(paired by prompt)');
    expect(run.stdout).toContain('3 paired · 1 only before · 1 only after · 1 without a reward on a side');
    expect(run.stdout).toContain('mean delta     +0.0667 [95% CI -0.2000, +0.4000]  (2000 resamples, seed 1)');
    expect(run.stdout).toContain('win/tie/loss   1 / 1 / 1 prompts');
    expect(run.stderr).toBe(`wrote ${json}\n`);
    const result = JSON.parse(readFileSync(json, 'utf8')) as CompareResult;
    expect(Object.keys(result)).toEqual([
      'rewardkit_compare',
      'settings',
      'before',
      'after',
      'prompts',
      'reward',
      'components',
      'length',
      'histograms',
      'gate',
      'findings',
    ]);
    expect(result.rewardkit_compare).toBe(1);
    expect(result.settings).toEqual({
      pair_by: 'prompt',
      resamples: 2000,
      seed: 1,
      tie_tolerance: 0,
      include_neutral: false,
      min_delta: null,
    });
    expect(result.before).toEqual({
      scored: BEFORE.scored,
      input: BEFORE.input,
      rows: 6,
      compared_rows: 5,
      excluded: { row_error: 1, no_reward: 0, neutral: 0, unreadable_input: 0 },
      prompts: 5,
      spec_hashes: ['h1'],
    });
    expect(result.after.excluded).toEqual({ row_error: 0, no_reward: 0, neutral: 1, unreadable_input: 0 });
    expect(result.prompts).toEqual({
      paired: 3,
      only_before: 1,
      only_after: 1,
      no_reward: 1,
      examples: {
        only_before: [{ id: 'before-5', line: 5, missing: 'after' }],
        only_after: [{ id: 'after-5', line: 5, missing: 'before' }],
        no_reward: [{ id: 'before-6', line: 6, missing: 'before' }],
      },
    });
    expect(Object.keys(result.reward)).toEqual(['before', 'after', 'delta', 'wins', 'ties', 'losses', 'sign_test_p']);
    expect(result.reward.delta.value).toBeCloseTo(0.2 / 3, 15);
    expect(result.reward.delta).toHaveProperty('ci95', [expect.closeTo(-0.2, 12), expect.closeTo(0.4, 12)]);
    expect(result.components.map((c) => [c.name, c.prompts])).toEqual([['quality', 3]]);
    expect(Object.keys(result.length)).toEqual(['reason', 'before', 'after', 'delta_chars', 'delta_words', 'reward_length']);
    expect(result.length.before).toEqual({ rows: 4, mean_chars: 25, median_chars: 25, mean_words: 5, median_words: 5 });
    expect(result.length.delta_chars.value).toBeCloseTo(-5 / 3, 12);
    expect(result.length.reward_length.after!.spearman.value).toBeCloseTo(0.8, 12);
    expect(result.gate).toBeNull();
  });

  it('--json - prints only the JSON to stdout', async () => {
    const run = await runCli('compare', BEFORE.scored, AFTER.scored, ...INPUTS, '--json', '-', '--resamples', '200');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { prompts: { paired: number } }).prompts.paired).toBe(3);
  });

  it('--min-delta gates on the lower bound of the CI: exit 11 below it, 0 at or above it', async () => {
    const failed = await runCli('compare', BEFORE.scored, AFTER.scored, ...INPUTS, '--min-delta', '0', '--quiet', '--resamples', '2000');
    expect(failed.code).toBe(11);
    expect(failed.stderr).toContain(
      "compare: --min-delta 0 not met: the lower bound of the mean delta's 95% CI (-0.2000) is below --min-delta 0",
    );
    const passed = await runCli('compare', BEFORE.scored, AFTER.scored, ...INPUTS, '--min-delta=-0.25', '--quiet', '--resamples', '2000');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toBe('');
  });

  it('--include-neutral compares the neutral fallback rows too', async () => {
    const run = await runCli('compare', BEFORE.scored, AFTER.scored, ...INPUTS, '--include-neutral', '--json', '-', '--resamples', '100');
    const result = JSON.parse(run.stdout) as { after: { compared_rows: number }; settings: { include_neutral: boolean } };
    expect(result.after.compared_rows).toBe(7);
    expect(result.settings.include_neutral).toBe(true);
  });

  it('without the inputs, pairs by id (rows sharing an id are one prompt) and says why lengths are unknown', async () => {
    const byPrompt = (r: Rollout) => r.prompt.toLowerCase();
    const before = writeSide(
      'id-before',
      [
        { prompt: 'P1', reward: 0.2, response: '' },
        { prompt: 'P1', reward: 0.4, response: '' },
        { prompt: 'P2', reward: 1, response: '' },
      ],
      byPrompt,
    );
    const after = writeSide(
      'id-after',
      [
        { prompt: 'P1', reward: 0.5, response: '' },
        { prompt: 'P2', reward: 1, response: '' },
      ],
      byPrompt,
    );
    const run = await runCli('compare', before.scored, after.scored, '--json', '-', '--resamples', '100');
    const result = JSON.parse(run.stdout) as CompareResult;
    expect(result.settings.pair_by).toBe('id');
    expect(result.prompts.paired).toBe(2);
    expect(result.reward.delta.value).toBeCloseTo(0.1, 15);
    expect(result.reward).toMatchObject({ wins: 1, ties: 1, losses: 0 });
    expect(result.length.reason).toBe(
      'score output carries no response text: pass --before-input and --after-input (the rollouts that were scored) for lengths',
    );
    expect(result.length.delta_chars).toEqual({ value: null, reason: result.length.reason });
  });

  it("--spec reads the input rows through the spec's input section; a bad spec exits 3", async () => {
    const rename = (from: string, to: string) => {
      const path = join(dir, to);
      const rows = readFileSync(from, 'utf8').trim().split('\n');
      writeFileSync(
        path,
        `${rows.map((line) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line) as Record<string, unknown>).map(([key, value]) => [({ prompt: 'question', response: 'answer' } as Record<string, string>)[key] ?? key, value])))).join('\n')}\n`,
      );
      return path;
    };
    const inputs = ['--before-input', rename(BEFORE.input, 'q-before.jsonl'), '--after-input', rename(AFTER.input, 'q-after.jsonl')];
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'input:\n  prompt: question\n  response: answer\nchecks:\n  - {type: length, unit: chars, min: 1, max: 100}\n');
    const withSpec = await runCli('compare', BEFORE.scored, AFTER.scored, ...inputs, '--spec', spec, '--json', '-', '--resamples', '100');
    expect(withSpec.code).toBe(0);
    expect((JSON.parse(withSpec.stdout) as CompareResult).length.before).toMatchObject({ rows: 4, mean_chars: 25 });
    // read as plain rows, none has a prompt: nothing to pair
    const without = await runCli('compare', BEFORE.scored, AFTER.scored, ...inputs);
    expect(without.code).toBe(4);
    const bad = join(dir, 'bad-spec.yaml');
    writeFileSync(bad, 'checks: 3\n');
    const invalid = await runCli('compare', BEFORE.scored, AFTER.scored, ...inputs, '--spec', bad);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('invalid reward spec');
  });

  it('the same seed gives the same interval, another seed another', async () => {
    const ci = async (seed: string) =>
      (
        JSON.parse(
          (
            await runCli(
              'compare',
              BEFORE.scored,
              AFTER.scored,
              '--pair-by',
              'prompt',
              ...INPUTS,
              '--json',
              '-',
              '--resamples',
              '50',
              '--seed',
              seed,
            )
          ).stdout,
        ) as {
          length: { delta_chars: { ci95: number[] } };
        }
      ).length.delta_chars.ci95;
    expect(await ci('7')).toEqual(await ci('7'));
    expect(await ci('7')).not.toEqual(await ci('8'));
  });

  it.each([
    [['compare', 'one.jsonl'], 2, 'compare: expected two scored files, BEFORE.jsonl and AFTER.jsonl, got "one.jsonl"'],
    [['compare', 'a', 'b', '--pair-by', 'text'], 2, 'compare: --pair-by: expected one of id, prompt, group, got "text"'],
    [['compare', 'a', 'b', '--before-input', 'x'], 2, 'compare: give both --before-input and --after-input'],
    [['compare', 'a', 'b', '--tie-tolerance=-1'], 2, 'compare: --tie-tolerance: expected a number ≥ 0 (e.g. 0.01), got "-1"'],
    [['compare', 'a', 'b', '--seed', 'x'], 2, 'compare: --seed: expected a whole number from 0 to 4294967295, got "x"'],
  ])('usage error %#', async (argv, code, message) => {
    const run = await runCli(...argv);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
  });

  it('--pair-by prompt without the inputs is a usage error', async () => {
    const run = await runCli('compare', BEFORE.scored, AFTER.scored, '--pair-by', 'prompt');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--pair-by prompt needs the scored rollouts of both sides (--before-input, --after-input)');
  });

  it('input errors exit 4 and name the file and line', async () => {
    const missing = await runCli('compare', join(dir, 'nope.jsonl'), AFTER.scored);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`--before ${join(dir, 'nope.jsonl')}: cannot read the file (ENOENT)`);
    const notScored = join(dir, 'not-scored.jsonl');
    writeFileSync(notScored, '{"id": "a", "prompt": "x"}\n');
    const wrong = await runCli('compare', notScored, AFTER.scored);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain(`--before ${notScored}:1: not a rewardkit score result`);
    // the inputs swapped: line 1 of the after rollouts has another id
    const swapped = await runCli('compare', BEFORE.scored, AFTER.scored, '--before-input', AFTER.input, '--after-input', BEFORE.input);
    expect(swapped.code).toBe(4);
    expect(swapped.stderr).toContain(
      `--before ${BEFORE.scored}:1: has id "before-1" but line 1 of --before-input ${AFTER.input} has id "after-1": is it the file that was scored?`,
    );
    const twice = join(dir, 'component-twice.jsonl');
    writeFileSync(twice, '{"id": "a", "reward": 0.5, "components": [{"name": "q", "score": 1}, {"name": "q", "score": 0}]}\n');
    const duplicated = await runCli('compare', BEFORE.scored, twice);
    expect(duplicated.code).toBe(4);
    expect(duplicated.stderr).toContain(
      `--after ${twice}:1: component "q" appears twice in the row (a score result names each component once)`,
    );
  });

  it('two sides without a prompt in common exit 4 and suggest pairing by prompt', async () => {
    const run = await runCli('compare', BEFORE.scored, AFTER.scored);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(
      'compare: no prompt has a compared reward on both sides (paired by id: 6 only before, 7 only after, 0 without a reward on a side); if the ids differ',
    );
  });

  it('is listed in rewardkit --help with its exit code', async () => {
    const run = await runCli('--help');
    expect(run.stdout).toContain('  compare    compare two scored files');
    expect(run.stdout).toContain("11 compare: the mean reward delta's 95% CI lower bound is below --min-delta");
  });
});
