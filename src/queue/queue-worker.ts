/**
 * The worker side of queued scoring (`rewardkit worker`): a BullMQ worker taking chunks from the queue, `concurrency`
 * at a time, scoring each with its run's reward (run-rewards.ts, chunk-scorer.ts) and storing the lines under the
 * chunk's result key before the job completes (BullMQ's completion event then stays small).
 *
 * Faults. A worker holds a lock on each chunk it scores, renewed every `lockDurationMs / 2`; if it dies (SIGKILL, a
 * lost machine) the lock expires and the next stalled-job check of any live worker (every `stalledIntervalMs`) puts
 * the chunk back in the queue for another worker — so a dead worker's chunk starts again at most lockDuration +
 * stalledInterval later. A chunk that stalls more than MAX_STALLED_COUNT times (it kills its workers) fails. A failure
 * retrying cannot fix — the run's spec invalid here, its judge unreachable, another rewardkit version, the run gone —
 * fails the chunk at once (BullMQ's UnrecoverableError) with `[kind] worker host:pid: message`, which the producer
 * reports; an unexpected error is retried (CHUNK_ATTEMPTS in queued-run.ts) and then reported the same way. A run key
 * found missing is not final at once: Redis may have been away longer than the key's lifetime while the producer
 * lives (its next heartbeat stores the key again), so the chunk is put back (delayed RUN_HEARTBEAT_MS) for up to
 * RUN_TTL_SECONDS after the key was first found missing, and only then fails as run_gone.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { ChunkJobSchema, type ChunkJob, type ChunkReceipt } from './chunk-job.js';
import { scoreChunk } from './chunk-scorer.js';
import { openReachableConnection, type QueueConnection } from './queue-connection.js';
import { failedReasonOf, QueueError } from './queue-error.js';
import { RESULT_TTL_SECONDS, RUN_HEARTBEAT_MS, RUN_TTL_SECONDS, runKeys } from './queue-keys.js';
import type { RunRewards } from './run-rewards.js';

/** BullMQ's default lock: a chunk of a dead worker is free again this long after the worker's last renewal. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
/** How often each worker looks for chunks whose lock expired (BullMQ's default is 30 s; half that here). */
export const DEFAULT_STALLED_INTERVAL_MS = 15_000;
/** A chunk put back this many times (its workers kept dying) fails instead of killing more workers. */
export const MAX_STALLED_COUNT = 2;

export interface QueueWorkerOptions {
  url: string;
  queueName: string;
  /** Chunks scored at once. */
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** host:pid, named in logs and in failed chunks' reasons. */
  name: string;
  runs: RunRewards;
  log: (line: string) => void;
  /** Print a line per chunk scored. */
  verbose: boolean;
}

export interface RunningWorker {
  /** Stops taking chunks and waits for those in flight (their results are stored), then disconnects. */
  close(): Promise<void>;
}

/** Connects (a QueueError 'connection' when Redis does not answer) and starts taking chunks. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<RunningWorker> {
  const connection = await openReachableConnection(options.url);
  const missing = new MissingRuns();
  const worker = new Worker<unknown, ChunkReceipt>(
    options.queueName,
    (job, token) => processChunk(job, token, connection, options, missing),
    {
      connection: { url: options.url },
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: MAX_STALLED_COUNT,
      name: options.name,
    },
  );
  let lastError = '';
  worker.on('error', (error) => {
    // connection trouble repeats every retry: say it once until it changes
    if (error.message !== lastError) options.log(`queue error: ${error.message}`);
    lastError = error.message;
  });
  worker.on('failed', (job, error) => {
    if (job)
      options.log(`chunk ${job.id} failed${job.attemptsMade < (job.opts.attempts ?? 1) ? ' (it will be retried)' : ''}: ${error.message}`);
  });
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await options.runs.closeAll();
      await connection.close();
    },
  };
}

/** When each run was first found without its run key (forgotten once it is found again). */
class MissingRuns {
  private readonly since = new Map<string, number>();

  /** The run key is missing now: true while it has been missing for less than one run key lifetime. */
  stillWaiting(runId: string, now = Date.now()): boolean {
    for (const [run, since] of this.since) if (now - since > 10 * RUN_TTL_SECONDS * 1000) this.since.delete(run);
    const since = this.since.get(runId) ?? now;
    this.since.set(runId, since);
    return now - since < RUN_TTL_SECONDS * 1000;
  }

  found(runId: string): void {
    this.since.delete(runId);
  }
}

async function processChunk(
  job: Job<unknown, ChunkReceipt>,
  token: string | undefined,
  connection: QueueConnection,
  options: QueueWorkerOptions,
  missing: MissingRuns,
): Promise<ChunkReceipt> {
  const parsed = ChunkJobSchema.safeParse(job.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const message = `job ${job.id} is not a rewardkit chunk: ${issue.message} at ${issue.path.join('.') || '(top)'}`;
    throw new UnrecoverableError(failedReasonOf('bad_job', options.name, message));
  }
  const chunk: ChunkJob = parsed.data;
  const started = performance.now();
  try {
    const result = await options.runs.use(chunk.run, (run) =>
      scoreChunk(run.opened.reward, chunk, run.description.scoring.row_deadline_ms),
    );
    missing.found(chunk.run);
    await connection.redis.set(runKeys(options.queueName, chunk.run).result(chunk.index), JSON.stringify(result), 'EX', RESULT_TTL_SECONDS);
    if (options.verbose) {
      options.log(`chunk ${job.id}: ${chunk.rows.length} rows in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    }
    return { rows: chunk.rows.length };
  } catch (error) {
    if (QueueError.isInstance(error) && error.kind === 'run_gone' && missing.stillWaiting(chunk.run)) {
      // the producer may be alive and Redis was away longer than the key lives: try again after its next heartbeat
      await job.moveToDelayed(Date.now() + RUN_HEARTBEAT_MS, token);
      throw new DelayedError();
    }
    if (QueueError.isInstance(error)) throw new UnrecoverableError(failedReasonOf(error.kind, options.name, error.message));
    throw new Error(failedReasonOf('chunk_failed', options.name, (error as Error).message));
  }
}
