/**
 * `score --queue`: its flags and help, the flags it refuses (those that belong on the workers), opening the queued
 * run (src/queue/: loaded only when --queue is given), the line saying where the run went, the summary line of its
 * groups, and what a chunk that failed (in a worker, or lost from Redis) ends with (message and exit code). Everything else — reading,
 * --resume, --limit, writing in input order, the progress bar, the summary table, exit code 9 — is `score`'s own loop.
 */
import type { LoadedRewardSpec } from '../open-reward.js';
import { QueueError } from '../queue/queue-error.js';
import { DEFAULT_QUEUE_NAME, queueNameProblem } from '../queue/queue-keys.js';
import { checkQueueUrl, redactedUrl } from '../queue/queue-url.js';
import type { QueuedRun } from '../queue/queued-run.js';
import { createReward, type Reward } from '../reward.js';
import { positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';

export const DEFAULT_CHUNK_SIZE = 32;
export const DEFAULT_CHUNKS_AHEAD = 128;

/** parseArgs options of score's queue flags. */
export const SCORE_QUEUE_FLAGS = {
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  'chunk-size': { type: 'string' },
  'chunks-ahead': { type: 'string' },
} as const;

export const SCORE_QUEUE_HELP = `  --queue URL             score on workers instead of in this process (redis://HOST:6379): the input
                          is enqueued in chunks, any number of "rewardkit worker --queue URL" score them,
                          results are written here in input order (see "rewardkit worker --help")
  --queue-name NAME       the queue (default ${DEFAULT_QUEUE_NAME}; the workers' --queue-name)
  --chunk-size N          rows per chunk (default ${DEFAULT_CHUNK_SIZE}; a chunk never splits a group of a group judge)
  --chunks-ahead N        at most N chunks enqueued and not yet written (default ${DEFAULT_CHUNKS_AHEAD})`;

export interface ScoreQueueOptions {
  url: string;
  queueName: string;
  chunkSize: number;
  chunksAhead: number;
}

/** The run's settings a worker needs beside the spec. */
export interface QueuedScoringSettings {
  cache: boolean;
  cacheNamespace: string | undefined;
  rowDeadlineMs: number | undefined;
  preflight: boolean;
  groupWindow: number;
}

/** The queue flags (undefined without --queue); a usage error for a flag that does not go with --queue. */
export function scoreQueueOptionsOf(values: Record<string, string | boolean | undefined>): ScoreQueueOptions | undefined {
  const queueOnly = ['queue-name', 'chunk-size', 'chunks-ahead'].find((flag) => values[flag] !== undefined);
  if (typeof values.queue !== 'string') {
    if (queueOnly) throw new CliError(`score: --${queueOnly} needs --queue URL`, EXIT.usage);
    return undefined;
  }
  const usage = (problem: string) => new CliError(`score: --queue ${problem}`, EXIT.usage);
  if (values['retry-errors']) throw usage('and --retry-errors do not go together: --retry-errors re-judges in this process');
  if (values['dry-run']) throw usage('and --dry-run do not go together: a dry run calls no judge, so it needs no worker');
  for (const flag of ['cache', 'cache-ttl-days', 'cache-max-entries', 'redis', 'redis-prefix']) {
    if (values[flag] !== undefined) {
      throw usage(`scores on the workers: give --${flag} to "rewardkit worker" (--no-cache and --cache-namespace travel with the run)`);
    }
  }
  const queueName = typeof values['queue-name'] === 'string' ? values['queue-name'] : DEFAULT_QUEUE_NAME;
  const nameProblem = queueNameProblem(queueName);
  if (nameProblem) throw new CliError(`score: --queue-name: ${nameProblem}`, EXIT.usage);
  let url: string;
  try {
    url = checkQueueUrl(values.queue);
  } catch (error) {
    throw QueueError.isInstance(error) ? new CliError(`score: ${error.message}`, EXIT.usage) : error;
  }
  return {
    url,
    queueName,
    chunkSize: positiveInteger(values['chunk-size'] as string | undefined, '--chunk-size') ?? DEFAULT_CHUNK_SIZE,
    chunksAhead: positiveInteger(values['chunks-ahead'] as string | undefined, '--chunks-ahead') ?? DEFAULT_CHUNKS_AHEAD,
  };
}

export interface OpenedQueuedScoring {
  /** Reads rows into groups for the chunks (calls no judge). */
  reward: Reward;
  run: QueuedRun;
}

/** Stores the run on the queue and says so on stderr; an unreachable Redis is a usage error naming it. */
export async function openQueuedScoring(
  loaded: LoadedRewardSpec,
  options: ScoreQueueOptions,
  settings: QueuedScoringSettings,
  stderr: NodeJS.WritableStream,
): Promise<OpenedQueuedScoring> {
  const [{ QueuedRun, producerName }, { describeRun }, { createChunkPlanner }] = await Promise.all([
    import('../queue/queued-run.js'),
    import('../queue/run-description.js'),
    import('../queue/chunk-planner.js'),
  ]);
  const reward = createReward(loaded.spec);
  const description = describeRun(
    loaded.spec,
    {
      cache: settings.cache,
      ...(settings.cacheNamespace ? { cache_namespace: settings.cacheNamespace } : {}),
      ...(settings.rowDeadlineMs ? { row_deadline_ms: settings.rowDeadlineMs } : {}),
      preflight: settings.preflight,
    },
    producerName(),
  );
  const planner = createChunkPlanner(reward, { chunkSize: options.chunkSize, window: settings.groupWindow });
  let run: QueuedRun;
  try {
    run = await QueuedRun.open({
      url: options.url,
      queueName: options.queueName,
      chunksAhead: options.chunksAhead,
      description,
      planner,
      log: (line) => stderr.write(`score --queue: ${line}\n`),
    });
  } catch (error) {
    throw QueueError.isInstance(error) ? new CliError(`score: ${error.message}`, EXIT.usage) : error;
  }
  const workers = await run.workerCount();
  const waiting = workers === 0 ? `; no worker is connected yet: start them with "rewardkit worker --queue URL"` : '';
  stderr.write(
    `score: run ${run.runId} on queue ${options.queueName} at ${redactedUrl(options.url)}, chunks of up to ${options.chunkSize} rows${waiting}\n`,
  );
  return { reward, run };
}

/** What a run stopped by a chunk's failure says, and its exit code. */
export function queuedFailure(failure: QueueError, output: string | undefined, stderr: NodeJS.WritableStream): number {
  const where = output ? ` to ${output}` : '';
  stderr.write(
    `\nscore --queue: stopped, a chunk failed: ${failure.message}\n` +
      `The lines before it are written${where}; fix the cause, then continue with --resume (same command).\n`,
  );
  switch (failure.kind) {
    case 'spec':
      return EXIT.invalidSpec;
    case 'judge_unreachable':
      return EXIT.judgeUnreachable;
    case 'usage':
    case 'connection':
    case 'version':
      return EXIT.usage;
    default:
      return EXIT.internal;
  }
}
