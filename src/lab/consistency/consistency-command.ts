/**
 * `rewardkit lab consistency`: its flags and help, how it reads them, and the definition the CLI dispatches to.
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
import type { ConsistencyResult } from './consistency-analysis.js';
import { consistencyReport, consistencySummaryLines } from './consistency-report.js';
import { runConsistency, type ConsistencyOptions } from './run-consistency.js';

/** The statistics --min NAME=VALUE may require a minimum of. */
export const CONSISTENCY_STATISTICS: readonly string[] = ['krippendorff_alpha_interval', 'icc1', 'mean_row_std', 'share_rows_changed'];

function help(reward: RewardFlagsOfCli): string {
  return `Usage: rewardkit lab consistency --spec SPEC --input ROLLOUTS.jsonl [--repeats K] [options]
       rewardkit lab consistency --scored RUN1.jsonl --scored RUN2.jsonl [--scored …] [--rollouts FILE]

Does the judge give the same answer twice? Judges every rollout K times — repeat r under the cache
namespace "repeat-r", so each repeat asks the judge afresh (and a re-run reuses those answers) — or reads
K "rewardkit score" outputs of the same rows. Reports the per-row standard deviation of the reward, the
flip rate of every pass/fail criterion (and change rate of every scale dimension and preference winner),
and the reliability over rows × repeats: Krippendorff's alpha (interval) and ICC(1), with 95% CIs.
Rows no judge saw (gated, empty, unreadable) are left out: their reward never varies. A repeat in which
the judge failed is a missing rating.

Options:
  --spec FILE             reward spec (YAML or JSON)
  --input FILE            rollouts (JSONL)
  --repeats K             judgements per row, at least 2                              (default 3)
  --scored FILE           a rewardkit score output; repeat the flag, one per repeat
  --rollouts FILE         with --scored: the rollouts, for response lengths (verbosity line)
  --min NAME=VALUE        requirement: exit 7 unless statistics.NAME ≥ VALUE (repeatable), e.g.
                          --min krippendorff_alpha_interval=0.8
${engineOptionsHelp(reward)}
${COMMON_OPTIONS_HELP}

Statistics: krippendorff_alpha_interval, icc1, mean_row_std, share_rows_changed.

Examples:
  rewardkit lab consistency --spec examples/contract-review/spec.yaml \\
      --input examples/contract-review/rollouts.jsonl --repeats 5 ${FAKE_JUDGE_FLAGS} \\
      --json consistency.json --html consistency.html --min krippendorff_alpha_interval=0.8
  rewardkit lab consistency --scored run1.jsonl --scored run2.jsonl --scored run3.jsonl --rollouts rollouts.jsonl

${EXIT_CODES_HELP}`;
}

/** The run's options from its flags (a usage error names the flag). */
export function consistencyOptions(flags: LabFlags): ConsistencyOptions {
  const usage = (message: string) => usageError('consistency', message);
  const scored = flags.list('scored');
  if (scored.length > 0) {
    if (flags.text('spec') || flags.text('input')) throw usage('use either --scored files or --spec with --input, not both');
    return { mode: 'scored', files: scored, ...(flags.text('rollouts') ? { rollouts: flags.text('rollouts') } : {}) };
  }
  const repeats = flags.positiveInteger('repeats') ?? 3;
  if (repeats < 2) throw usage('--repeats must be at least 2 (one judgement cannot disagree with itself)');
  const { spec, input } = requireSpecAndInput('consistency', flags.text('spec'), flags.text('input'));
  return { mode: 'engine', spec, input, repeats, engine: flags.engine(DEFAULT_CACHE_PATH) };
}

export const consistencyCommand: LabCommandDefinition<ConsistencyResult> = {
  name: 'consistency',
  flags: (reward) => ({
    ...COMMON_FLAGS,
    ...engineFlagTable(reward),
    ...MIN_FLAG,
    repeats: { type: 'string' },
    scored: { type: 'string', multiple: true },
    rollouts: { type: 'string' },
  }),
  help,
  minFlagStatistics: CONSISTENCY_STATISTICS,
  run: (flags, context) => runConsistency(consistencyOptions(flags), context),
  report: consistencyReport,
  summaryLines: consistencySummaryLines,
};
