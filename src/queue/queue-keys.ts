/**
 * The names a queued scoring run uses in Redis, in one place: the BullMQ queue every producer and worker of a
 * deployment share (`--queue-name`, default `rewardkit-score`), a run's id, its chunks' job ids (`<run id>-<chunk>`, so
 * two producers on one queue never read each other's chunks), the key holding its run description (whose presence
 * says the producer is alive) and the keys holding its chunks' results until the producer has written them.
 * Also how long each of them lives when nobody cleans up (a producer killed outright).
 */
import { randomUUID } from 'node:crypto';

/** The BullMQ queue `score --queue` and `worker` use unless told otherwise. */
export const DEFAULT_QUEUE_NAME = 'rewardkit-score';

/** Prefix of rewardkit's own keys beside BullMQ's (`bull:<queue>:…`). */
const KEY_PREFIX = 'rewardkit:queue';

/**
 * The run key lives this long after the producer's last heartbeat (every RUN_HEARTBEAT_MS): a producer killed outright
 * stops refreshing it, and workers then drop its chunks still queued instead of scoring them for nobody.
 */
export const RUN_TTL_SECONDS = 20;
export const RUN_HEARTBEAT_MS = 5_000;
/** A chunk's result waits at most this long for its producer (which deletes it once written). */
export const RESULT_TTL_SECONDS = 24 * 3600;
/** Jobs the producer did not remove itself (it was killed) are dropped by BullMQ this long after they finished. */
export const FINISHED_JOB_AGE_SECONDS = 3600;

/** A queue name BullMQ accepts (no ':'), printable, at most 100 characters; null when it is fine, else the problem. */
export function queueNameProblem(name: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)
    ? null
    : `expected letters, digits, '.', '_' or '-' (at most 100, no ':'), got ${JSON.stringify(name)}`;
}

export function newRunId(): string {
  return randomUUID();
}

export interface RunKeys {
  readonly runId: string;
  /** The run description (JSON), kept alive by the producer's heartbeat. */
  readonly run: string;
  jobId(index: number): string;
  result(index: number): string;
}

export function runKeys(queueName: string, runId: string): RunKeys {
  const run = `${KEY_PREFIX}:${queueName}:run:${runId}`;
  return {
    runId,
    run,
    jobId: (index) => `${runId}-${index}`,
    result: (index) => `${run}:result:${index}`,
  };
}
