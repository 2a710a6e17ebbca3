/**
 * `rewardkit lab noise`: its flags and help, how it reads them, and the definition the CLI dispatches to.
 */
import { DEFAULT_CACHE_PATH } from '../../open-reward.js';
import type { LabCommandDefinition, LabFlags, RewardFlagsOfCli } from '../command/lab-command-definition.js';
import {
  COMMON_FLAGS,
  COMMON_OPTIONS_HELP,
  engineFlagTable,
  engineOptionsHelp,
  EXIT_CODES_HELP,
  FAKE_JUDGE_FLAGS,
  MIN_FLAG,
  requireSpecAndInput,
  usageError,
} from '../command/lab-flags.js';
import { NOISE_STATISTICS, type NoiseResult } from './noise-analysis.js';
import { noiseReport, noiseSummaryLines } from './noise-report.js';
import { runNoise, type NoiseOptions } from './run-noise.js';

const DEFAULT_REPEATS = 5;

function help(reward: RewardFlagsOfCli): string {
  return `Usage: rewardkit lab noise --spec SPEC --input ROLLOUTS.jsonl [--repeats K] [--source sample|permute] [options]

Is the judge's noise smaller than the spread of the group GRPO learns from? A GRPO trainer learns only from
the differences between the rollouts of one prompt; where the judge's noise is as large as those
differences, it learns noise. Judges every rollout K times — repeat r under the cache namespace "noise-r",
so each repeat asks the judge afresh (and a re-run reuses those answers) — and estimates the judge's
standard deviation per row. Per group of rollouts (the rows of one prompt: the spec's group_id field, else
the same prompt): the judge's noise on its rows, sqrt(mean σ²), and its spread, the within-group standard
deviation of one pass, averaged over the repeats. Reports, for the reward and per judge, the SNR = mean
group spread ÷ root-mean-square noise over groups (95% CI: bootstrap over groups) and the share of groups
whose spread is within the noise (GRPO learns mostly noise from those; a group with no spread at all
counts too). For group judges (type: group) also the rank agreement between orders (Kendall τ) and the
mean score by slot. Rows no judge saw (gated, empty, unreadable) are left out; a repeat in which the judge
failed is a missing value. Only groups with two or more judged rows have a spread.

Options:
  --spec FILE             reward spec (YAML or JSON)
  --input FILE            rollouts (JSONL), several per prompt
  --repeats K             judgements per row, at least 2                              (default ${DEFAULT_REPEATS})
  --source sample|permute where the noise comes from                                   (default sample)
                          sample: fresh samples at the spec's temperature (a judge at temperature 0
                          has none: the statistics then say so);
                          permute: also shows every group judge's rollouts in another order each
                          repeat (group order seed "noise-r"): the noise of the slot order itself
  --min NAME=VALUE        requirement: exit 7 unless statistics.NAME ≥ VALUE (repeatable), e.g.
                          --min reward_snr=2
${engineOptionsHelp(reward)}
${COMMON_OPTIONS_HELP}

Statistics: ${NOISE_STATISTICS.join(', ')}.

Examples:
  rewardkit lab noise --spec examples/contract-review/lab/group-spec.yaml \\
      --input examples/contract-review/rollouts.jsonl --repeats 5 \\
      --judge openai-compatible:fake-noisy --judge-base-url http://127.0.0.1:PORT/v1 \\
      --json noise.json --html noise.html --min reward_snr=2
  rewardkit lab noise --spec examples/contract-review/lab/group-spec.yaml \\
      --input examples/contract-review/rollouts.jsonl --source permute ${FAKE_JUDGE_FLAGS}

${EXIT_CODES_HELP}`;
}

/** The run's options from its flags (a usage error names the flag). */
function noiseOptions(flags: LabFlags): NoiseOptions {
  const usage = (message: string) => usageError('noise', message);
  const repeats = flags.positiveInteger('repeats') ?? DEFAULT_REPEATS;
  if (repeats < 2) throw usage('--repeats must be at least 2 (one judgement has no spread)');
  const source = flags.text('source') ?? 'sample';
  if (source !== 'sample' && source !== 'permute') throw usage(`--source: expected sample or permute, got ${JSON.stringify(source)}`);
  const { spec, input } = requireSpecAndInput('noise', flags.text('spec'), flags.text('input'));
  return { spec, input, repeats, source, engine: flags.engine(DEFAULT_CACHE_PATH) };
}

export const noiseCommand: LabCommandDefinition<NoiseResult> = {
  name: 'noise',
  flags: (reward) => ({
    ...COMMON_FLAGS,
    ...engineFlagTable(reward),
    ...MIN_FLAG,
    repeats: { type: 'string' },
    source: { type: 'string' },
  }),
  help,
  minFlagStatistics: NOISE_STATISTICS,
  run: (flags, context) => runNoise(noiseOptions(flags), context),
  report: noiseReport,
  summaryLines: noiseSummaryLines,
};
