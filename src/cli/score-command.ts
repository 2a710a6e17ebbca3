/**
 * `rewardkit score`: streams rollouts (JSONL) through a reward spec and writes one result line per input
 * line, in input order, with a progress bar and a summary table on stderr. `--dry-run` calls no judge.
 */
import { existsSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createReward, type Reward } from '../reward.js';
import type { RewardResult } from '../result.js';
import { rowErrorResult } from '../input/row-error.js';
import { DEFAULT_CACHE_PATH, loadRewardSpec, openLoadedReward, type LoadedRewardSpec, type OpenedReward } from '../open-reward.js';
import { orderedMap } from '../runtime/ordered-map.js';
import { ScoreTally, formatSummaryTable } from './score-tally.js';
import type { InputSpec } from '../spec/schema.js';
import { parseArgs } from 'node:util';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { openOutputStream } from './output-stream.js';
import { createProgress } from './progress.js';
import { countJsonlRows, readJsonl, type JsonlLine } from './read-jsonl.js';
import { LineWriter } from './line-writer.js';
import { findResumePoint } from './resume.js';
import { DEFAULT_MAX_JUDGE_ERROR_RATE, judgeErrorReport, retryCommandOf } from './judge-error-report.js';
import { planRetry, rewriteWithRetries, type RetryPlan, type RetryRun } from './retry-errors.js';
import { GROUP_WINDOW_HELP, GroupedScoring, groupsSummaryLine, groupWindowOf, specJudgesGroups } from './group-window.js';
import { groupedDryRun } from './group-dry-run.js';
import { openQueuedScoring, queuedFailure, SCORE_QUEUE_FLAGS, SCORE_QUEUE_HELP, scoreQueueOptionsOf } from './score-queue.js';
import type { QueuedRun } from '../queue/queued-run.js';
import {
  CACHE_POLICY_HELP,
  cliErrorOf,
  PRICES_AND_CACHE_POLICY_FLAGS,
  PRICES_HELP,
  pricesAndCachePolicyOf,
  REDIS_FLAGS,
  REDIS_HELP,
  redisSettingsOf,
  redisSummaryLine,
  type OpenFailureWording,
} from './reward-flags.js';

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
                          openai-compatible | openai | bedrock | anthropic | local | ollama
                          (just "local": the default local model). Without --judge, a judge the
                          spec gives no model uses the local judge (llama.cpp in the process)
  --judge-base-url URL    the judge's API base URL (e.g. http://127.0.0.1:8000/v1)
  --dry-run               call no judge: print the first row's rendered judge prompt(s) and how
                          many judge calls a real run would make
  --resume                continue an interrupted run: rows already in --output are skipped and new
                          lines are appended (a partial last line is cut off)
  --retry-errors          judge again only the rows of a finished --output whose judge failed (flagged
                          judge_error, deadline_exceeded or circuit_open); other lines are kept byte for
                          byte and the file is replaced atomically (same --spec and --input as the run)
  --max-judge-error-rate R  exit 9 when more than this share of judge calls failed (0–1, default 0.5)
  --cache FILE            judge cache (SQLite) shared across runs (default .rewardkit/judge-cache.sqlite)
  --no-cache              no persistent cache (identical calls in flight are still shared)
  --cache-namespace NAME  ask again instead of reusing cached verdicts from another namespace
${CACHE_POLICY_HELP}
  --row-deadline-ms N     a row not scored within N ms gets the neutral reward, flagged deadline_exceeded
                          (a group judge's call gets N ms from when its group closes)
${GROUP_WINDOW_HELP}
${PRICES_HELP}
${REDIS_HELP}
${SCORE_QUEUE_HELP}
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
  # the judge was down for part of the run (exit 9): once it is back, judge only the failed rows again
  rewardkit score --spec spec.yaml --input rollouts.jsonl --output scored.jsonl --retry-errors \\
      --judge openai-compatible:qwen3-8b --judge-base-url http://127.0.0.1:8000/v1

Exit codes: 0 all rows scored · 2 bad usage · 3 invalid spec · 4 unreadable input ·
            5 judge unreachable · 6 finished, but some lines were not readable rows ·
            9 finished, but more than --max-judge-error-rate of the judge calls failed (every row is
              written and flagged: re-judge them with --retry-errors) ·
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
  'retry-errors': { type: 'boolean' },
  'max-judge-error-rate': { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'cache-namespace': { type: 'string' },
  ...PRICES_AND_CACHE_POLICY_FLAGS,
  ...REDIS_FLAGS,
  'row-deadline-ms': { type: 'string' },
  'group-window': { type: 'string' },
  ...SCORE_QUEUE_FLAGS,
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
  if (!values.spec)
    throw new CliError('score: --spec is required (the reward spec file)\nRun "rewardkit score --help" for usage.', EXIT.usage);
  if (!values.input)
    throw new CliError(
      'score: --input is required (a JSONL file of rollouts, or - for stdin)\nRun "rewardkit score --help" for usage.',
      EXIT.usage,
    );
  if (values['judge-base-url'] && !values.judge)
    throw new CliError('score: --judge-base-url needs --judge PROVIDER:MODEL as well', EXIT.usage);
  if (values.input !== '-' && !existsSync(values.input))
    throw new CliError(`score: --input ${values.input}: no such file`, EXIT.inputUnreadable);
  const limit = positiveInteger(values.limit, '--limit');
  const concurrency = positiveInteger(values.concurrency, '--concurrency');
  const rowDeadlineMs = positiveInteger(values['row-deadline-ms'], '--row-deadline-ms');
  const groupWindow = groupWindowOf(values['group-window']);
  const { prices, cachePolicy } = pricesAndCachePolicyOf(values);
  const redis = redisSettingsOf(values);
  if (values.resume && !values.output) throw new CliError('score: --resume needs --output (the file to continue)', EXIT.usage);
  if (values.resume && values.input === '-') throw new CliError('score: --resume needs a file --input, not stdin', EXIT.usage);
  if (values.cache && values['no-cache']) throw new CliError('score: use either --cache FILE or --no-cache', EXIT.usage);
  const retrying = values['retry-errors'] === true;
  if (retrying) checkRetryFlags(values);
  const maxJudgeErrorRate = rate(values['max-judge-error-rate'], '--max-judge-error-rate') ?? DEFAULT_MAX_JUDGE_ERROR_RATE;
  const queue = scoreQueueOptionsOf(values);
  let loaded: LoadedRewardSpec;
  try {
    loaded = loadRewardSpec({ spec: values.spec, judge: values.judge, judgeBaseUrl: values['judge-base-url'], concurrency, prices });
  } catch (error) {
    throw cliErrorOf('score', error, OPEN_FAILURE);
  }
  const { spec } = loaded;
  if (queue) {
    // score --queue: workers open the reward (src/queue/); here the rows are only read into chunks and written back
    const settings = {
      cache: !values['no-cache'],
      cacheNamespace: values['cache-namespace'],
      rowDeadlineMs,
      preflight: !values['no-preflight'],
      groupWindow,
    };
    const queued = await openQueuedScoring(loaded, queue, settings, io.stderr);
    try {
      const run = { values, input: values.input, limit, rowDeadlineMs, groupWindow, maxJudgeErrorRate, queued: queued.run };
      return await scoreRows({ reward: queued.reward, spec }, undefined, run, io);
    } finally {
      await queued.run.close();
    }
  }
  if (values['dry-run']) {
    const reward = createReward(spec);
    const source = limited(readJsonl(values.input), limit);
    return reward.groupsJudged ? groupedDryRun(reward, source, groupWindow, io) : dryRun(reward, source, io);
  }
  // --retry-errors: the output is checked against the input before any judge is asked (with a group judge, whole groups)
  const retryPlan = retrying ? await planRetry(values.output!, values.input, spec.input, specJudgesGroups(spec)) : undefined;
  if (retryPlan && retryPlan.rejudge.size === 0) {
    io.stderr.write(`score --retry-errors: no row of ${values.output} has a failed judge (${retryPlan.rows} rows); nothing to do\n`);
    return EXIT.ok;
  }

  let opened: OpenedReward;
  try {
    opened = await openLoadedReward(loaded, {
      preflight: !values['no-preflight'],
      ...(values['no-cache'] ? {} : { cache: values.cache ?? DEFAULT_CACHE_PATH }),
      cachePolicy,
      ...(values['cache-namespace'] ? { cacheNamespace: values['cache-namespace'] } : {}),
      ...redis,
    });
  } catch (error) {
    throw cliErrorOf('score', error, OPEN_FAILURE);
  }
  try {
    return await scoreRows(opened, retryPlan, { values, input: values.input, limit, rowDeadlineMs, groupWindow, maxJudgeErrorRate }, io);
  } finally {
    if (opened.sharedState && !values.quiet) io.stderr.write(`${redisSummaryLine(opened.sharedState.stats())}\n`);
    opened.close();
  }
}

/** What `score` says when opening the reward fails (src/cli/reward-flags.ts). */
const OPEN_FAILURE: OpenFailureWording = {
  notDone: 'no row was scored',
  advice:
    'Start the judge server, or point the run at another judge with --judge PROVIDER:MODEL --judge-base-url URL,\n' +
    'or check the rendered prompts offline with --dry-run.',
  cacheHint: 'use --cache FILE elsewhere, or --no-cache',
};

interface ScoreRun {
  values: ScoreFlags;
  input: string;
  limit: number | undefined;
  rowDeadlineMs: number | undefined;
  /** --group-window (rows); used only with a group judge. */
  groupWindow: number;
  maxJudgeErrorRate: number;
  /** score --queue: the run whose chunks workers score. */
  queued?: QueuedRun;
}

type ScoreFlags = Record<string, string | boolean | undefined> & {
  output?: string;
  resume?: boolean;
  progress?: boolean;
  'no-progress'?: boolean;
  quiet?: boolean;
};

/** Scores the input (or, with a retry plan, re-judges the flagged rows of --output) with the opened reward. */
async function scoreRows(
  opened: Pick<OpenedReward, 'reward' | 'spec'>,
  retryPlan: RetryPlan | undefined,
  run: ScoreRun,
  io: CommandIo,
): Promise<number> {
  const { values, limit, rowDeadlineMs, maxJudgeErrorRate } = run;
  const { reward, spec } = opened;
  const scoreOptions = (line: number) => ({ fallbackId: `line-${line}`, ...(rowDeadlineMs ? { deadlineMs: rowDeadlineMs } : {}) });
  // with a group judge, rows stream through one group session (group-window.ts); otherwise each row is scored alone
  const grouped = reward.groupsJudged && !run.queued ? new GroupedScoring(reward, run.groupWindow, rowDeadlineMs) : undefined;
  if (retryPlan) {
    const score = (row: unknown, line: number) => reward.score(row, scoreOptions(line));
    const retryRun = { outputPath: values.output!, inputPath: run.input, concurrency: reward.suggestedRowConcurrency, score };
    return retryErrors({ ...retryRun, ...grouped?.retryParts() }, retryPlan, spec.input, maxJudgeErrorRate, values, io, grouped);
  }
  const resumeFrom = values.resume ? resumePoint(values.output!, io) : 0;
  const interrupted = { value: false };
  const read = limited(skipThrough(readJsonl(run.input), resumeFrom, interrupted, grouped?.noteEarlier ?? run.queued?.noteEarlier), limit);
  const source = grouped ? grouped.stream(read) : read;
  const output: NodeJS.WritableStream = values.output ? openOutputStream('score', values.output, values.resume === true) : io.stdout;
  const showProgress = values['no-progress'] ? false : (values.progress ?? io.stderr.isTTY === true);
  // Counting the rows reads the input an extra time: only worth it when a progress bar shows the total.
  const total = !showProgress || run.input === '-' ? undefined : Math.min(await countJsonlRows(run.input, resumeFrom), limit ?? Infinity);
  const writer = new LineWriter(output);
  const tally = new ScoreTally();
  const progress = createProgress(showProgress, io.stderr, total);
  const started = performance.now();
  let unreadable = 0;

  const results = run.queued
    ? run.queued.results(source)
    : orderedMap(
        source,
        grouped?.inFlight ?? reward.suggestedRowConcurrency,
        async (entry: JsonlLine) => {
          if ('error' in entry) {
            grouped?.skip();
            return { line: entry.line, result: null, error: entry.error };
          }
          const scoring = grouped ? grouped.add(entry.line, entry.value) : reward.score(entry.value, scoreOptions(entry.line));
          return { line: entry.line, result: await scoring, error: null };
        },
        grouped?.maxBuffered,
      );
  // Ctrl-C: stop reading input, finish and write the rows in flight, then stop (a second Ctrl-C exits at once).
  const onInterrupt = () => {
    if (interrupted.value) process.exit(EXIT.interrupted);
    interrupted.value = true;
    run.queued?.interrupt();
    io.stderr.write('\ninterrupted: finishing the rows in flight (Ctrl-C again to quit now); continue later with --resume\n');
  };
  process.on('SIGINT', onInterrupt);
  for await (const { line, result, error } of results) {
    if (result) {
      tally.add(result);
      if (result.error && result.reward === null) {
        unreadable++;
        io.stderr.write(`${progress.active ? '\n' : ''}line ${line}: row ${JSON.stringify(result.id)} skipped — ${result.error.message}\n`);
      }
      await writer.write(`${JSON.stringify({ line, ...result })}\n`);
    } else {
      unreadable++;
      tally.addUnreadable();
      io.stderr.write(`${progress.active ? '\n' : ''}${error}\n`);
      await writer.write(`${JSON.stringify(unreadableLine(line, error))}\n`);
    }
    progress.update(tally);
  }
  process.off('SIGINT', onInterrupt);
  await writer.flush();
  progress.stop();
  if (values.output) {
    (output as WriteStream).end();
    await once(output, 'finish');
  }
  const totals = tally.totals();
  if (!values.quiet) {
    const resumed = resumeFrom > 0 ? `resumed after input line ${resumeFrom}\n` : '';
    io.stderr.write(`\n${resumed}${formatSummaryTable(totals, (performance.now() - started) / 1000)}\n`);
    if (grouped) io.stderr.write(`${grouped.summaryLine()}\n`);
    else if (run.queued && reward.groupsJudged) io.stderr.write(`${groupsSummaryLine(run.queued.groups, run.groupWindow)}\n`);
  }
  const failures = judgeErrorReport(totals, maxJudgeErrorRate, retryCommandOf(values));
  if (failures.text && (failures.exceeded || !values.quiet)) io.stderr.write(`\n${failures.text}\n`);
  if (run.queued?.failure) return queuedFailure(run.queued.failure, values.output, io.stderr);
  if (interrupted.value) return EXIT.interrupted;
  if (failures.exceeded) return EXIT.judgeErrors;
  return unreadable > 0 ? EXIT.badRows : EXIT.ok;
}

/** `--retry-errors`: judges the flagged rows of --output again and replaces the file atomically. */
async function retryErrors(
  run: Omit<RetryRun, 'interrupted' | 'onResult'>,
  plan: RetryPlan,
  input: InputSpec,
  maxJudgeErrorRate: number,
  values: { quiet?: boolean; progress?: boolean; 'no-progress'?: boolean },
  io: CommandIo,
  grouped: GroupedScoring | undefined,
): Promise<number> {
  const tally = new ScoreTally();
  const showProgress = values['no-progress'] ? false : (values.progress ?? io.stderr.isTTY === true);
  const progress = createProgress(showProgress, io.stderr, plan.rejudge.size);
  const interrupted = { value: false };
  const started = performance.now();
  const onInterrupt = () => {
    if (interrupted.value) process.exit(EXIT.interrupted); // the temp file is left behind, the output untouched
    interrupted.value = true;
    io.stderr.write(
      '\ninterrupted: finishing the rows in flight, the others are kept as they were (Ctrl-C again to quit now, changing nothing)\n',
    );
  };
  process.on('SIGINT', onInterrupt);
  let outcome;
  try {
    const onResult = (result: RewardResult) => {
      tally.add(result);
      progress.update(tally);
    };
    outcome = await rewriteWithRetries({ ...run, interrupted, onResult }, plan, input);
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.stop();
  }
  const totals = tally.totals();
  if (!values.quiet) io.stderr.write(`\n${formatSummaryTable(totals, (performance.now() - started) / 1000)}\n`);
  if (!values.quiet && grouped) io.stderr.write(`${grouped.summaryLine()}\n`);
  const left = outcome.left > 0 ? `; ${outcome.left} flagged rows not reached (interrupted) are unchanged` : '';
  const judged = outcome.rejudged - outcome.stillFailing;
  io.stderr.write(
    `\nscore --retry-errors: judged ${outcome.rejudged} of ${plan.rows} rows again in ${run.outputPath} ` +
      `(${judged} now judged, ${outcome.stillFailing} failed again and stay flagged${left}); the other lines are unchanged\n`,
  );
  const failures = judgeErrorReport(totals, maxJudgeErrorRate, null);
  if (failures.exceeded) io.stderr.write(`${failures.text.split('\n')[0]}\nCheck the judge, then run the same command again.\n`);
  if (interrupted.value) return EXIT.interrupted;
  return failures.exceeded ? EXIT.judgeErrors : EXIT.ok;
}

function checkRetryFlags(values: { output?: string; input?: string; resume?: boolean; limit?: string; 'dry-run'?: boolean }): void {
  const usage = (problem: string) => new CliError(`score: --retry-errors ${problem}`, EXIT.usage);
  if (!values.output) throw usage('needs --output (the finished output file to re-judge and rewrite)');
  if (values.input === '-') throw usage('needs a file --input (the same input as the run), not stdin');
  if (values.resume) throw usage('and --resume do not go together: finish the run with --resume first, then --retry-errors');
  if (values.limit !== undefined) throw usage('re-judges every flagged row of the file: drop --limit');
  if (values['dry-run']) throw usage('and --dry-run do not go together');
  if (!existsSync(values.output)) throw usage(`--output ${values.output}: no such file (run score first)`);
}

/** A share between 0 and 1 (undefined when the flag is absent). */
function rate(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new CliError(
      `score: ${flag}: expected a number from 0 to 1 (a share of judge calls, e.g. 0.5), got ${JSON.stringify(value)}`,
      EXIT.usage,
    );
  }
  return number;
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

/** Skips input lines already scored (each shown to `onSkipped`), and stops reading once interrupted. */
async function* skipThrough(
  source: AsyncIterable<JsonlLine>,
  lastLine: number,
  interrupted: { value: boolean },
  onSkipped?: (entry: JsonlLine) => void,
): AsyncGenerator<JsonlLine> {
  for await (const entry of source) {
    if (interrupted.value) return;
    if (entry.line > lastLine) yield entry;
    else onSkipped?.(entry);
  }
}

function unreadableLine(line: number, message: string): RewardResult & { line: number } {
  return { line, ...rowErrorResult(`line-${line}`, { field: '(line)', message }) };
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
      for (const check of plan.checks)
        io.stdout.write(
          `#   check ${check.name}: ${check.score === null ? 'undetermined' : check.score.toFixed(3)} — ${check.rationale}\n`,
        );
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
  io.stdout.write(
    `\n${rows} rows: a real run would make ${calls} judge calls (${gated} rows stopped by a gate, ${empty} empty responses, ${unreadable} unreadable lines).\n`,
  );
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
