/**
 * `rewardkit lab position`: its flags and help, how it reads them, and the definition the CLI dispatches to.
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
import type { PositionResult } from './position-analysis.js';
import { positionReport, positionSummaryLines } from './position-report.js';
import { runPosition, type PositionOptions } from './run-position.js';

/** The statistics --min NAME=VALUE may require a minimum of. */
export const POSITION_STATISTICS: readonly string[] = ['swap_agreement', 'cohen_kappa_unweighted', 'tie_rate', 'first_position_rate'];

function help(reward: RewardFlagsOfCli): string {
  return `Usage: rewardkit lab position --spec SPEC --input ROLLOUTS.jsonl [--judge-name NAME] [options]
       rewardkit lab position --scored SCORED.jsonl [--judge-name NAME] [--rollouts FILE]

Does a preference judge favour whichever answer comes first? Runs one preference judge of the spec
(the only one, or --judge-name) in both orders on every rollout — checks and other judges are left out,
so every non-empty row is judged — or reads a score output whose preference judge used position: both.
Reports how often the verdict survives the swap, Cohen's kappa between the orders, the tie rate, the
share of decisive verdicts won by the first-shown answer, and an exact binomial (sign) test on the rows
whose verdict followed the slot (A both times vs B both times).

Options:
  --spec FILE             reward spec with a preference judge
  --input FILE            rollouts (JSONL)
  --judge-name NAME       which preference judge (when the spec has several)
  --scored FILE           a rewardkit score output instead of --spec/--input
  --rollouts FILE         with --scored: the rollouts, for response lengths
  --min NAME=VALUE        requirement: exit 7 unless statistics.NAME ≥ VALUE (repeatable)
${engineOptionsHelp(reward)}
${COMMON_OPTIONS_HELP}

Statistics: swap_agreement, cohen_kappa_unweighted, tie_rate, first_position_rate; and
position_bias_test {first_favoured_rows, second_favoured_rows, p_value, favoured, significant}.

Example:
  rewardkit lab position --spec examples/contract-review/lab/preference-spec.yaml \\
      --input examples/contract-review/rollouts.jsonl ${FAKE_JUDGE_FLAGS} --html position.html

${EXIT_CODES_HELP}`;
}

/** The run's options from its flags (a usage error names the flag). */
export function positionOptions(flags: LabFlags): PositionOptions {
  const judgeName = flags.text('judge-name');
  if (flags.text('scored')) {
    if (flags.text('spec') || flags.text('input')) throw usageError('position', 'use either --scored or --spec with --input, not both');
    return {
      mode: 'scored',
      file: flags.text('scored')!,
      ...(judgeName ? { judgeName } : {}),
      ...(flags.text('rollouts') ? { rollouts: flags.text('rollouts') } : {}),
    };
  }
  const { spec, input } = requireSpecAndInput('position', flags.text('spec'), flags.text('input'));
  return { mode: 'engine', spec, input, ...(judgeName ? { judgeName } : {}), engine: flags.engine(DEFAULT_CACHE_PATH) };
}

export const positionCommand: LabCommandDefinition<PositionResult> = {
  name: 'position',
  flags: (reward) => ({
    ...COMMON_FLAGS,
    ...engineFlagTable(reward),
    ...MIN_FLAG,
    'judge-name': { type: 'string' },
    scored: { type: 'string' },
    rollouts: { type: 'string' },
  }),
  help,
  minFlagStatistics: POSITION_STATISTICS,
  run: (flags, context) => runPosition(positionOptions(flags), context),
  report: positionReport,
  summaryLines: positionSummaryLines,
};
