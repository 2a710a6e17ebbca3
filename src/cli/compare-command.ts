/**
 * `rewardkit compare BEFORE.jsonl AFTER.jsonl`: two `score` outputs of the same prompts (before and after training)
 * compared prompt by prompt — the mean reward delta with a paired bootstrap 95% CI, component deltas, win/tie/loss,
 * length drift and the reward–length correlation — as a terminal summary, --json and a self-contained --html report,
 * with a --min-delta gate for CI. The analysis lives in src/lab/compare/; this file owns flags, files and exit codes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { PairBy } from '../lab/compare/compare-inputs.js';
import { renderCompareReport } from '../lab/compare/compare-report.js';
import { compareSummary } from '../lab/compare/compare-summary.js';
import { COMPARE_RESAMPLES, runCompare } from '../lab/compare/run-compare.js';
import { LabError } from '../lab/lab-error.js';
import { toJson } from '../lab/lab-result.js';
import { DEFAULT_SEED } from '../lab/statistics/index.js';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import type { CommandIo } from './score-command.js';

export const COMPARE_HELP = `Usage: rewardkit compare BEFORE.jsonl AFTER.jsonl [options]

Compares two rewardkit score outputs of the same prompts (e.g. the base model's rollouts and the trained
checkpoint's), prompt by prompt: with several rollouts per prompt (GRPO n = 4) each prompt's mean reward is
compared. Reports the mean reward delta with a paired bootstrap 95% CI, per-component deltas, win/tie/loss by
prompt, response length drift and the reward–length correlation on each side (a reward-hacking signal). Prompts
on one side only are counted and listed, never dropped silently.

Score output has no prompt or response text: pass the rollouts each side scored (--before-input, --after-input)
to pair by prompt text and to measure lengths; without them rows pair by id (rows sharing an id are one prompt).

Options:
  --before-input FILE   the rollouts BEFORE.jsonl was scored from (joined by the "line" score writes)
  --after-input FILE    the rollouts AFTER.jsonl was scored from
  --spec FILE           read the input rows as this reward spec's input section says (field names, format);
                        only that section is used: no judge is called
  --pair-by KEY         id | prompt | group (default: prompt with both inputs, else id)
                          id      the row id
                          prompt  the system prompt and prompt text, whatever the ids (needs the inputs)
                          group   the row's group_id, else its prompt, as score groups rows (needs the inputs)
  --tie-tolerance X     a prompt whose mean reward moved by at most X is a tie (default 0)
  --include-neutral     compare rows that got the neutral fallback reward (a judge failed); left out by default
  --resamples N         bootstrap resamples (default ${COMPARE_RESAMPLES})
  --seed N              bootstrap seed (default ${DEFAULT_SEED}): the same files and seed give the same intervals
  --min-delta X         gate: exit 11 unless the lower bound of the mean delta's 95% CI is at least X
                        (a negative X is written --min-delta=-0.01)
  --json FILE           write the result as JSON (stable shape, "rewardkit_compare": 1); "-" prints it to stdout
  --html FILE           write a self-contained HTML report with charts (opens offline)
  --quiet               no terminal summary
  -h, --help            this help

Examples:
  rewardkit compare base.scored.jsonl ckpt.scored.jsonl \\
      --before-input base.rollouts.jsonl --after-input ckpt.rollouts.jsonl --html compare.html
  # in CI: fail unless the checkpoint is better by at least 0.02 with 95% confidence
  rewardkit compare base.scored.jsonl ckpt.scored.jsonl --min-delta 0.02 --json compare.json

Exit codes: 0 compared (and the gate, if any, passed) · 2 bad usage · 3 invalid --spec · 4 a file is unreadable, is not score
            output, or the two sides share no prompt · 11 --min-delta not met`;

const FLAGS = {
  spec: { type: 'string' },
  'before-input': { type: 'string' },
  'after-input': { type: 'string' },
  'pair-by': { type: 'string' },
  'tie-tolerance': { type: 'string' },
  'include-neutral': { type: 'boolean' },
  resamples: { type: 'string' },
  seed: { type: 'string' },
  'min-delta': { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PAIR_BY: readonly PairBy[] = ['id', 'prompt', 'group'];

export async function compareCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseFlags('compare', () =>
    parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: true }),
  );
  if (values.help) {
    io.stdout.write(`${COMPARE_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 2)
    throw new CliError(
      `compare: expected two scored files, BEFORE.jsonl and AFTER.jsonl, got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}\nRun "rewardkit compare --help" for usage.`,
      EXIT.usage,
    );
  const pairBy = values['pair-by'];
  if (pairBy !== undefined && !PAIR_BY.includes(pairBy as PairBy))
    throw new CliError(`compare: --pair-by: expected one of ${PAIR_BY.join(', ')}, got ${JSON.stringify(pairBy)}`, EXIT.usage);
  if (Boolean(values['before-input']) !== Boolean(values['after-input']))
    throw new CliError(
      'compare: give both --before-input and --after-input (the rollouts each side was scored from), or neither',
      EXIT.usage,
    );
  const seedText = values.seed;
  const seed = seedText === undefined ? DEFAULT_SEED : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new CliError(`compare: --seed: expected a whole number from 0 to 4294967295, got ${JSON.stringify(seedText)}`, EXIT.usage);
  const tieTolerance = numberFlag(values['tie-tolerance'], '--tie-tolerance', 'a number ≥ 0 (e.g. 0.01)', (x) => x >= 0);
  const minDelta = numberFlag(values['min-delta'], '--min-delta', 'a number (a reward difference, e.g. 0.02)', () => true);
  if (values.spec && !values['before-input'])
    throw new CliError('compare: --spec says how to read the input rows: give --before-input and --after-input too', EXIT.usage);
  // a bad spec throws SpecError: exit 3 with every problem listed (main.ts). Loaded only for --spec: the reward stack
  // takes ~0.5 s to import, a tenth of compare's time budget on 100,000 rows
  const inputSpec = values.spec ? (await import('../open-reward.js')).loadRewardSpec({ spec: values.spec }).spec.input : undefined;
  const [before, after] = positionals as [string, string];
  let result;
  try {
    result = await runCompare({
      before,
      after,
      ...(values['before-input'] ? { beforeInput: values['before-input'] } : {}),
      ...(values['after-input'] ? { afterInput: values['after-input'] } : {}),
      ...(pairBy ? { pairBy: pairBy as PairBy } : {}),
      resamples: positiveInteger(values.resamples, '--resamples') ?? COMPARE_RESAMPLES,
      seed,
      ...(tieTolerance !== undefined ? { tieTolerance } : {}),
      includeNeutral: Boolean(values['include-neutral']),
      ...(minDelta !== undefined ? { minDelta } : {}),
      ...(inputSpec ? { inputSpec } : {}),
    });
  } catch (error) {
    if (LabError.isInstance(error))
      throw new CliError(`compare: ${error.message}`, error.kind === 'usage' ? EXIT.usage : EXIT.inputUnreadable);
    throw error;
  }
  if (result.prompts.paired === 0)
    throw new CliError(
      `compare: no prompt has a compared reward on both sides (paired by ${result.settings.pair_by}: ${result.prompts.only_before} only before, ${result.prompts.only_after} only after, ${result.prompts.no_reward} without a reward on a side)${result.settings.pair_by === 'id' ? '; if the ids differ between the runs, pass --before-input and --after-input to pair by prompt' : ''}`,
      EXIT.inputUnreadable,
    );
  const write = (path: string, content: string, flag: string) => {
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, 'utf8');
    } catch (error) {
      throw new CliError(
        `compare: cannot write ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        EXIT.usage,
      );
    }
    io.stderr.write(`wrote ${path}\n`);
  };
  const json = values.json;
  if (json === '-') io.stdout.write(toJson(result));
  else if (json !== undefined) write(json, toJson(result), '--json');
  if (values.html !== undefined) write(values.html, renderCompareReport(result), '--html');
  if (!values.quiet && json !== '-') io.stdout.write(compareSummary(result));
  if (result.gate && !result.gate.passed) {
    io.stderr.write(`compare: --min-delta ${result.gate.min_delta} not met: ${result.gate.reason}\n`);
    return EXIT.compareBelowMinDelta;
  }
  return EXIT.ok;
}

function numberFlag(text: string | undefined, flag: string, expected: string, valid: (x: number) => boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !valid(value))
    throw new CliError(`compare: ${flag}: expected ${expected}, got ${JSON.stringify(text)}`, EXIT.usage);
  return value;
}
