/**
 * `rewardkit score`: streams rollouts (JSONL) through a reward spec and writes one result line per input
 * line, in input order, with a progress bar and a summary table on stderr. `--dry-run` calls no judge.
 */
import { createWriteStream, existsSync, openSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createReward, type Reward } from '../reward.js';
import type { RewardResult } from '../result.js';
import { applyPrices, loadPriceTable } from '../models/cost.js';
import { preflightSpec } from '../models/preflight.js';
import { JudgeCache } from '../runtime/judge-cache.js';
import { orderedMap } from '../runtime/ordered-map.js';
import { RunSummary, formatSummary } from '../run-summary.js';
import { applyJudgeOverride, parseJudgeFlag } from '../spec/judge-override.js';
import { loadSpec } from '../spec/load-spec.js';
import { parseArgs } from 'node:util';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { createProgress } from './progress.js';
import { countJsonlRows, readJsonl, type JsonlLine } from './read-jsonl.js';
import { LineWriter } from './line-writer.js';
import { findResumePoint } from './resume.js';

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
  --resume                continue an interrupted run: rows already in --output are skipped and new
                          lines are appended (a partial last line is cut off)
  --cache FILE            judge cache (SQLite) shared across runs (default .rewardkit/judge-cache.sqlite)
  --no-cache              no persistent cache (identical calls in flight are still shared)
  --cache-namespace NAME  ask again instead of reusing cached verdicts from another namespace
  --cache-ttl-days N      cached verdicts older than N days are asked again (default 30)
  --cache-max-entries N   beyond N entries the least recently used are dropped (default 1000000)
  --row-deadline-ms N     a row not scored within N ms gets the neutral reward, flagged deadline_exceeded
  --prices FILE           YAML/JSON map "provider:model" → {input_per_mtok, output_per_mtok} (USD)
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
            5 judge unreachable · 6 finished, but some lines were not readable rows ·
            130 interrupted (Ctrl-C; finished rows are written: continue with --resume)`;

const FLAGS = {
  spec: { type: 'string' },
  input: { type: 'string' },
  output: { type: 'string' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  judge: { type: 'string' },
  'judge-base-url': { type: 'string' },
  'dry-run': { type: 'boolean' },
  resume: { type: 'boolean' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'cache-namespace': { type: 'string' },
  'cache-ttl-days': { type: 'string' },
  'cache-max-entries': { type: 'string' },
  'row-deadline-ms': { type: 'string' },
  prices: { type: 'string' },
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
  const rowDeadlineMs = positiveInteger(values['row-deadline-ms'], '--row-deadline-ms');
  const cacheTtlDays = positiveInteger(values['cache-ttl-days'], '--cache-ttl-days');
  const cacheMaxEntries = positiveInteger(values['cache-max-entries'], '--cache-max-entries');
  if (values.resume && !values.output) throw new CliError('score: --resume needs --output (the file to continue)', EXIT.usage);
  if (values.resume && values.input === '-') throw new CliError('score: --resume needs a file --input, not stdin', EXIT.usage);
  if (values.cache && values['no-cache']) throw new CliError('score: use either --cache FILE or --no-cache', EXIT.usage);
  let prices;
  try {
    prices = values.prices ? loadPriceTable(values.prices) : undefined;
  } catch (error) {
    throw new CliError(`score: ${(error as Error).message}`, EXIT.usage);
  }
  let override;
  try {
    override = values.judge ? parseJudgeFlag(values.judge, values['judge-base-url']) : undefined;
  } catch (error) {
    throw new CliError(`score: ${(error as Error).message}`, EXIT.usage);
  }

  const loaded = loadSpec(values.spec, override ? { defaultJudgeModel: override } : {});
  const spec = applyPrices(applyJudgeOverride(loaded.spec, override, concurrency), prices);
  if (values['dry-run']) return dryRun(createReward(spec), limited(readJsonl(values.input), limit), io);

  const unreachable = values['no-preflight'] ? null : await preflightSpec(spec);
  if (unreachable) {
    throw new CliError(
      `score: cannot reach the judge, so no row was scored:\n${unreachable}\n` +
        'Start the judge server, or point the run at another judge with --judge PROVIDER:MODEL --judge-base-url URL,\n' +
        'or check the rendered prompts offline with --dry-run.',
      EXIT.judgeUnreachable,
    );
  }

  const resumeFrom = values.resume ? resumePoint(values.output!, io) : 0;
  const cachePolicy = { ...(cacheTtlDays ? { ttlMs: cacheTtlDays * 86_400_000 } : {}), ...(cacheMaxEntries ? { maxEntries: cacheMaxEntries } : {}) };
  const cache = spec.judges.length > 0 && !values['no-cache'] ? await openCache(values.cache ?? DEFAULT_CACHE_PATH, cachePolicy) : undefined;
  const reward = createReward(spec, cache ? { cache } : {});
  const interrupted = { value: false };
  const source = limited(skipThrough(readJsonl(values.input), resumeFrom, interrupted), limit);
  const output: NodeJS.WritableStream = values.output ? openOutput(values.output, values.resume === true) : io.stdout;
  const showProgress = values['no-progress'] ? false : (values.progress ?? io.stderr.isTTY === true);
  // Counting the rows reads the input an extra time: only worth it when a progress bar shows the total.
  const total = !showProgress || values.input === '-' ? undefined : Math.min(await countJsonlRows(values.input, resumeFrom), limit ?? Infinity);
  const writer = new LineWriter(output);
  const summary = new RunSummary();
  const progress = createProgress(showProgress, io.stderr, total);
  const started = performance.now();
  let unreadable = 0;

  const results = orderedMap(source, reward.suggestedRowConcurrency, async (entry: JsonlLine) => {
    if ('error' in entry) return { line: entry.line, result: null, error: entry.error };
    const options = { fallbackId: `line-${entry.line}`, ...(rowDeadlineMs ? { deadlineMs: rowDeadlineMs } : {}), ...(values['cache-namespace'] ? { cacheNamespace: values['cache-namespace'] } : {}) };
    return { line: entry.line, result: await reward.score(entry.value, options), error: null };
  });
  // Ctrl-C: stop reading input, finish and write the rows in flight, then stop (a second Ctrl-C exits at once).
  const onInterrupt = () => {
    if (interrupted.value) process.exit(EXIT.interrupted);
    interrupted.value = true;
    io.stderr.write('\ninterrupted: finishing the rows in flight (Ctrl-C again to quit now); continue later with --resume\n');
  };
  process.on('SIGINT', onInterrupt);
  for await (const { line, result, error } of results) {
    if (result) {
      summary.add(result);
      if (result.error && result.reward === null) {
        unreadable++;
        io.stderr.write(`${progress.active ? '\n' : ''}line ${line}: row ${JSON.stringify(result.id)} skipped — ${result.error.message}\n`);
      }
      await writer.write(`${JSON.stringify({ line, ...result })}\n`);
    } else {
      unreadable++;
      summary.addUnreadable();
      io.stderr.write(`${progress.active ? '\n' : ''}${error}\n`);
      await writer.write(`${JSON.stringify(unreadableLine(line, error!))}\n`);
    }
    progress.update(summary);
  }
  process.off('SIGINT', onInterrupt);
  await writer.flush();
  progress.stop();
  if (values.output) {
    (output as WriteStream).end();
    await once(output, 'finish');
  }
  cache?.close();
  if (!values.quiet) {
    const resumed = resumeFrom > 0 ? `resumed after input line ${resumeFrom}\n` : '';
    io.stderr.write(`\n${resumed}${formatSummary(summary.stats(), (performance.now() - started) / 1000)}\n`);
  }
  if (interrupted.value) return EXIT.interrupted;
  return unreadable > 0 ? EXIT.badRows : EXIT.ok;
}

export const DEFAULT_CACHE_PATH = '.rewardkit/judge-cache.sqlite';

async function openCache(path: string, policy: { ttlMs?: number; maxEntries?: number }): Promise<JudgeCache> {
  try {
    return await JudgeCache.open({ path, ...policy });
  } catch (error) {
    throw new CliError(`score: cannot open the judge cache ${path}: ${(error as Error).message} (use --cache FILE elsewhere, or --no-cache)`, EXIT.usage);
  }
}

function resumePoint(path: string, io: CommandIo): number {
  try {
    const point = findResumePoint(path);
    if (point.truncatedBytes > 0) io.stderr.write(`--resume: cut a partial last line (${point.truncatedBytes} bytes) from ${path}\n`);
    return point.lastLine;
  } catch (error) {
    throw new CliError(`score: ${(error as Error).message}`, EXIT.usage);
  }
}

/** Skips input lines already scored, and stops reading once interrupted. */
async function* skipThrough(source: AsyncIterable<JsonlLine>, lastLine: number, interrupted: { value: boolean }): AsyncGenerator<JsonlLine> {
  for await (const entry of source) {
    if (interrupted.value) return;
    if (entry.line > lastLine) yield entry;
  }
}

/** Opens the output file up front, so a bad path is a clear error before any judge call. */
function openOutput(path: string, append: boolean): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, append ? 'a' : 'w');
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

