/**
 * `rewardkit rollouts`: baseline rollouts of a policy model — n samples per dataset prompt, through the same runtime
 * as the judges (concurrency, retries, budgets, circuit breaker) — written as Nova RFT rows ready for `score`.
 * Flags in; the run is src/rollouts/; the output file, --resume, progress, summary and exit codes here.
 */
import { existsSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { fileKindOf } from '../data/dataset-formats.js';
import { loadPriceTable } from '../models/cost.js';
import { checkJudgeModels } from '../models/preflight.js';
import { readDoneRollouts } from '../rollouts/done-rollouts.js';
import { createPolicyModel } from '../rollouts/policy-model.js';
import { PolicySampler } from '../rollouts/policy-sampler.js';
import { policyModelSpec } from '../rollouts/policy-spec.js';
import { formatRolloutSummary, RolloutTally } from '../rollouts/rollout-tally.js';
import { ROLLOUT_INPUT_FORMATS, runRollouts, type RolloutInputFormat } from '../rollouts/run-rollouts.js';
import type { ModelSpec } from '../spec/schema.js';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { openOutputStream } from './output-stream.js';
import { LineWriter } from './line-writer.js';
import { countJsonlRows } from './read-jsonl.js';
import { PRICES_HELP } from './reward-flags.js';
import type { CommandIo } from './score-command.js';

export const ROLLOUTS_HELP = `Usage: rewardkit rollouts --model PROVIDER:MODEL --input DATASET --output ROLLOUTS.jsonl [options]

Samples --n rollouts per prompt of an RFT dataset from a policy model and writes one Nova RFT row per
rollout: the dataset row (reference_answer and every other field kept) with the reply appended as the
last assistant message, "id" "<row id>#<k>" (k = 0 … n-1) and "group_id" "<row id>" — ready for
"rewardkit score" (a group judge ranks the n rollouts of one prompt together). Each sample is its own call
(retried on its own, never cached). A sample that still fails after its retries is not written: it is
reported, the run exits 9, and the same command with --resume generates only the missing samples.

Options:
  --model PROVIDER:MODEL  the policy model; PROVIDER is one of openai-compatible | openai | bedrock |
                          anthropic | local | ollama                                    (required)
  --model-base-url URL    the model's API base URL (e.g. http://127.0.0.1:8000/v1 for vLLM)
  --input FILE            the dataset: Nova or OpenAI RFT JSONL (also CSV / parquet with --format auto) (required)
  --output FILE           where to write the rollouts (default: stdout)
  --n N                   rollouts per prompt (default 4)
  --temperature T         sampling temperature, 0–2 (default 1)
  --top-p P               nucleus sampling, (0, 1]
  --seed S                provider seed of sample 0; sample k uses S + k (providers that honour one)
  --max-tokens N          output tokens per rollout (default 1024; 8192 for reasoning models)
  --system TEXT           use this system prompt instead of the rows' own (the output rows carry it)
  --format F              nova | openai | auto: auto reads .parquet (verl) and .csv records too (default auto)
  --limit N               read only the first N dataset rows
  --concurrency N         calls in flight at most (default 16; cut automatically on 429s)
  --timeout-ms N          per-attempt timeout (default 300000)
  --max-retries N         retries of a call on 429, 5xx, timeouts and network errors (default 4)
  --resume                continue an interrupted run: the rollouts already in --output are kept, only the
                          missing samples (never written, or failed) are generated and appended
${PRICES_HELP}
  --no-preflight          skip the check that the model answers before the run
  --progress / --no-progress   force the progress bar on or off (default: on when stderr is a terminal)
  --quiet                 no summary
  -h, --help              this help

Examples:
  rewardkit rollouts --model openai-compatible:qwen3-8b --model-base-url http://127.0.0.1:8000/v1 \\
      --input train.jsonl --n 4 --output rollouts.jsonl
  rewardkit score --spec spec.yaml --input rollouts.jsonl --output scored.jsonl

Exit codes: 0 every rollout written · 2 bad usage · 4 unreadable input · 5 model unreachable ·
            6 finished, but some dataset rows could not be sent (each reported with its line) ·
            9 finished, but some samples failed after their retries (not written: run again with --resume) ·
            130 interrupted (finished rollouts are written: continue with --resume)`;

const FLAGS = {
  model: { type: 'string' },
  'model-base-url': { type: 'string' },
  input: { type: 'string' },
  output: { type: 'string' },
  n: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  'max-tokens': { type: 'string' },
  system: { type: 'string' },
  format: { type: 'string' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'max-retries': { type: 'string' },
  resume: { type: 'boolean' },
  prices: { type: 'string' },
  'no-preflight': { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEFAULT_SAMPLES = 4;

export async function rolloutsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags('rollouts', () => parseArgs({ args: argv, options: FLAGS, strict: true }));
  if (values.help) {
    io.stdout.write(`${ROLLOUTS_HELP}\n`);
    return EXIT.ok;
  }
  const usage = (message: string) => new CliError(`rollouts: ${message}`, EXIT.usage);
  if (!values.model) throw usage('--model is required (PROVIDER:MODEL, the policy model)\nRun "rewardkit rollouts --help" for usage.');
  if (!values.input) throw usage('--input is required (the dataset)\nRun "rewardkit rollouts --help" for usage.');
  if (!existsSync(values.input)) throw new CliError(`rollouts: --input ${values.input}: no such file`, EXIT.inputUnreadable);
  if (values.resume && !values.output) throw usage('--resume needs --output (the file to continue)');
  const format = values.format ?? 'auto';
  if (!(ROLLOUT_INPUT_FORMATS as readonly string[]).includes(format))
    throw usage(`--format: expected one of ${ROLLOUT_INPUT_FORMATS.join(' | ')}, got ${JSON.stringify(format)}`);
  const n = positiveInteger(values.n, '--n') ?? DEFAULT_SAMPLES;
  const limit = positiveInteger(values.limit, '--limit');
  const seed = integer(values.seed, '--seed');
  let spec: ModelSpec;
  try {
    spec = policyModelSpec({
      model: values.model,
      baseUrl: values['model-base-url'],
      temperature: number(values.temperature, '--temperature'),
      topP: number(values['top-p'], '--top-p'),
      maxTokens: positiveInteger(values['max-tokens'], '--max-tokens'),
      concurrency: positiveInteger(values.concurrency, '--concurrency'),
      timeoutMs: positiveInteger(values['timeout-ms'], '--timeout-ms'),
      maxRetries: integer(values['max-retries'], '--max-retries'),
      prices: values.prices === undefined ? undefined : loadPriceTable(values.prices),
    });
  } catch (error) {
    throw CliError.isInstance(error) ? error : usage((error as Error).message);
  }
  if (spec.temperature === 0 && n > 1 && seed === undefined)
    io.stderr.write(`rollouts: --temperature 0 with --n ${n}: greedy decoding gives (nearly) the same rollout ${n} times\n`);

  if (!values['no-preflight']) {
    const report = await checkJudgeModels([spec]);
    for (const warning of report.warnings) io.stderr.write(`rollouts: ${warning.replace(/^judge /, 'model ')}\n`);
    if (report.problems.length > 0) {
      const problems = report.problems.map((problem) => `  ${problem.replace(/^judge /, 'model ')}`).join('\n');
      throw new CliError(
        `rollouts: cannot reach the policy model, so no rollout was made:\n${problems}\n` +
          'Start the model server, or check --model and --model-base-url.',
        EXIT.judgeUnreachable,
      );
    }
  }

  let done: Set<string> = new Set();
  if (values.resume) {
    try {
      const found = await readDoneRollouts(values.output!);
      done = found.ids;
      if (found.truncatedBytes > 0)
        io.stderr.write(`--resume: cut a partial last line (${found.truncatedBytes} bytes) from ${values.output}\n`);
    } catch (error) {
      throw usage((error as Error).message);
    }
  }
  const output: NodeJS.WritableStream = values.output ? openOutputStream('rollouts', values.output, values.resume === true) : io.stdout;
  const showProgress = values['no-progress'] ? false : (values.progress ?? io.stderr.isTTY === true);
  const rows =
    showProgress && fileKindOf(values.input) === 'jsonl' ? Math.min(await countJsonlRows(values.input), limit ?? Infinity) : undefined;
  const progress = createRolloutProgress(showProgress, io.stderr, rows === undefined ? undefined : Math.max(0, rows * n - done.size));
  const writer = new LineWriter(output);
  const tally = new RolloutTally();
  const sampler = new PolicySampler(createPolicyModel(spec));
  const interrupted = { value: false };
  const onInterrupt = () => {
    if (interrupted.value) process.exit(EXIT.interrupted);
    interrupted.value = true;
    io.stderr.write('\ninterrupted: finishing the samples in flight (Ctrl-C again to quit now); continue later with --resume\n');
  };
  const started = performance.now();
  let skipped = 0;
  const note = (text: string) => io.stderr.write(`${progress.active ? '\n' : ''}${text}\n`);
  process.on('SIGINT', onInterrupt);
  try {
    const events = runRollouts({
      input: values.input,
      format: format as RolloutInputFormat,
      n,
      seed,
      system: values.system,
      limit,
      done,
      sampler,
      concurrency: spec.concurrency,
      interrupted,
      tally,
    });
    for await (const event of events) {
      if (event.kind === 'skipped') {
        skipped++;
        note(`line ${event.line}: row skipped — ${event.problem}`);
        continue;
      }
      if (event.kind === 'failed') {
        const status = event.error.status === undefined ? '' : ` (HTTP ${event.error.status})`;
        note(
          `line ${event.line}: row ${JSON.stringify(event.rowId)} sample ${event.sample} not written — ${event.error.kind}${status}: ${event.error.message}`,
        );
      } else {
        await writer.write(`${JSON.stringify(event.row)}\n`);
      }
      progress.update(tally.done, tally.failed);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.stop();
    await writer.flush();
    if (values.output) {
      (output as WriteStream).end();
      await once(output, 'finish');
    }
  }
  const totals = tally.snapshot();
  if (!values.quiet) io.stderr.write(`\n${formatRolloutSummary(totals, modelName(spec), (performance.now() - started) / 1000)}\n`);
  if (totals.failed > 0) {
    const again = values.output
      ? `run the same command with --resume to generate only the missing ones`
      : 'write to a file with --output to be able to --resume';
    io.stderr.write(`\nrollouts: ${totals.failed} samples failed after their retries and were not written; ${again}\n`);
  }
  if (interrupted.value) return EXIT.interrupted;
  if (totals.failed > 0) return EXIT.judgeErrors;
  return skipped > 0 ? EXIT.badRows : EXIT.ok;
}

function modelName(spec: ModelSpec): string {
  return `${spec.provider}:${spec.model}${spec.base_url ? ` at ${spec.base_url}` : ''}`;
}

/** A number flag (undefined when absent). */
function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new CliError(`${flag}: expected a number, got ${JSON.stringify(value)}`, EXIT.usage);
  return parsed;
}

/** A whole-number flag, 0 and negative allowed (undefined when absent). */
function integer(value: string | undefined, flag: string): number | undefined {
  const parsed = number(value, flag);
  if (parsed !== undefined && !Number.isInteger(parsed))
    throw new CliError(`${flag}: expected a whole number, got ${JSON.stringify(value)}`, EXIT.usage);
  return parsed;
}

interface RolloutProgress {
  active: boolean;
  update(done: number, failed: number): void;
  stop(): void;
}

/** The progress bar on stderr: samples done (of the total when known), rate, failures. */
function createRolloutProgress(enabled: boolean, stream: NodeJS.WritableStream, total: number | undefined): RolloutProgress {
  if (!enabled) return { active: false, update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        total === undefined
          ? ' {value} samples | {rate} samples/s | failed {failed}'
          : ' {bar} {value}/{total} samples | {rate} samples/s | ETA {eta_formatted} | failed {failed}',
      fps: 5,
      hideCursor: false,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total ?? 0, 0, { rate: '0.0', failed: 0 });
  return {
    active: true,
    update(done, failed) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(done, { rate: (done / Math.max(seconds, 1e-9)).toFixed(1), failed });
    },
    stop: () => bar.stop(),
  };
}
