/**
 * `rewardkit lab calibrate`: its flags and help, how it reads them, and the definition the CLI dispatches to.
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
  parseRatingList,
  usageError,
} from '../command/lab-flags.js';
import { parseScoreSelector } from '../engine/row-signals.js';
import { CALIBRATION_STATISTICS, type CalibrationOptions, type CalibrationResult } from './calibration-analysis.js';
import { calibrationReport, calibrationSummaryLines } from './calibrate-report.js';
import { runCalibrate, type CalibrateOptions } from './run-calibrate.js';

function help(reward: RewardFlagsOfCli): string {
  return `Usage: rewardkit lab calibrate --spec SPEC --input ROLLOUTS.jsonl --labels LABELS.jsonl [options]
       rewardkit lab calibrate --scored SCORED.jsonl --labels LABELS.jsonl [options]
       rewardkit lab calibrate --input VERDICTS.jsonl --judge FIELD --human FIELD [options]

Does the judge agree with our human reviewers, and where should its pass line sit? Labels are JSONL
({"id": "nda-good", "human": 0.9}, optionally "criteria": {"grounding": 5, …} for per-criterion
agreement with the judge's verdict line of that id). Without --spec, --input is an external verdict file
and --judge names its judge field (with --spec, --judge is a PROVIDER:MODEL override as everywhere).
When both sides are labels or whole numbers on one scale (1–5 vs 1–5), accuracy is exact agreement;
otherwise each side is cut into pass/fail — at 0.5 for scores in [0, 1], else the midpoint of the observed
range, or --threshold / --human-threshold / --human-pass. Correlations, alpha (ordinal, interval) and the
mean errors use the raw scores. The best threshold is the judge cut that best reproduces the humans'
pass/fail (in-sample, so optimistic).

Options:
  --spec FILE             reward spec (run now, with the engine options below)
  --input FILE            rollouts (with --spec) or a verdict file (without)
  --labels FILE           human labels (with --spec or --scored)
  --scored FILE           a rewardkit score output
  --judge FIELD           without --spec: the judge's field in the verdict file
  --human FIELD           the human label field                                       (default human)
  --score WHAT            with --spec/--scored: reward (default) | judges | a component name
  --threshold T           judge passes iff score ≥ T (forces pass/fail)
  --human-threshold T     human passes iff label ≥ T (forces pass/fail)
  --human-pass A,B        human labels that count as pass (forces pass/fail)
  --categories A,B,C      order of label categories, for ordinal statistics on labels
  --threshold-metric M    accuracy | cohen_kappa: what the best threshold maximises   (default accuracy)
  --rollouts FILE         with --scored: the rollouts, for response lengths
  --length-field NAME     with a verdict file: the response (text) or length field
  --min NAME=VALUE        requirement: exit 7 unless statistics.NAME ≥ VALUE (repeatable)
${engineOptionsHelp(reward).replace('  --judge PROVIDER:MODEL  use this judge', '  --judge PROVIDER:MODEL  (with --spec) use this judge')}
${COMMON_OPTIONS_HELP}

Statistics: accuracy, percent_agreement, cohen_kappa_unweighted, cohen_kappa_linear,
cohen_kappa_quadratic, krippendorff_alpha_nominal, krippendorff_alpha_ordinal,
krippendorff_alpha_interval, spearman, kendall_tau_b, pearson, mean_absolute_error, mean_signed_error.

Examples:
  rewardkit lab calibrate --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --labels examples/contract-review/lab/human-labels.jsonl ${FAKE_JUDGE_FLAGS} --html calibrate.html
  rewardkit lab calibrate --input verdicts.jsonl --judge gpt --human human --json calibrate.json

${EXIT_CODES_HELP}`;
}

/** --threshold, --human-threshold, --human-pass, --categories, --threshold-metric. */
function calibrationOptions(flags: LabFlags): CalibrationOptions {
  const finiteNumber = (flag: string) => {
    const value = flags.text(flag);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed))
      throw usageError('calibrate', `--${flag}: expected a number, got ${JSON.stringify(value)}`);
    return parsed;
  };
  const metric = flags.text('threshold-metric');
  if (metric !== undefined && metric !== 'accuracy' && metric !== 'cohen_kappa')
    throw usageError('calibrate', `--threshold-metric: expected accuracy or cohen_kappa, got ${JSON.stringify(metric)}`);
  const threshold = finiteNumber('threshold');
  const humanThreshold = finiteNumber('human-threshold');
  const humanPass = flags.text('human-pass');
  const categories = flags.text('categories');
  return {
    ...(threshold !== undefined ? { threshold } : {}),
    ...(humanThreshold !== undefined ? { humanThreshold } : {}),
    ...(typeof humanPass === 'string' ? { humanPass: parseRatingList('calibrate', humanPass, '--human-pass') } : {}),
    ...(typeof categories === 'string' ? { categories: parseRatingList('calibrate', categories, '--categories') } : {}),
    ...(metric ? { thresholdMetric: metric } : {}),
  };
}

/** The run's options from its flags (a usage error names the flag). */
export function calibrateOptions(flags: LabFlags): CalibrateOptions {
  const text = (flag: string) => flags.text(flag);
  const usage = (message: string) => usageError('calibrate', message);
  const calibration = calibrationOptions(flags);
  const humanField = text('human') ?? 'human';
  if (text('spec')) {
    if (!text('input')) throw usage('--spec needs --input ROLLOUTS.jsonl');
    if (!text('labels')) throw usage('--spec needs --labels LABELS.jsonl (the human labels, by id)');
    return {
      calibration,
      mode: 'engine',
      spec: text('spec')!,
      input: text('input')!,
      labels: text('labels')!,
      humanField,
      score: parseScoreSelector(text('score'), 'reward'),
      engine: flags.engine(DEFAULT_CACHE_PATH),
    };
  }
  if (text('scored')) {
    if (!text('labels')) throw usage('--scored needs --labels LABELS.jsonl (the human labels, by id)');
    return {
      calibration,
      mode: 'scored',
      file: text('scored')!,
      labels: text('labels')!,
      humanField,
      score: parseScoreSelector(text('score'), 'reward'),
      ...(text('rollouts') ? { rollouts: text('rollouts') } : {}),
    };
  }
  if (!text('input') || !text('judge'))
    throw usage(
      'give --input VERDICTS.jsonl --judge FIELD --human FIELD, or --spec SPEC --input ROLLOUTS.jsonl --labels LABELS.jsonl, or --scored FILE --labels LABELS.jsonl',
    );
  if (text('judge-base-url')) throw usage('--judge-base-url goes with --spec (without --spec, --judge names a field of the verdict file)');
  return {
    calibration,
    mode: 'external',
    input: text('input')!,
    judgeField: text('judge')!,
    humanField,
    ...(text('length-field') ? { lengthField: text('length-field') } : {}),
  };
}

export const calibrateCommand: LabCommandDefinition<CalibrationResult> = {
  name: 'calibrate',
  flags: (reward) => ({
    ...COMMON_FLAGS,
    ...engineFlagTable(reward),
    ...MIN_FLAG,
    labels: { type: 'string' },
    scored: { type: 'string' },
    human: { type: 'string' },
    score: { type: 'string' },
    threshold: { type: 'string' },
    'human-threshold': { type: 'string' },
    'human-pass': { type: 'string' },
    categories: { type: 'string' },
    'threshold-metric': { type: 'string' },
    rollouts: { type: 'string' },
    'length-field': { type: 'string' },
  }),
  help,
  minFlagStatistics: CALIBRATION_STATISTICS,
  run: (flags, context) => runCalibrate(calibrateOptions(flags), context),
  report: calibrationReport,
  summaryLines: calibrationSummaryLines,
};
