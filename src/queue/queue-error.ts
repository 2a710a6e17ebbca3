/**
 * QueueError: what goes wrong in queued scoring that a user can act on — an unreachable queue, a bad flag, or a chunk
 * a worker could not score for a reason retrying will not fix (a spec the worker rejects, a judge it cannot reach, a
 * version mismatch, a run whose producer is gone). A worker puts the kind and its own name into the failed job's
 * reason (`[kind] worker host:pid: message`), and the producer reads them back from there.
 */
import { RewardkitError } from '../rewardkit-error.js';

export type QueueErrorKind =
  /** A bad --queue URL or queue name. */
  | 'usage'
  /** Redis cannot be reached. */
  | 'connection'
  /** The run's spec is invalid on the worker, or rebuilds to another spec hash. */
  | 'spec'
  /** The worker cannot reach a judge of the run (its preflight failed). */
  | 'judge_unreachable'
  /** The worker's rewardkit is another version than the producer's. */
  | 'version'
  /** The worker cannot open its judge cache. */
  | 'cache'
  /** The run's description is gone: its producer stopped (or was killed) and nobody waits for the chunk. */
  | 'run_gone'
  /** The job's data or the run description is not what this rewardkit writes. */
  | 'bad_job'
  /** The chunk failed in the worker after its retries (an unexpected error), or its result is missing or malformed. */
  | 'chunk_failed';

const KINDS: readonly QueueErrorKind[] = [
  'usage',
  'connection',
  'spec',
  'judge_unreachable',
  'version',
  'cache',
  'run_gone',
  'bad_job',
  'chunk_failed',
];

const QUEUE_ERROR = 'rewardkit.error.QueueError';
const QUEUE_ERROR_SYMBOL = Symbol.for(QUEUE_ERROR);

export class QueueError extends RewardkitError {
  private readonly [QUEUE_ERROR_SYMBOL] = true;

  constructor(
    readonly kind: QueueErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'QueueError';
  }

  static override isInstance(error: unknown): error is QueueError {
    return RewardkitError.hasMarker(error, QUEUE_ERROR);
  }
}

/** The failed job's reason a worker gives BullMQ: `[kind] worker NAME: message`. */
export function failedReasonOf(kind: QueueErrorKind, worker: string, message: string): string {
  return `[${kind}] worker ${worker}: ${message}`;
}

/** The QueueError a failed job's reason stands for (a reason not written by a worker: kind chunk_failed). */
export function errorOfFailedReason(reason: string): QueueError {
  const match = /^\[([a-z_]+)\] (.*)$/s.exec(reason);
  const kind = match && (KINDS as readonly string[]).includes(match[1]!) ? (match[1] as QueueErrorKind) : undefined;
  return kind ? new QueueError(kind, match![2]!) : new QueueError('chunk_failed', reason || '(no reason given)');
}
