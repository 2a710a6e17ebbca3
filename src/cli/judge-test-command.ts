/**
 * `rewardkit judge test`: the first thing to run with a new judge. Sends known cases (built-in: clearly good, clearly
 * bad and borderline answers to general questions; or the user's own with --cases) through the spec's judges and
 * reports per judge the latency of each call (p50, max), how many verdicts parsed, and whether every good case
 * scored above every bad one. Exit 0 when all of that holds, 10 when it does not, 5 when a judge is unreachable.
 */
import { parseArgs } from 'node:util';
import { toRowView } from '../input/row-view.js';
import { RowError } from '../input/row-error.js';
import { loadRewardSpec, openLoadedReward, type LoadedRewardSpec } from '../open-reward.js';
import { CasesFileError, loadJudgeTestCases, type LoadedCases } from '../judge-test/judge-test-cases.js';
import { formatCaseLine, formatJudgeTestReport } from '../judge-test/format-judge-test.js';
import { judgeTestReport } from '../judge-test/judge-test-report.js';
import { judgeInfos, runJudgeTest } from '../judge-test/run-judge-test.js';
import type { RewardSpec } from '../spec/schema.js';
import { parseFlags } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { cliErrorOf, type OpenFailureWording } from './reward-flags.js';
import type { CommandIo } from './score-command.js';

export const JUDGE_HELP = `Usage: rewardkit judge test --spec SPEC [options]

Commands:
  test   send known good, bad and borderline cases through the spec's judges; report latency,
         verdicts parsed, and whether each judge scores good above bad

Run "rewardkit judge test --help" for its options and examples.`;

export const JUDGE_TEST_HELP = `Usage: rewardkit judge test --spec SPEC [options]

The first thing to run with a new judge. Sends a few known cases through every judge of the spec —
by default the built-in ones (templates/judge-test/known-cases.yaml: general questions with a reference
answer, each answered clearly well, clearly badly and in between) — one call at a time, with the
spec's checks left out, and reports per judge: the latency of each call (p50, max), how many
verdicts parsed, the scores by label, and whether every good case scored above every bad one.
A judge passes when all its verdicts parsed and it ranked good above bad; borderline cases are
reported but never decide the pass. Works with every provider (local, ollama, openai-compatible, openai,
anthropic, bedrock); the judge is checked first as for score (exit 5 when unreachable).

Options:
  --spec FILE             reward spec (YAML or JSON)                                   (required)
  --judge PROVIDER:MODEL  test this judge instead of the spec's (as for score; just "local": the
                          default local model). Without it, a judge the spec gives no model is local
  --judge-base-url URL    the judge's API base URL (e.g. http://127.0.0.1:8000/v1)
  --cases FILE            your own known cases, for judges that read special fields: YAML/JSON
                          {rows?: FILE.jsonl, cases: [{expect: good|bad|borderline, row_id | the row}]},
                          or JSONL with one input row a line plus "expect": "good"|"bad"|"borderline"
  --json                  print the report as JSON (per judge and per case, with every call)
  -h, --help              this help

Examples:
  rewardkit judge test --spec spec.yaml --judge local
  rewardkit judge test --spec spec.yaml --judge openai-compatible:qwen3-8b --judge-base-url http://127.0.0.1:8000/v1
  rewardkit judge test --spec examples/contract-review/spec.yaml \\
      --cases examples/contract-review/judge-test-cases.yaml --json

Exit codes: 0 every verdict parsed and every judge scored good above bad · 2 bad usage ·
            3 invalid spec · 4 the cases file is unreadable, invalid, or does not fit the spec's input ·
            5 judge unreachable · 10 a verdict did not parse, or a judge did not score good above bad`;

const FLAGS = {
  spec: { type: 'string' },
  judge: { type: 'string' },
  'judge-base-url': { type: 'string' },
  cases: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `rewardkit judge <subcommand>`: only `test` for now. */
export async function judgeCommand(argv: string[], io: CommandIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === 'test') return judgeTestCommand(rest, io);
  if (!subcommand || subcommand === '--help' || subcommand === '-h') {
    io.stdout.write(`${JUDGE_HELP}\n`);
    return subcommand ? EXIT.ok : EXIT.usage;
  }
  throw new CliError(`judge: unknown subcommand "${subcommand}"; expected test\nRun "rewardkit judge --help" for usage.`, EXIT.usage);
}

export async function judgeTestCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags('judge test', () => parseArgs({ args: argv, options: FLAGS, strict: true }));
  if (values.help) {
    io.stdout.write(`${JUDGE_TEST_HELP}\n`);
    return EXIT.ok;
  }
  if (!values.spec)
    throw new CliError(
      'judge test: --spec is required (the reward spec whose judges are tested)\nRun "rewardkit judge test --help" for usage.',
      EXIT.usage,
    );
  if (values['judge-base-url'] && !values.judge)
    throw new CliError('judge test: --judge-base-url needs --judge PROVIDER:MODEL as well', EXIT.usage);
  let loadedSpec: LoadedRewardSpec;
  try {
    loadedSpec = loadRewardSpec({ spec: values.spec, judge: values.judge, judgeBaseUrl: values['judge-base-url'] });
  } catch (error) {
    throw cliErrorOf('judge test', error, OPEN_FAILURE);
  }
  const { spec } = loadedSpec;
  if (spec.judges.length === 0)
    throw new CliError(`judge test: ${values.spec} has no judges: nothing to test (its checks need no judge)`, EXIT.usage);
  const loaded = readableCases(values.cases, spec);

  const started = performance.now();
  // the judges are checked here; the cases then go through a reward of their own (no checks, one call at a time)
  try {
    (await openLoadedReward(loadedSpec)).close();
  } catch (error) {
    throw cliErrorOf('judge test', error, OPEN_FAILURE);
  }
  const preflightMs = Math.round(performance.now() - started);

  const total = loaded.cases.length;
  const { reward, judged } = await runJudgeTest(spec, loaded.cases, (entry, index) =>
    io.stderr.write(`${formatCaseLine(entry, index, total)}\n`),
  );
  const report = judgeTestReport(judgeInfos(reward), judged);
  const casesName = loaded.builtin ? `the built-in cases (${loaded.path})` : loaded.path;
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ spec: values.spec, cases_file: loaded.path, builtin_cases: loaded.builtin, preflight_ms: preflightMs, ...report })}\n`,
    );
  } else {
    io.stdout.write(`${formatJudgeTestReport(report, { cases: casesName, count: total })}\n`);
  }
  return report.passed ? EXIT.ok : EXIT.judgeTestFailed;
}

/** What `judge test` says when its judge cannot be reached (src/cli/reward-flags.ts). */
const OPEN_FAILURE: OpenFailureWording = {
  notDone: 'no case was sent',
  advice: 'Start the judge server, or test another judge with --judge PROVIDER:MODEL --judge-base-url URL.',
};

/** The cases, each checked to be a row the spec can read (before any judge is loaded or called). */
function readableCases(path: string | undefined, spec: RewardSpec): LoadedCases {
  let loaded: LoadedCases;
  try {
    loaded = loadJudgeTestCases(path, spec.input);
  } catch (error) {
    if (CasesFileError.isInstance(error)) throw new CliError(`judge test: ${error.message}`, EXIT.inputUnreadable);
    throw error;
  }
  const cases = loaded.cases.map((entry) => {
    try {
      return { ...entry, id: toRowView(entry.row, spec.input, entry.id).id };
    } catch (error) {
      if (!RowError.isInstance(error)) throw error;
      const hint = loaded.builtin
        ? '\nThe built-in cases are Nova-style rows (messages + reference_answer); pass cases that fit this spec with --cases FILE.'
        : '';
      throw new CliError(`judge test: case ${entry.source} is not a row this spec can read: ${error.message}${hint}`, EXIT.inputUnreadable);
    }
  });
  return { ...loaded, cases };
}
