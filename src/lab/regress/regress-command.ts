/**
 * `rewardkit lab regress`: its flags and help, how it reads them, its exit codes, and the definition the CLI dispatches to.
 */
import type { LabCommandDefinition, RewardFlagsOfCli } from '../command/lab-command-definition.js';
import { COMMON_FLAGS, COMMON_OPTIONS_HELP, FAKE_JUDGE_FLAGS, LAB_EXIT, usageError } from '../command/lab-flags.js';
import type { RegressionResult } from './regression-analysis.js';
import { regressionReport, regressionSummaryLines } from './regress-report.js';
import { runRegress } from './run-regress.js';

function help(reward: RewardFlagsOfCli): string {
  return `Usage: rewardkit lab regress --suite SUITE.yaml [--spec SPEC] [--baseline PREVIOUS.json] [options]

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
${reward.cachePolicyHelp}
${reward.pricesHelp}
${COMMON_OPTIONS_HELP}

Example:
  rewardkit lab regress --suite examples/contract-review/judge-suite.yaml ${FAKE_JUDGE_FLAGS} \\
      --json regress.json --html regress.html
  rewardkit lab regress --suite examples/contract-review/judge-suite.yaml --baseline regress.json ${FAKE_JUDGE_FLAGS}

Exit codes: 0 every case passed · 2 bad usage · 3 invalid spec or suite · 4 unreadable input ·
            5 judge unreachable · 7 a case failed its expectations · 8 no case failed, but some
            could not be judged (judge errors)`;
}

function nonNegative(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0)
    throw usageError('regress', `${flag}: expected a number ≥ 0, got ${JSON.stringify(value)}`);
  return parsed;
}

export const regressCommand: LabCommandDefinition<RegressionResult> = {
  name: 'regress',
  flags: (reward) => ({
    ...COMMON_FLAGS,
    suite: { type: 'string' },
    spec: { type: 'string' },
    judge: { type: 'string' },
    'judge-base-url': { type: 'string' },
    concurrency: { type: 'string' },
    cache: { type: 'string' },
    'no-cache': { type: 'boolean' },
    ...reward.options,
    'no-preflight': { type: 'boolean' },
    baseline: { type: 'string' },
    'move-tolerance': { type: 'string' },
  }),
  help,
  minFlagStatistics: null,
  run: (flags, context) => {
    const text = (flag: string) => flags.text(flag);
    if (!text('suite')) throw usageError('regress', '--suite FILE is required (the judge test suite, YAML)');
    const moveTolerance = text('move-tolerance') === undefined ? undefined : nonNegative(text('move-tolerance')!, '--move-tolerance');
    return runRegress(
      {
        suite: text('suite')!,
        ...(text('spec') ? { spec: text('spec') } : {}),
        ...(text('baseline') ? { baseline: text('baseline') } : {}),
        ...(moveTolerance !== undefined ? { moveTolerance } : {}),
        engine: { ...flags.engine(null), limit: undefined },
      },
      context,
    );
  },
  report: regressionReport,
  summaryLines: regressionSummaryLines,
  /** 7 when a case failed, 8 when none failed but some could not be judged. */
  exitCode: (result) => {
    if (result.summary.failed > 0) return LAB_EXIT.requirementNotMet;
    return result.summary.errored > 0 ? LAB_EXIT.inconclusive : LAB_EXIT.ok;
  },
};
