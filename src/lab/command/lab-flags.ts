/**
 * What every lab command's command line shares: the output and bootstrap flags, the engine flags of a run that
 * opens a reward, the --min flag (a required minimum of a statistic), their help text, the exit codes the lab adds,
 * and the parsers of list-valued flags. The reward-opening flags `score` and `serve` share (--prices,
 * --cache-ttl-days, --cache-max-entries) belong to the CLI (src/cli/reward-flags.ts): it hands them in as
 * `RewardFlagsOfCli`, since the lab never imports the CLI.
 */
import { DEFAULT_CACHE_PATH } from '../../open-reward.js';
import { LabError } from '../lab-error.js';
import { toRating } from '../rating-values.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED, type Rating } from '../statistics/index.js';
import type { FlagTable, RewardFlagsOfCli } from './lab-command-definition.js';

/** Exit codes the lab adds to the CLI's (src/cli/exit-codes.ts). */
export const LAB_EXIT = {
  /** Done, every requirement met (the CLI's EXIT.ok). */
  ok: 0,
  /**
   * A requirement was not met: a regression case failed its expectations, a statistic was below its --min, or
   * (--fail-on-raise) a probe raised the reward.
   */
  requirementNotMet: 7,
  /** regress: no case failed, but some could not be judged (the judge failed or a row was unreadable). */
  inconclusive: 8,
} as const;

export const EXIT_CODES_HELP = `Exit codes: 0 done (every requirement met) · 2 bad usage · 3 invalid spec or judge suite ·
            4 unreadable input · 5 judge unreachable · 7 a requirement not met (regress: a case failed;
            --min: a statistic below its minimum; hack --fail-on-raise: a probe raised the reward) ·
            8 regress: no case failed but some could not be judged`;

export const COMMON_OPTIONS_HELP = `Output:
  --json FILE             write the result: every statistic as {"value", "ci95": [lo, hi]} or
                          {"value": null, "reason"} under stable names
  --html FILE             write the report: one self-contained HTML file (inline SVG charts, no network)
  --resamples N           bootstrap resamples behind every 95% CI                      (default ${DEFAULT_RESAMPLES})
  --seed N                bootstrap seed (same data + seed = same intervals)            (default ${DEFAULT_SEED})
  --quiet                 no summary on stdout
  -h, --help              this help`;

/** Help of the engine flags (a spec run over rollouts now). */
export function engineOptionsHelp(reward: RewardFlagsOfCli): string {
  return `  --judge PROVIDER:MODEL  use this judge for every judge in the spec (openai-compatible | openai |
                          bedrock | anthropic | local | ollama); without it, a judge the spec gives
                          no model uses the local judge (llama.cpp in the process)
  --judge-base-url URL    the judge's API base URL (e.g. http://127.0.0.1:8000/v1)
  --concurrency N         judge calls in flight per judge model (overrides the spec)
  --limit N               only the first N rollouts
  --cache FILE            judge cache (SQLite)                   (default ${DEFAULT_CACHE_PATH})
  --no-cache              no persistent cache
${reward.cachePolicyHelp}
${reward.pricesHelp}
  --no-preflight          skip the check that each judge is reachable`;
}

/** The flags of the examples that run against the fake judge server. */
export const FAKE_JUDGE_FLAGS = '--judge openai-compatible:fake --judge-base-url http://127.0.0.1:PORT/v1';

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
  noise         GRPO groups: is the judge's noise smaller than the spread within a group? SNR per judge

Inputs: a spec run over rollouts now (--spec, --input, --judge, like "score"), rewardkit score output
files (--scored), or an external verdict JSONL (--input, one field per rater; null = missing).

Run "rewardkit lab <command> --help" for a command's options and examples.

Examples:
  rewardkit lab consistency --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl \\
      --repeats 3 ${FAKE_JUDGE_FLAGS} --html consistency.html
  rewardkit lab agree --input verdicts.jsonl --raters gpt,claude --level ordinal --json agree.json
  rewardkit lab regress --suite examples/contract-review/judge-suite.yaml ${FAKE_JUDGE_FLAGS}

${EXIT_CODES_HELP}`;

/** --json, --html, --resamples, --seed, --quiet, --help: every command has them. */
export const COMMON_FLAGS = {
  json: { type: 'string' },
  html: { type: 'string' },
  resamples: { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagTable;

/** The engine flags: a spec run over rollouts now, like `score`. */
export function engineFlagTable(reward: RewardFlagsOfCli): FlagTable {
  return {
    spec: { type: 'string' },
    input: { type: 'string' },
    judge: { type: 'string' },
    'judge-base-url': { type: 'string' },
    concurrency: { type: 'string' },
    limit: { type: 'string' },
    cache: { type: 'string' },
    'no-cache': { type: 'boolean' },
    ...reward.options,
    'no-preflight': { type: 'boolean' },
  };
}

/** --min NAME=VALUE (repeatable): a required minimum of a `statistics` value. */
export const MIN_FLAG = { min: { type: 'string', multiple: true } } as const satisfies FlagTable;

/** A usage error of `lab <command>` (exit 2), pointing at its --help. */
export function usageError(command: string, message: string): LabError {
  return new LabError('usage', `${message}\nRun "rewardkit lab ${command} --help" for usage.`);
}

/** --spec and --input, both required. */
export function requireSpecAndInput(command: string, spec: string | undefined, input: string | undefined): { spec: string; input: string } {
  if (spec === undefined) throw usageError(command, '--spec FILE is required (the reward spec)');
  if (input === undefined) throw usageError(command, '--input FILE is required (the rollouts, JSONL)');
  return { spec, input };
}

/** "a, b,,c" → ["a", "b", "c"]. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A comma-separated list of distinct ratings (--categories, --human-pass). */
export function parseRatingList(command: string, value: string, flag: string): Rating[] {
  const ratings = splitList(value).map((part) => toRating(part) ?? null);
  if (ratings.length === 0 || ratings.some((rating) => rating === null))
    throw usageError(command, `${flag}: expected a comma-separated list, e.g. bad,ok,good`);
  if (new Set(ratings).size !== ratings.length) throw usageError(command, `${flag}: a value is listed twice`);
  return ratings;
}
