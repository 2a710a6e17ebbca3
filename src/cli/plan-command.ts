/**
 * `rewardkit plan`: forecasts an RFT run's judge calls, tokens, cost and least wall time per step and for the run,
 * from a dry run of sample rollouts (`--sample`) or from a scored file's measured usage (`--from`). The planning
 * lives in src/plan/; this file owns flags, files, output and exit codes.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRewardSpec, type LoadedRewardSpec } from '../open-reward.js';
import { judgeModelsOf } from '../plan/judge-models.js';
import { formatPlanTable } from '../plan/plan-table.js';
import { planRun, type PlanOptions } from '../plan/run-plan.js';
import { sampleUsage } from '../plan/sample-usage.js';
import { ScoredRowError, scoredUsage } from '../plan/scored-usage.js';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { readJsonl } from './read-jsonl.js';
import { cliErrorOf, PRICES_HELP } from './reward-flags.js';
import type { CommandIo } from './score-command.js';

export const PLAN_HELP = `Usage: rewardkit plan --spec SPEC (--sample ROLLOUTS.jsonl | --from SCORED.jsonl) --rows N [options]

Forecasts the judge work of an RFT run before paying for it: per judge model, the calls, input and output
tokens and cost of one training step of N rollouts (in groups of G per prompt) and of K steps, and the least
wall time per step the model's concurrency, requests_per_minute and tokens_per_minute allow (and which binds).

  --sample FILE   a dry run of these rollouts (no judge is called, as score --dry-run): checks and gates run,
                  every judge prompt is rendered and counted — input tokens at 4 characters a token (the
                  runtime's TPM estimate), output tokens at the model's max_tokens (an upper bound) unless
                  --output-tokens; identical prompts count once; group judges count their calls for a group of
                  --group rollouts (orders × chunks)
  --from FILE     the measured usage of a score output file: calls, cached share, tokens, cost, latency (median)

Options:
  --spec FILE             reward spec (YAML or JSON): judge models, limits, prices           (required)
  --rows N                rollouts per training step                                         (required)
  --group G               rollouts per prompt (GRPO n); required with a group judge and --sample (default 1)
  --steps K               training steps in the run (default 1)
  --gate-pass-rate R      share of rollouts that pass the gates (0–1); default: measured on the sample's checks
                          or the scored file
  --output-tokens N       output tokens per judge call (--sample; default each model's max_tokens)
  --latency-ms N          one judge call's latency, for the concurrency limit (default: the scored file's median)
  --judge PROVIDER:MODEL  the judge of every judge in the spec (as score --judge)
  --judge-base-url URL    the judge's API base URL
  --concurrency N         judge calls in flight per judge model (overrides the spec)
${PRICES_HELP}
  --json                  print the plan as JSON (stable shape, "rewardkit_plan": 1) instead of the table
  -h, --help              this help

Examples:
  rewardkit plan --spec spec.yaml --sample rollouts.jsonl --rows 1024 --group 8 --steps 200 --prices prices.yaml
  rewardkit plan --spec spec.yaml --from scored.jsonl --rows 1024 --group 8 --steps 200 --json

Exit codes: 0 planned · 2 bad usage · 3 invalid spec · 4 a file is unreadable or not score output`;

const FLAGS = {
  spec: { type: 'string' },
  sample: { type: 'string' },
  from: { type: 'string' },
  rows: { type: 'string' },
  group: { type: 'string' },
  steps: { type: 'string' },
  'gate-pass-rate': { type: 'string' },
  'output-tokens': { type: 'string' },
  'latency-ms': { type: 'string' },
  judge: { type: 'string' },
  'judge-base-url': { type: 'string' },
  concurrency: { type: 'string' },
  prices: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function planCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags('plan', () => parseArgs({ args: argv, options: FLAGS, allowPositionals: false, strict: true }));
  if (values.help) {
    io.stdout.write(`${PLAN_HELP}\n`);
    return EXIT.ok;
  }
  const usage = (problem: string) => new CliError(`plan: ${problem}\nRun "rewardkit plan --help" for usage.`, EXIT.usage);
  if (!values.spec) throw usage('--spec FILE is required');
  if ((values.sample === undefined) === (values.from === undefined))
    throw usage('give either --sample ROLLOUTS.jsonl (a dry run) or --from SCORED.jsonl (measured usage), not both or neither');
  if (values.rows === undefined) throw usage('--rows N (rollouts per training step) is required');
  const rowsPerStep = positiveInteger(values.rows, '--rows')!;
  const steps = positiveInteger(values.steps, '--steps') ?? 1;
  const outputTokens = positiveInteger(values['output-tokens'], '--output-tokens');
  if (outputTokens !== undefined && values.from !== undefined)
    throw usage('--output-tokens is for --sample: a scored file has the measured output tokens');
  const latencyMs = positiveNumber(values['latency-ms'], '--latency-ms');
  const judgedShare = share(values['gate-pass-rate'], '--gate-pass-rate');
  const concurrency = positiveInteger(values.concurrency, '--concurrency');
  const file = (values.sample ?? values.from)!;
  if (file !== '-' && !existsSync(file))
    throw new CliError(`plan: ${values.sample ? '--sample' : '--from'} ${file}: no such file`, EXIT.inputUnreadable);

  let loaded: LoadedRewardSpec;
  try {
    loaded = loadRewardSpec({
      spec: values.spec,
      judge: values.judge,
      judgeBaseUrl: values['judge-base-url'],
      concurrency,
      ...(values.prices === undefined ? {} : { prices: values.prices }),
    });
  } catch (error) {
    throw cliErrorOf('plan', error, { notDone: 'nothing was planned', advice: '' });
  }
  const { spec } = loaded;
  const groupJudged = spec.judges.some((judge) => judge.type === 'group');
  if (values.group === undefined && groupJudged && values.sample !== undefined)
    throw usage('--group G (rollouts per prompt) is required: the spec has a group judge, whose calls depend on the group size');
  const groupSize = positiveInteger(values.group, '--group') ?? 1;

  const { lines, unreadable } = await readLines(file, io);
  const options: PlanOptions = {
    file,
    rowsPerStep,
    groupSize,
    steps,
    ...(judgedShare === undefined ? {} : { judgedShare }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
  };
  let estimate;
  if (values.sample !== undefined) {
    const rows = lines.map(({ line, value }) => ({ row: value, fallbackId: `line-${line}` }));
    estimate = await sampleUsage(spec, rows, {
      groupSize,
      unreadableLines: unreadable,
      ...(outputTokens === undefined ? {} : { outputTokens }),
    });
  } else {
    try {
      estimate = scoredUsage(lines, judgeModelsOf(spec).models, unreadable);
    } catch (error) {
      if (error instanceof ScoredRowError) throw new CliError(`plan: --from ${file}: ${error.message}`, EXIT.inputUnreadable);
      throw error;
    }
  }
  if (estimate.source.rows === 0)
    throw new CliError(`plan: ${values.sample ? '--sample' : '--from'} ${file}: no readable row to plan from`, EXIT.inputUnreadable);
  const plan = planRun(estimate, options);
  io.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : `${formatPlanTable(plan)}\n`);
  return EXIT.ok;
}

async function readLines(path: string, io: CommandIo): Promise<{ lines: Array<{ line: number; value: unknown }>; unreadable: number }> {
  const lines: Array<{ line: number; value: unknown }> = [];
  let unreadable = 0;
  for await (const entry of readJsonl(path)) {
    if ('error' in entry) {
      unreadable++;
      io.stderr.write(`plan: ${entry.error} (skipped)\n`);
    } else lines.push(entry);
  }
  return { lines, unreadable };
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0)
    throw new CliError(`plan: ${flag}: expected a positive number, got ${JSON.stringify(value)}`, EXIT.usage);
  return number;
}

function share(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1)
    throw new CliError(`plan: ${flag}: expected a share from 0 to 1 (e.g. 0.8), got ${JSON.stringify(value)}`, EXIT.usage);
  return number;
}
