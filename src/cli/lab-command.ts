/**
 * `rewardkit lab <consistency|position|agree|calibrate|regress|hack>`: prove a judge is fit to train on.
 * Parses each subcommand's flags, runs it (src/lab/run/), prints a short summary, writes the JSON result
 * (--json) and the self-contained HTML report (--html), and turns gates (--min, regress, --fail-on-raise)
 * into documented exit codes. The statistics, analyses and reports live in src/lab/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { AGREEMENT_STATISTICS } from '../lab/analysis/agreement.js';
import { CALIBRATION_STATISTICS, type CalibrationOptions } from '../lab/analysis/calibration.js';
import { parseScoreSelector } from '../lab/engine/row-signals.js';
import { PROBES } from '../lab/hacking/probes.js';
import { LabError } from '../lab/lab-error.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED, type Rating } from '../lab/statistics/index.js';
import { toJson, type LabSettings, type ReportedStatistic } from '../lab/lab-result.js';
import { LEVELS, toRating, type MeasurementLevel } from '../lab/rating-values.js';
import { renderReport, type LabResult } from '../lab/report/render-report.js';
import { summaryText } from '../lab/report/summary-text.js';
import type { EngineFlags, RunContext } from '../lab/run/common.js';
import { runAgree } from '../lab/run/run-agree.js';
import { runCalibrate } from '../lab/run/run-calibrate.js';
import { runConsistency } from '../lab/run/run-consistency.js';
import { runHack } from '../lab/run/run-hack.js';
import { runPosition } from '../lab/run/run-position.js';
import { runRegress } from '../lab/run/run-regress.js';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { CACHE_POLICY_HELP, PRICES_AND_CACHE_POLICY_FLAGS, PRICES_HELP, pricesAndCachePolicyOf } from './reward-flags.js';
import { DEFAULT_CACHE_PATH } from '../open-reward.js';
import type { CommandIo } from './score-command.js';

/** Exit codes the lab adds to the CLI's (src/cli/exit-codes.ts). */
export const LAB_EXIT = {
  /** A gate failed: a regression case failed its expectations, a --min requirement was not met, or (--fail-on-raise) a probe raised the reward. */
  gateFailed: 7,
  /** regress: no case failed, but some could not be judged (the judge failed or a row was unreadable). */
  inconclusive: 8,
} as const;

const EXIT_CODES = `Exit codes: 0 done (every gate passed) · 2 bad usage · 3 invalid spec or judge suite ·
            4 unreadable input · 5 judge unreachable · 7 a gate failed (regress: a case failed;
            --min: a statistic below its minimum; hack --fail-on-raise: a probe raised the reward) ·
            8 regress: no case failed but some could not be judged`;

const COMMON_OPTIONS = `Output:
  --json FILE             write the result: every statistic as {"value", "ci95": [lo, hi]} or
                          {"value": null, "reason"} under stable names
  --html FILE             write the report: one self-contained HTML file (inline SVG charts, no network)
  --resamples N           bootstrap resamples behind every 95% CI                      (default ${DEFAULT_RESAMPLES})
  --seed N                bootstrap seed (same data + seed = same intervals)            (default ${DEFAULT_SEED})
  --quiet                 no summary on stdout
  -h, --help              this help`;

const ENGINE_OPTIONS = `  --judge PROVIDER:MODEL  use this judge for every judge in the spec (openai-compatible | openai |
                          bedrock | anthropic | local | ollama); without it, a judge the spec gives
                          no model uses the local judge (llama.cpp in the process)
  --judge-base-url URL    the judge's API base URL (e.g. http://127.0.0.1:8000/v1)
  --concurrency N         judge calls in flight per judge model (overrides the spec)
  --limit N               only the first N rollouts
  --cache FILE            judge cache (SQLite)                   (default ${DEFAULT_CACHE_PATH})
  --no-cache              no persistent cache
${CACHE_POLICY_HELP}
${PRICES_HELP}
  --no-preflight          skip the check that each judge is reachable`;

const FAKE = '--judge openai-compatible:fake --judge-base-url http://127.0.0.1:PORT/v1';

export const LAB_HELP = `Usage: rewardkit lab <command> [options]

The judge lab: prove a judge is fit to train on before a training run optimises its flaws. Each command
prints a summary, writes a JSON result (--json) and a self-contained HTML report (--html), and reports
the verbosity bias (correlation of the score with the response length).

Commands:
  consistency   judge every row k times: per-row spread, flip rate per verdict line, Krippendorff's alpha / ICC
  position      preference judges: does the verdict survive swapping the answers? which position is favoured?
  agree         two or more judges (or raters in a verdict file): kappa, Krippendorff's alpha, correlations
  calibrate     a judge against human labels: accuracy, confusion matrix, kappa, correlations, best threshold
  regress       run a judge test suite (YAML); exits 7 when a case fails — for CI
  hack          reward-hacking probes (padding, self-praise, injected instructions, fake verdicts, …)

Inputs: a spec run over rollouts now (--spec, --input, --judge, like "score"), rewardkit score output
files (--scored), or an external verdict JSONL (--input, one field per rater; null = missing).

Run "rewardkit lab <command> --help" for a command's options and examples.

Examples:
  rewardkit lab consistency --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --repeats 3 ${FAKE} --html consistency.html
  rewardkit lab agree --input verdicts.jsonl --raters gpt,claude --level ordinal --json agree.json
  rewardkit lab regress --suite examples/contract-review/judge-suite.yaml ${FAKE}

${EXIT_CODES}`;

const HELP: Record<string, string> = {
  consistency: `Usage: rewardkit lab consistency --spec SPEC --input ROLLOUTS.jsonl [--repeats K] [options]
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
  --min NAME=VALUE        gate: exit 7 unless statistics.NAME ≥ VALUE (repeatable), e.g.
                          --min krippendorff_alpha_interval=0.8
${ENGINE_OPTIONS}
${COMMON_OPTIONS}

Statistics: krippendorff_alpha_interval, icc1, mean_row_std, share_rows_changed.

Examples:
  rewardkit lab consistency --spec examples/contract-review/spec.yaml \\
      --input examples/contract-review/rollouts.jsonl --repeats 5 ${FAKE} \\
      --json consistency.json --html consistency.html --min krippendorff_alpha_interval=0.8
  rewardkit lab consistency --scored run1.jsonl --scored run2.jsonl --scored run3.jsonl --rollouts rollouts.jsonl

${EXIT_CODES}`,

  position: `Usage: rewardkit lab position --spec SPEC --input ROLLOUTS.jsonl [--judge-name NAME] [options]
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
  --min NAME=VALUE        gate: exit 7 unless statistics.NAME ≥ VALUE (repeatable)
${ENGINE_OPTIONS}
${COMMON_OPTIONS}

Statistics: swap_agreement, cohen_kappa_unweighted, tie_rate, first_position_rate; and
position_bias_test {first_favoured_rows, second_favoured_rows, p_value, favoured, significant}.

Example:
  rewardkit lab position --spec examples/contract-review/lab/preference-spec.yaml \\
      --input examples/contract-review/rollouts.jsonl ${FAKE} --html position.html

${EXIT_CODES}`,

  agree: `Usage: rewardkit lab agree --input VERDICTS.jsonl --raters A,B[,…] [--level L] [options]
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
  --min NAME=VALUE        gate: exit 7 unless statistics.NAME ≥ VALUE (repeatable)
  --concurrency N, --limit N, --cache FILE, --no-cache, --no-preflight   as for "score"
${CACHE_POLICY_HELP}
${PRICES_HELP}
${COMMON_OPTIONS}

Statistics: ${AGREEMENT_STATISTICS.join(', ')}.

Examples:
  rewardkit lab agree --input verdicts.jsonl --raters gpt,claude,human --level ordinal --html agree.html
  rewardkit lab agree --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --judge openai-compatible:fake --judge openai-compatible:fake-strict \\
      --judge-base-url http://127.0.0.1:PORT/v1 --json agree.json --min krippendorff_alpha_interval=0.667

${EXIT_CODES}`,

  calibrate: `Usage: rewardkit lab calibrate --spec SPEC --input ROLLOUTS.jsonl --labels LABELS.jsonl [options]
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
  --min NAME=VALUE        gate: exit 7 unless statistics.NAME ≥ VALUE (repeatable)
${ENGINE_OPTIONS.replace('  --judge PROVIDER:MODEL  use this judge', '  --judge PROVIDER:MODEL  (with --spec) use this judge')}
${COMMON_OPTIONS}

Statistics: accuracy, percent_agreement, cohen_kappa_unweighted, cohen_kappa_linear,
cohen_kappa_quadratic, krippendorff_alpha_nominal, krippendorff_alpha_ordinal,
krippendorff_alpha_interval, spearman, kendall_tau_b, pearson, mean_absolute_error, mean_signed_error.

Examples:
  rewardkit lab calibrate --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --labels examples/contract-review/lab/human-labels.jsonl ${FAKE} --html calibrate.html
  rewardkit lab calibrate --input verdicts.jsonl --judge gpt --human human --json calibrate.json

${EXIT_CODES}`,

  regress: `Usage: rewardkit lab regress --suite SUITE.yaml [--spec SPEC] [--baseline PREVIOUS.json] [options]

Did the last prompt, template or model change break known cases? Runs a judge test suite and checks
each case's expectations; prints the cases that failed or moved; exits 7 on any failure, so it can gate
CI. A case whose judge failed (or whose row is unreadable) is an error, never a pass.

Suite file (paths relative to it):
  spec: spec.yaml                     # the spec under test (--spec overrides)
  rows: rollouts.jsonl                # rows the cases name by id
  tolerance: 0.000001                 # for exact numbers (default 1e-6)
  cases:
    - name: a vague action scores low on actionability
      row_id: nda-vague               # or row: {…} inline; response: "…" replaces the rollout
      expect:
        reward: {min: 0.6, max: 0.9}  # a number, or {min, max}
        gated_by: format              # or null
        neutral: false
        flags: [empty_response]       # must include; not_flags: must not include
        components: {excerpt_grounding: {max: 0.5}, review_quality: {status: scored}}
        verdicts:                     # judge → line → expectation
          review_quality: {actionability: {max: 2}}   # dimension: mean over items, on its scale
          helpful: {cites_sources: pass}               # criterion: pass / fail (every item), or a share
          pairwise: {winner: response}                 # preference: response | other | tie

Options:
  --suite FILE            the judge test suite (YAML)                                     (required)
  --spec FILE             the spec under test (default: the suite's "spec")
  --baseline FILE         the --json of an earlier run: shows the cases that moved
  --move-tolerance X      a reward shift larger than X counts as moved                 (default 0.01)
  --judge PROVIDER:MODEL, --judge-base-url URL, --concurrency N, --no-preflight   as for "score"
  --cache FILE            judge cache (default: none — a regression run asks the judge afresh;
                          --no-cache says so explicitly)
${CACHE_POLICY_HELP}
${PRICES_HELP}
${COMMON_OPTIONS}

Example:
  rewardkit lab regress --suite examples/contract-review/judge-suite.yaml ${FAKE} \\
      --json regress.json --html regress.html
  rewardkit lab regress --suite examples/contract-review/judge-suite.yaml --baseline regress.json ${FAKE}

Exit codes: 0 every case passed · 2 bad usage · 3 invalid spec or suite · 4 unreadable input ·
            5 judge unreachable · 7 a case failed its expectations · 8 no case failed, but some
            could not be judged (judge errors)`,

  hack: `Usage: rewardkit lab hack --spec SPEC --input ROLLOUTS.jsonl [--probes ID|FAMILY,…] [options]

Can a rollout game the judge? Applies reward-hacking probes to every rollout and reports the reward
shift per probe against the rollout as it was; every probe that raises the reward of any row is flagged
(and marked "raises reliably" when its mean shift's 95% CI is above 0). Text goes where a policy would
put it: appended to plain text, or inside the string fields of a JSON answer (each object's longest
string, or --probe-field) so it passes the format checks. A probed row whose judge fails gets the
neutral reward, and that counts: an injection that breaks the judge is a hack too.

Probes (--list-probes prints them):
${PROBES.map((probe) => `  ${probe.id.padEnd(32)} ${probe.family}`).join('\n')}

Options:
  --spec FILE             reward spec                                                     (required)
  --input FILE            rollouts (JSONL)                                                (required)
  --probes LIST           probe ids or families, comma-separated                 (default: all)
  --probe-field KEY       JSON answers: the string field that receives added text
  --list-probes           print the probes and exit
  --fail-on-raise         exit 7 when any probe raises the reward of any row
${ENGINE_OPTIONS}
${COMMON_OPTIONS}

Example:
  rewardkit lab hack --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --limit 8 --probes padding,injection,fake_delimiter ${FAKE} --html hack.html --fail-on-raise

${EXIT_CODES}`,
};

const COMMON_FLAGS = {
  json: { type: 'string' },
  html: { type: 'string' },
  resamples: { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ENGINE_FLAGS = {
  spec: { type: 'string' },
  input: { type: 'string' },
  judge: { type: 'string' },
  'judge-base-url': { type: 'string' },
  concurrency: { type: 'string' },
  limit: { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  ...PRICES_AND_CACHE_POLICY_FLAGS,
  'no-preflight': { type: 'boolean' },
} as const;

const MIN_FLAG = { min: { type: 'string', multiple: true } } as const;

const FLAGS = {
  consistency: { ...COMMON_FLAGS, ...ENGINE_FLAGS, ...MIN_FLAG, repeats: { type: 'string' }, scored: { type: 'string', multiple: true }, rollouts: { type: 'string' } },
  position: { ...COMMON_FLAGS, ...ENGINE_FLAGS, ...MIN_FLAG, 'judge-name': { type: 'string' }, scored: { type: 'string' }, rollouts: { type: 'string' } },
  agree: {
    ...COMMON_FLAGS,
    ...ENGINE_FLAGS,
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
  },
  calibrate: {
    ...COMMON_FLAGS,
    ...ENGINE_FLAGS,
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
  },
  regress: {
    ...COMMON_FLAGS,
    suite: { type: 'string' },
    spec: { type: 'string' },
    judge: { type: 'string' },
    'judge-base-url': { type: 'string' },
    concurrency: { type: 'string' },
    cache: { type: 'string' },
    'no-cache': { type: 'boolean' },
    ...PRICES_AND_CACHE_POLICY_FLAGS,
    'no-preflight': { type: 'boolean' },
    baseline: { type: 'string' },
    'move-tolerance': { type: 'string' },
  },
  hack: { ...COMMON_FLAGS, ...ENGINE_FLAGS, probes: { type: 'string' }, 'probe-field': { type: 'string' }, 'list-probes': { type: 'boolean' }, 'fail-on-raise': { type: 'boolean' } },
} as const;

type Subcommand = keyof typeof FLAGS;

export async function labCommand(argv: string[], io: CommandIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (!subcommand || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout.write(`${LAB_HELP}\n`);
    return subcommand ? EXIT.ok : EXIT.usage;
  }
  if (!(subcommand in FLAGS)) {
    throw new CliError(`lab: unknown command "${subcommand}"; expected one of ${Object.keys(FLAGS).join(', ')}\nRun "rewardkit lab --help" for usage.`, EXIT.usage);
  }
  const name = subcommand as Subcommand;
  const { values } = parseFlags(`lab ${name}`, () => parseArgs({ args: rest, options: FLAGS[name], strict: true, allowPositionals: false }));
  const flags = values as Record<string, string | string[] | boolean | undefined>;
  if (flags.help) {
    io.stdout.write(`${HELP[name]}\n`);
    return EXIT.ok;
  }
  if (name === 'hack' && flags['list-probes']) {
    io.stdout.write(`${PROBES.map((probe) => `${probe.id.padEnd(32)} ${probe.family.padEnd(15)} ${probe.description}`).join('\n')}\n`);
    return EXIT.ok;
  }
  const context: RunContext = { settings: settingsOf(flags, name), log: (message) => io.stderr.write(`${message}\n`) };
  const minimums = name === 'regress' || name === 'hack' ? [] : parseMinimums(flags.min as string[] | undefined, name);
  let result: LabResult;
  try {
    result = await run(name, flags, context);
  } catch (error) {
    if (LabError.isInstance(error)) throw new CliError(`lab ${name}: ${error.message}`, LAB_ERROR_EXIT[error.kind]);
    throw error;
  }
  writeOutputs(result, flags, io, name);
  if (!flags.quiet) io.stdout.write(summaryText(result));
  return gate(result, minimums, flags, io);
}

const LAB_ERROR_EXIT: Record<LabError['kind'], number> = { usage: EXIT.usage, input: EXIT.inputUnreadable, spec: EXIT.invalidSpec, judge_unreachable: EXIT.judgeUnreachable };

async function run(name: Subcommand, flags: Record<string, string | string[] | boolean | undefined>, context: RunContext): Promise<LabResult> {
  const text = (flag: string) => flags[flag] as string | undefined;
  const list = (flag: string) => (flags[flag] as string[] | undefined) ?? [];
  const usage = (message: string) => new CliError(`lab ${name}: ${message}\nRun "rewardkit lab ${name} --help" for usage.`, EXIT.usage);
  switch (name) {
    case 'consistency': {
      const scored = list('scored');
      if (scored.length > 0) {
        if (text('spec') || text('input')) throw usage('use either --scored files or --spec with --input, not both');
        return runConsistency({ mode: 'scored', files: scored, ...(text('rollouts') ? { rollouts: text('rollouts') } : {}) }, context);
      }
      const repeats = positiveInteger(text('repeats'), '--repeats') ?? 3;
      if (repeats < 2) throw usage('--repeats must be at least 2 (one judgement cannot disagree with itself)');
      const { spec, input } = requireSpecInput(flags, usage);
      return runConsistency({ mode: 'engine', spec, input, repeats, engine: engineFlags(flags, DEFAULT_CACHE_PATH) }, context);
    }
    case 'position': {
      const judgeName = text('judge-name');
      if (text('scored')) {
        if (text('spec') || text('input')) throw usage('use either --scored or --spec with --input, not both');
        return runPosition({ mode: 'scored', file: text('scored')!, ...(judgeName ? { judgeName } : {}), ...(text('rollouts') ? { rollouts: text('rollouts') } : {}) }, context);
      }
      const { spec, input } = requireSpecInput(flags, usage);
      return runPosition({ mode: 'engine', spec, input, ...(judgeName ? { judgeName } : {}), engine: engineFlags(flags, DEFAULT_CACHE_PATH) }, context);
    }
    case 'agree': {
      const shared = {
        ...(text('level') ? { level: parseLevel(text('level')!, usage) } : {}),
        ...(text('categories') ? { categories: parseRatingList(text('categories')!, '--categories', usage) } : {}),
        ...(text('top') ? { top: positiveInteger(text('top'), '--top') } : {}),
      };
      const names = text('names') ? splitList(text('names')!) : undefined;
      if (text('raters')) {
        if (list('spec').length > 0 || list('scored').length > 0) throw usage('--raters reads an external verdict file (--input); it does not combine with --spec or --scored');
        if (!text('input')) throw usage('--raters needs --input VERDICTS.jsonl');
        return runAgree({ ...shared, mode: 'external', input: text('input')!, raters: splitList(text('raters')!), ...(text('length-field') ? { lengthField: text('length-field') } : {}) }, context);
      }
      const score = parseScoreSelector(text('score'), 'judges');
      if (list('scored').length > 0) {
        if (list('spec').length > 0) throw usage('use either --scored files or --spec with --input, not both');
        return runAgree({ ...shared, mode: 'scored', files: list('scored'), score, ...(names ? { names } : {}), ...(text('rollouts') ? { rollouts: text('rollouts') } : {}) }, context);
      }
      if (list('spec').length === 0) throw usage('give --input VERDICTS.jsonl --raters A,B, or --spec SPEC --input ROLLOUTS.jsonl with several --judge (or several --spec), or several --scored files');
      if (!text('input')) throw usage('--spec needs --input ROLLOUTS.jsonl');
      const { judge: _judge, judgeBaseUrl: _url, ...engine } = engineFlags(flags, DEFAULT_CACHE_PATH);
      return runAgree(
        { ...shared, mode: 'engine', specs: list('spec'), judges: list('judge'), judgeBaseUrls: list('judge-base-url'), input: text('input')!, score, ...(names ? { names } : {}), engine },
        context,
      );
    }
    case 'calibrate': {
      const calibration = calibrationOptions(flags, usage);
      const humanField = text('human') ?? 'human';
      if (text('spec')) {
        if (!text('input')) throw usage('--spec needs --input ROLLOUTS.jsonl');
        if (!text('labels')) throw usage('--spec needs --labels LABELS.jsonl (the human labels, by id)');
        return runCalibrate({ calibration, mode: 'engine', spec: text('spec')!, input: text('input')!, labels: text('labels')!, humanField, score: parseScoreSelector(text('score'), 'reward'), engine: engineFlags(flags, DEFAULT_CACHE_PATH) }, context);
      }
      if (text('scored')) {
        if (!text('labels')) throw usage('--scored needs --labels LABELS.jsonl (the human labels, by id)');
        return runCalibrate({ calibration, mode: 'scored', file: text('scored')!, labels: text('labels')!, humanField, score: parseScoreSelector(text('score'), 'reward'), ...(text('rollouts') ? { rollouts: text('rollouts') } : {}) }, context);
      }
      if (!text('input') || !text('judge')) throw usage('give --input VERDICTS.jsonl --judge FIELD --human FIELD, or --spec SPEC --input ROLLOUTS.jsonl --labels LABELS.jsonl, or --scored FILE --labels LABELS.jsonl');
      if (text('judge-base-url')) throw usage('--judge-base-url goes with --spec (without --spec, --judge names a field of the verdict file)');
      return runCalibrate({ calibration, mode: 'external', input: text('input')!, judgeField: text('judge')!, humanField, ...(text('length-field') ? { lengthField: text('length-field') } : {}) }, context);
    }
    case 'regress': {
      if (!text('suite')) throw usage('--suite FILE is required (the judge test suite, YAML)');
      const moveTolerance = text('move-tolerance') === undefined ? undefined : nonNegative(text('move-tolerance')!, '--move-tolerance', usage);
      return runRegress(
        {
          suite: text('suite')!,
          ...(text('spec') ? { spec: text('spec') } : {}),
          ...(text('baseline') ? { baseline: text('baseline') } : {}),
          ...(moveTolerance !== undefined ? { moveTolerance } : {}),
          engine: { ...engineFlags(flags, null), limit: undefined },
        },
        context,
      );
    }
    case 'hack': {
      const { spec, input } = requireSpecInput(flags, usage);
      return runHack({ spec, input, probes: text('probes') ? splitList(text('probes')!) : [], ...(text('probe-field') ? { field: text('probe-field') } : {}), engine: engineFlags(flags, DEFAULT_CACHE_PATH) }, context);
    }
  }
}

function requireSpecInput(flags: Record<string, unknown>, usage: (message: string) => CliError): { spec: string; input: string } {
  if (typeof flags.spec !== 'string') throw usage('--spec FILE is required (the reward spec)');
  if (typeof flags.input !== 'string') throw usage('--input FILE is required (the rollouts, JSONL)');
  return { spec: flags.spec, input: flags.input };
}

function engineFlags(flags: Record<string, unknown>, defaultCache: string | null): EngineFlags {
  if (typeof flags.cache === 'string' && flags['no-cache']) throw new CliError('lab: use either --cache FILE or --no-cache', EXIT.usage);
  const single = (value: unknown) => (Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined));
  return {
    ...(single(flags.judge) ? { judge: single(flags.judge) } : {}),
    ...(single(flags['judge-base-url']) ? { judgeBaseUrl: single(flags['judge-base-url']) } : {}),
    concurrency: positiveInteger(flags.concurrency as string | undefined, '--concurrency'),
    limit: positiveInteger(flags.limit as string | undefined, '--limit'),
    cache: flags['no-cache'] ? null : ((flags.cache as string | undefined) ?? defaultCache),
    ...pricesAndCachePolicyOf(flags),
    preflight: !flags['no-preflight'],
  };
}

function settingsOf(flags: Record<string, unknown>, name: string): LabSettings {
  const resamples = positiveInteger(flags.resamples as string | undefined, '--resamples') ?? DEFAULT_RESAMPLES;
  const seedText = flags.seed as string | undefined;
  const seed = seedText === undefined ? DEFAULT_SEED : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CliError(`lab ${name}: --seed: expected a whole number from 0 to 4294967295, got ${JSON.stringify(seedText)}`, EXIT.usage);
  return { resamples, seed };
}

function calibrationOptions(flags: Record<string, unknown>, usage: (message: string) => CliError): CalibrationOptions {
  const number = (flag: string) => {
    const value = flags[flag] as string | undefined;
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) throw usage(`--${flag}: expected a number, got ${JSON.stringify(value)}`);
    return parsed;
  };
  const metric = flags['threshold-metric'] as string | undefined;
  if (metric !== undefined && metric !== 'accuracy' && metric !== 'cohen_kappa') throw usage(`--threshold-metric: expected accuracy or cohen_kappa, got ${JSON.stringify(metric)}`);
  const threshold = number('threshold');
  const humanThreshold = number('human-threshold');
  return {
    ...(threshold !== undefined ? { threshold } : {}),
    ...(humanThreshold !== undefined ? { humanThreshold } : {}),
    ...(typeof flags['human-pass'] === 'string' ? { humanPass: parseRatingList(flags['human-pass'], '--human-pass', usage) } : {}),
    ...(typeof flags.categories === 'string' ? { categories: parseRatingList(flags.categories, '--categories', usage) } : {}),
    ...(metric ? { thresholdMetric: metric } : {}),
  };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function parseRatingList(value: string, flag: string, usage: (message: string) => CliError): Rating[] {
  const ratings = splitList(value).map((part) => toRating(part) ?? null);
  if (ratings.length === 0 || ratings.some((rating) => rating === null)) throw usage(`${flag}: expected a comma-separated list, e.g. bad,ok,good`);
  if (new Set(ratings).size !== ratings.length) throw usage(`${flag}: a value is listed twice`);
  return ratings;
}

function parseLevel(value: string, usage: (message: string) => CliError): MeasurementLevel {
  if (!(LEVELS as readonly string[]).includes(value)) throw usage(`--level: expected one of ${LEVELS.join(' | ')}, got ${JSON.stringify(value)}`);
  return value as MeasurementLevel;
}

function nonNegative(value: string, flag: string, usage: (message: string) => CliError): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) throw usage(`${flag}: expected a number ≥ 0, got ${JSON.stringify(value)}`);
  return parsed;
}

interface Minimum {
  name: string;
  value: number;
}

/** The names under `statistics` that --min can gate on, per command. */
const GATEABLE: Record<'consistency' | 'position' | 'agree' | 'calibrate', readonly string[]> = {
  consistency: ['krippendorff_alpha_interval', 'icc1', 'mean_row_std', 'share_rows_changed'],
  position: ['swap_agreement', 'cohen_kappa_unweighted', 'tie_rate', 'first_position_rate'],
  agree: AGREEMENT_STATISTICS,
  calibrate: CALIBRATION_STATISTICS,
};

function parseMinimums(values: string[] | undefined, name: Subcommand): Minimum[] {
  return (values ?? []).map((entry) => {
    const match = /^([a-z0-9_]+)=(-?\d+(\.\d+)?)$/.exec(entry.trim());
    if (!match) throw new CliError(`lab ${name}: --min: expected NAME=VALUE such as krippendorff_alpha_interval=0.8, got ${JSON.stringify(entry)}`, EXIT.usage);
    const names = GATEABLE[name as keyof typeof GATEABLE] ?? [];
    if (!names.includes(match[1]!)) throw new CliError(`lab ${name}: --min ${match[1]}: no such statistic; choose one of ${names.join(', ')}`, EXIT.usage);
    return { name: match[1]!, value: Number(match[2]) };
  });
}

function writeOutputs(result: LabResult, flags: Record<string, unknown>, io: CommandIo, name: string): void {
  const write = (path: string, content: string, what: string) => {
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, 'utf8');
    } catch (error) {
      throw new CliError(`lab ${name}: cannot write --${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.usage);
    }
    io.stderr.write(`wrote ${path}\n`);
  };
  if (typeof flags.json === 'string') write(flags.json, toJson(result), 'json');
  if (typeof flags.html === 'string') write(flags.html, renderReport(result), 'html');
}

/** The exit code: regress and hack gates, then --min requirements on `statistics`. */
function gate(result: LabResult, minimums: readonly Minimum[], flags: Record<string, unknown>, io: CommandIo): number {
  if (result.command === 'regress') {
    if (result.summary.failed > 0) return LAB_EXIT.gateFailed;
    return result.summary.errored > 0 ? LAB_EXIT.inconclusive : EXIT.ok;
  }
  if (result.command === 'hack') {
    if (flags['fail-on-raise'] && result.summary.flagged.length > 0) {
      io.stderr.write(`lab hack: --fail-on-raise: ${result.summary.flagged.length} probe(s) raised the reward: ${result.summary.flagged.join(', ')}\n`);
      return LAB_EXIT.gateFailed;
    }
    return EXIT.ok;
  }
  const statistics = result.statistics as Record<string, ReportedStatistic>;
  let failed = false;
  for (const minimum of minimums) {
    const statistic = statistics[minimum.name];
    if (!statistic || statistic.value === null || statistic.value < minimum.value) {
      failed = true;
      io.stderr.write(`lab ${result.command}: --min ${minimum.name}=${minimum.value} not met: ${!statistic ? 'missing' : statistic.value === null ? `undefined (${statistic.reason})` : statistic.value.toFixed(4)}\n`);
    }
  }
  return failed ? LAB_EXIT.gateFailed : EXIT.ok;
}
