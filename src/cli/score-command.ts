/**
 * `rewardkit score`: streams rollouts (JSONL) through a reward spec and writes one result line per input
 * line, in input order, with a progress bar and a summary table on stderr. `--dry-run` calls no judge.
 */
import { createWriteStream, existsSync, openSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createReward, type Reward } from '../reward.js';
import type { RewardResult } from '../result.js';
import { preflight } from '../models/preflight.js';
import { orderedMap } from '../runtime/ordered-map.js';
import { RunSummary, formatSummary } from '../run-summary.js';
import { applyJudgeOverride, parseJudgeFlag } from '../spec/judge-override.js';
import { loadSpec } from '../spec/load-spec.js';
import type { ModelSpec } from '../spec/schema.js';
import { parseArgs } from 'node:util';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { createProgress } from './progress.js';
import { countJsonlRows, readJsonl, type JsonlLine } from './read-jsonl.js';

export const SCORE_HELP = `Usage: rewardkit score --spec SPEC --input ROLLOUTS.jsonl [options]

Scores every rollout in a JSONL file with the reward spec. Writes one JSON line per input line
(id, reward, per-component metrics, rationales, errors) in input order.

Options:
  --spec FILE             reward spec (YAML or JSON)                                   (required)
  --input FILE            rollouts, one JSON object per line; "-" reads stdin          (required)
  --output FILE           where to write results (default: stdout)
  --limit N               score only the first N rows
  --concurrency N         judge calls in flight per judge model (overrides the spec)
  --judge PROVIDER:MODEL  use this judge for every judge in the spec; PROVIDER is one of
                          openai-compatible | openai | bedrock | anthropic
  --judge-base-url URL    the judge's API base URL (e.g. http://127.0.0.1:8000/v1)
  --dry-run               call no judge: print the first row's rendered judge prompt(s) and how
                          many judge calls a real run would make
  --no-preflight          skip the check that each judge is reachable before scoring
  --progress / --no-progress   force the progress bar on or off (default: on when stderr is a terminal)
  --quiet                 no summary table
  -h, --help              this help

API keys come from the usual variables: OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENAI_COMPATIBLE_API_KEY,
the AWS credential chain for bedrock (or the variable named by api_key_env in the spec).

Examples:
  rewardkit score --spec examples/contract-review/spec.yaml --input examples/contract-review/rollouts.jsonl --dry-run
  rewardkit score --spec spec.yaml --input rollouts.jsonl --output scored.jsonl \\
      --judge openai-compatible:qwen3-8b --judge-base-url http://127.0.0.1:8000/v1 --concurrency 32

Exit codes: 0 all rows scored · 2 bad usage · 3 invalid spec · 4 unreadable input ·
            5 judge unreachable · 6 finished, but some lines were not readable rows`;

const FLAGS = {
  spec: { type: 'string' },
  input: { type: 'string' },
  output: { type: 'string' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  judge: { type: 'string' },
  'judge-base-url': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-preflight': { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function scoreCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags('score', () => parseArgs({ args: argv, options: FLAGS, strict: true }));
  if (values.help) {
    io.stdout.write(`${SCORE_HELP}\n`);
    return EXIT.ok;
  }
  if (!values.spec) throw new CliError('score: --spec is required (the reward spec file)\nRun "rewardkit score --help" for usage.', EXIT.usage);
  if (!values.input) throw new CliError('score: --input is required (a JSONL file of rollouts, or - for stdin)\nRun "rewardkit score --help" for usage.', EXIT.usage);
  if (values['judge-base-url'] && !values.judge) throw new CliError('score: --judge-base-url needs --judge PROVIDER:MODEL as well', EXIT.usage);
  if (values.input !== '-' && !existsSync(values.input)) throw new CliError(`score: --input ${values.input}: no such file`, EXIT.inputUnreadable);
  const limit = positiveInteger(values.limit, '--limit');
  const concurrency = positiveInteger(values.concurrency, '--concurrency');
  let override;
  try {
    override = values.judge ? parseJudgeFlag(values.judge, values['judge-base-url']) : undefined;
  } catch (error) {
    throw new CliError(`score: ${(error as Error).message}`, EXIT.usage);
  }

  const spec = applyJudgeOverride(loadSpec(values.spec).spec, override, concurrency);
  const reward = createReward(spec);
  const source = limited(readJsonl(values.input), limit);

  if (values['dry-run']) return dryRun(reward, source, io);

  const models = [spec.judge_model, ...spec.judges.map((judge) => judge.model)].filter((model): model is ModelSpec => model !== undefined);
  if (spec.judges.length > 0 && !values['no-preflight']) {
    const usedModels = spec.judges.map((judge) => judge.model ?? spec.judge_model!);
    const problems = await preflight(usedModels.length > 0 ? usedModels : models);
    if (problems.length > 0) {
      throw new CliError(
        `score: cannot reach the judge, so no row was scored:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
          'Start the judge server, or point the run at another judge with --judge PROVIDER:MODEL --judge-base-url URL,\n' +
          'or check the rendered prompts offline with --dry-run.',
        EXIT.judgeUnreachable,
      );
    }
  }

  const output: NodeJS.WritableStream = values.output ? openOutput(values.output) : io.stdout;
  const showProgress = values['no-progress'] ? false : (values.progress ?? io.stderr.isTTY === true);
  const total = values.input === '-' ? undefined : Math.min(await countJsonlRows(values.input), limit ?? Infinity);
  const summary = new RunSummary();
  const progress = createProgress(showProgress, io.stderr, total);
  const started = performance.now();
  let unreadable = 0;

  const results = orderedMap(source, reward.suggestedRowConcurrency, async (entry: JsonlLine) => {
    if ('error' in entry) return { line: entry.line, result: null, error: entry.error };
    return { line: entry.line, result: await reward.score(entry.value, { fallbackId: `line-${entry.line}` }), error: null };
  });
  for await (const { line, result, error } of results) {
    if (result) {
      summary.add(result);
      if (result.error && result.reward === null) {
        unreadable++;
        io.stderr.write(`${progress.active ? '\n' : ''}line ${line}: row ${JSON.stringify(result.id)} skipped — ${result.error.message}\n`);
      }
      await write(output, `${JSON.stringify({ line, ...result })}\n`);
    } else {
      unreadable++;
      summary.addUnreadable();
      io.stderr.write(`${progress.active ? '\n' : ''}${error}\n`);
      await write(output, `${JSON.stringify(unreadableLine(line, error!))}\n`);
    }
    progress.update(summary);
  }
  progress.stop();
  if (values.output) {
    (output as WriteStream).end();
    await once(output, 'finish');
  }
  if (!values.quiet) io.stderr.write(`\n${formatSummary(summary.stats(), (performance.now() - started) / 1000)}\n`);
  return unreadable > 0 ? EXIT.badRows : EXIT.ok;
}

/** Opens the output file up front, so a bad path is a clear error before any judge call. */
function openOutput(path: string): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new CliError(`score: cannot write --output ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.usage);
  }
  return createWriteStream('', { fd, encoding: 'utf8' });
}

function unreadableLine(line: number, message: string): RewardResult & { line: number } {
  return { line, id: `line-${line}`, reward: null, neutral: false, gated_by: null, flags: ['row_error'], metrics: {}, components: [], error: { field: '(line)', message } };
}

async function dryRun(reward: Reward, source: AsyncIterable<JsonlLine>, io: CommandIo): Promise<number> {
  let rows = 0;
  let calls = 0;
  let gated = 0;
  let empty = 0;
  let unreadable = 0;
  let shownFirst = false;
  for await (const entry of source) {
    rows++;
    if ('error' in entry) {
      unreadable++;
      io.stderr.write(`${entry.error}\n`);
      continue;
    }
    const plan = await reward.plan(entry.value, `line-${entry.line}`);
    if (plan.error) {
      unreadable++;
      io.stderr.write(`line ${entry.line}: row skipped — ${plan.error.message}\n`);
      continue;
    }
    if (!shownFirst) {
      shownFirst = true;
      io.stdout.write(`# Dry run — no judge is called.\n# Row ${JSON.stringify(plan.id)} (line ${entry.line})\n`);
      for (const check of plan.checks) io.stdout.write(`#   check ${check.name}: ${check.score === null ? 'undetermined' : check.score.toFixed(3)} — ${check.rationale}\n`);
      if (plan.gatedBy) io.stdout.write(`#   gate "${plan.gatedBy}" fails for this row: a real run would not call the judges below.\n`);
      for (const prompt of plan.prompts) {
        io.stdout.write(`\n===== judge ${prompt.judge} · ${prompt.label} · system =====\n${prompt.request.system}\n`);
        io.stdout.write(`===== judge ${prompt.judge} · ${prompt.label} · user =====\n${prompt.request.user}\n`);
      }
    }
    if (plan.empty) empty++;
    else if (plan.gatedBy) gated++;
    else calls += plan.prompts.length;
  }
  io.stdout.write(`\n${rows} rows: a real run would make ${calls} judge calls (${gated} rows stopped by a gate, ${empty} empty responses, ${unreadable} unreadable lines).\n`);
  return unreadable > 0 ? EXIT.badRows : EXIT.ok;
}

async function* limited<T>(source: AsyncIterable<T>, limit: number | undefined): AsyncGenerator<T> {
  let count = 0;
  for await (const item of source) {
    if (limit !== undefined && count >= limit) return;
    count++;
    yield item;
  }
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
