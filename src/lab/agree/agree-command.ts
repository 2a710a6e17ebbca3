/**
 * `rewardkit lab agree`: its flags and help, how it reads them, and the definition the CLI dispatches to.
 */
import { DEFAULT_CACHE_PATH } from '../../open-reward.js';
import type { LabCommandDefinition, LabFlags, RewardFlagsOfCli } from '../command/lab-command-definition.js';
import {
  COMMON_FLAGS,
  COMMON_OPTIONS_HELP,
  engineFlagTable,
  EXIT_CODES_HELP,
  MIN_FLAG,
  parseRatingList,
  splitList,
  usageError,
} from '../command/lab-flags.js';
import { parseScoreSelector } from '../engine/row-signals.js';
import { LEVELS, type MeasurementLevel } from '../rating-values.js';
import { AGREEMENT_STATISTICS, type AgreementResult } from './agreement-analysis.js';
import { agreementReport, agreementSummaryLines } from './agree-report.js';
import { runAgree, type AgreeOptions } from './run-agree.js';

function help(reward: RewardFlagsOfCli): string {
  return `Usage: rewardkit lab agree --input VERDICTS.jsonl --raters A,B[,…] [--level L] [options]
       rewardkit lab agree --spec SPEC --input ROLLOUTS.jsonl --judge P:M1 --judge P:M2 [options]
       rewardkit lab agree --spec SPEC_A --spec SPEC_B --input ROLLOUTS.jsonl [options]
       rewardkit lab agree --scored A.jsonl --scored B.jsonl [--rollouts FILE] [options]

Do two or more judges agree? Raters are the fields of an external verdict file
({"id": "q1", "gpt": 4, "claude": 5}; a missing or null field is a missing rating; numbers, numeric
strings, true/false and labels are accepted), judges run now (one spec under several --judge models —
paired in order with --judge-base-url, or one URL for all — or several specs), or score output files.
Reports percent agreement, Cohen's kappa (unweighted, linear, quadratic; two raters), Fleiss' kappa
(three or more), Krippendorff's alpha (nominal, ordinal, interval), Spearman, Kendall tau-b and Pearson
(two raters; a "pairwise" section for more), each with a bootstrap 95% CI, and the most disagreed items.

Options:
  --input FILE            the verdict file (with --raters), or the rollouts (with --spec)
  --raters A,B            rater fields of the verdict file
  --spec FILE             reward spec; repeat for several specs
  --judge PROVIDER:MODEL  a judge model; repeat for several (one rater each)
  --judge-base-url URL    one per --judge, or one for all
  --scored FILE           a score output file; repeat, one per judge
  --names A,B             rater names (default: model names, spec or file names)
  --score WHAT            with --spec/--scored: judges (default: the weighted mean of the judge
                          components, 0–1) | reward | a component name
  --level L               nominal | ordinal | interval (default: nominal for labels, ordinal for a
                          whole-number scale of ≤ 10 values, interval otherwise); decides the headline
                          alpha; order-based statistics are n/a at the nominal level
  --categories A,B,C      the order of label categories (makes labels ordinal)
  --top N                 how many most-disagreed items to list                          (default 10)
  --rollouts FILE         with --scored: the rollouts, for response lengths
  --length-field NAME     with a verdict file: the field holding the response (text) or its length
                          (default: "response" or "response_length")
  --min NAME=VALUE        requirement: exit 7 unless statistics.NAME ≥ VALUE (repeatable)
  --concurrency N, --limit N, --cache FILE, --no-cache, --no-preflight   as for "score"
${reward.cachePolicyHelp}
${reward.pricesHelp}
${COMMON_OPTIONS_HELP}

Statistics: ${AGREEMENT_STATISTICS.join(', ')}.

Examples:
  rewardkit lab agree --input verdicts.jsonl --raters gpt,claude,human --level ordinal --html agree.html
  rewardkit lab agree --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --judge openai-compatible:fake --judge openai-compatible:fake-strict \\
      --judge-base-url http://127.0.0.1:PORT/v1 --json agree.json --min krippendorff_alpha_interval=0.667

${EXIT_CODES_HELP}`;
}

function parseLevel(value: string): MeasurementLevel {
  if (!(LEVELS as readonly string[]).includes(value))
    throw usageError('agree', `--level: expected one of ${LEVELS.join(' | ')}, got ${JSON.stringify(value)}`);
  return value as MeasurementLevel;
}

/** The run's options from its flags (a usage error names the flag). */
export function agreeOptions(flags: LabFlags): AgreeOptions {
  const text = (flag: string) => flags.text(flag);
  const list = (flag: string) => flags.list(flag);
  const usage = (message: string) => usageError('agree', message);
  const shared = {
    ...(text('level') ? { level: parseLevel(text('level')!) } : {}),
    ...(text('categories') ? { categories: parseRatingList('agree', text('categories')!, '--categories') } : {}),
    ...(text('top') ? { top: flags.positiveInteger('top') } : {}),
  };
  const names = text('names') ? splitList(text('names')!) : undefined;
  if (text('raters')) {
    if (list('spec').length > 0 || list('scored').length > 0)
      throw usage('--raters reads an external verdict file (--input); it does not combine with --spec or --scored');
    if (!text('input')) throw usage('--raters needs --input VERDICTS.jsonl');
    return {
      ...shared,
      mode: 'external',
      input: text('input')!,
      raters: splitList(text('raters')!),
      ...(text('length-field') ? { lengthField: text('length-field') } : {}),
    };
  }
  const score = parseScoreSelector(text('score'), 'judges');
  if (list('scored').length > 0) {
    if (list('spec').length > 0) throw usage('use either --scored files or --spec with --input, not both');
    return {
      ...shared,
      mode: 'scored',
      files: list('scored'),
      score,
      ...(names ? { names } : {}),
      ...(text('rollouts') ? { rollouts: text('rollouts') } : {}),
    };
  }
  if (list('spec').length === 0)
    throw usage(
      'give --input VERDICTS.jsonl --raters A,B, or --spec SPEC --input ROLLOUTS.jsonl with several --judge (or several --spec), or several --scored files',
    );
  if (!text('input')) throw usage('--spec needs --input ROLLOUTS.jsonl');
  const { judge: _judge, judgeBaseUrl: _url, ...engine } = flags.engine(DEFAULT_CACHE_PATH);
  return {
    ...shared,
    mode: 'engine',
    specs: list('spec'),
    judges: list('judge'),
    judgeBaseUrls: list('judge-base-url'),
    input: text('input')!,
    score,
    ...(names ? { names } : {}),
    engine,
  };
}

export const agreeCommand: LabCommandDefinition<AgreementResult> = {
  name: 'agree',
  flags: (reward) => ({
    ...COMMON_FLAGS,
    ...engineFlagTable(reward),
    ...MIN_FLAG,
    spec: { type: 'string', multiple: true },
    judge: { type: 'string', multiple: true },
    'judge-base-url': { type: 'string', multiple: true },
    scored: { type: 'string', multiple: true },
    raters: { type: 'string' },
    names: { type: 'string' },
    score: { type: 'string' },
    level: { type: 'string' },
    categories: { type: 'string' },
    top: { type: 'string' },
    rollouts: { type: 'string' },
    'length-field': { type: 'string' },
  }),
  help,
  minFlagStatistics: AGREEMENT_STATISTICS,
  run: (flags, context) => runAgree(agreeOptions(flags), context),
  report: agreementReport,
  summaryLines: agreementSummaryLines,
};
