/**
 * A request's deadline: an AbortSignal that fires when the time budget is spent (judges still running
 * then fail, and the reward becomes the neutral value flagged `deadline_exceeded`), plus a hard stop a
 * little later that answers for any row still unfinished, so a reply always goes out in time.
 *
 * The deadline's signal is shared by every judge call of every row of the request, each of which listens
 * for its abort while it waits or runs (and stops listening when done): with a batch of rows in flight that
 * is far more than Node's default of 10 listeners, a fan-out rather than a leak, so the warning is turned off
 * for this signal (`setMaxListeners(0, signal)`).
 */
import { setMaxListeners } from 'node:events';
import { metricsOf, type Reward } from '../reward.js';
import type { RewardResult } from '../result.js';
import { createLoopYielder } from '../runtime/loop-yield.js';

export interface Deadline {
  /** Aborts when the budget is spent (or the caller went away). */
  readonly signal: AbortSignal;
  /** Resolves at the hard stop: rows not finished by then are answered without waiting for them. */
  readonly hardStop: Promise<void>;
  /** True once the hard stop has passed. */
  readonly stopped: boolean;
  /** Aborts now (e.g. the client disconnected). */
  abort(reason: string): void;
  /** Clears the timers; call when the reply is out. */
  dispose(): void;
}

/**
 * Starts a deadline `budgetMs` from now (≤ 0: already expired) with a hard stop `graceMs` after it.
 * Timers are unref'd: a deadline never keeps the process alive.
 */
export function startDeadline(budgetMs: number, graceMs: number): Deadline {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  let stopped = false;
  let releaseHardStop!: () => void;
  const hardStop = new Promise<void>((resolve) => {
    releaseHardStop = () => {
      stopped = true;
      resolve();
    };
  });
  const budget = Math.max(0, Math.floor(budgetMs));
  const abortTimer = budget === 0 ? undefined : setTimeout(() => controller.abort(new Error(`deadline of ${budget} ms reached`)), budget);
  if (budget === 0) controller.abort(new Error('no time left before the deadline'));
  const hardTimer = setTimeout(releaseHardStop, budget + Math.max(0, Math.floor(graceMs)));
  abortTimer?.unref();
  hardTimer.unref();
  return {
    signal: controller.signal,
    hardStop,
    get stopped() {
      return stopped;
    },
    abort: (reason) => {
      if (!controller.signal.aborted) controller.abort(new Error(reason));
    },
    dispose: () => {
      clearTimeout(abortTimer);
      clearTimeout(hardTimer);
    },
  };
}

/** The result for a row the deadline overtook: the neutral reward (null: no reward, on_judge_error: null), flagged like a judge that timed out. */
export function deadlineResult(id: string, neutral: number | null, specHash?: string): RewardResult {
  const flags = ['judge_error', 'deadline_exceeded'];
  return {
    id,
    ...(specHash === undefined ? {} : { spec_hash: specHash }),
    reward: neutral,
    neutral: neutral !== null,
    gated_by: null,
    flags,
    metrics: metricsOf([], flags),
    components: [],
  };
}

/** The neutral value of a reward's spec: `aggregate.neutral`, else the middle of the range. */
export function neutralOf(reward: Pick<Reward, 'spec'>): number {
  const [low, high] = reward.spec.aggregate.range;
  return reward.spec.aggregate.neutral ?? (low + high) / 2;
}

/** Scores one row under the deadline: its judges are aborted at the deadline, and at the hard stop the row is answered neutral. */
export async function scoreBeforeDeadline(reward: Reward, row: unknown, fallbackId: string, deadline: Deadline): Promise<RewardResult> {
  const late = lateResultOf(reward, row, fallbackId);
  if (deadline.stopped) return late();
  return raceHardStop(reward.score(row, { signal: deadline.signal, fallbackId }), late, deadline);
}

/** The row's answer should the hard stop overtake it. */
function lateResultOf(reward: Reward, row: unknown, fallbackId: string): () => RewardResult {
  const lateReward = reward.spec.aggregate.on_judge_error === 'null' ? null : neutralOf(reward);
  return () => deadlineResult(rowIdOf(row, fallbackId, idFieldOf(reward, row)), lateReward, reward.specHash);
}

function raceHardStop(scoring: Promise<RewardResult>, late: () => RewardResult, deadline: Deadline): Promise<RewardResult> {
  return Promise.race([scoring, deadline.hardStop.then(late)]);
}

/** The row's own id (string or number) from `field`, else the fallback. */
export function rowIdOf(row: unknown, fallbackId: string, field = 'id'): string {
  const id = row !== null && typeof row === 'object' ? (row as Record<string, unknown>)[field] : undefined;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' && Number.isFinite(id) ? String(id) : fallbackId;
}

/** Where a row keeps its id: `id` for Nova rows, the spec's `input.id` for plain rows (when it is a plain field name). */
function idFieldOf(reward: Reward, row: unknown): string {
  const isNova =
    reward.spec.input.format === 'nova' ||
    (reward.spec.input.format === 'auto' && row !== null && typeof row === 'object' && 'messages' in row);
  const field = reward.spec.input.id;
  return isNova || !/^[A-Za-z_][\w-]*$/.test(field) ? 'id' : field;
}

/**
 * Scores rows under one deadline, at most `limit` at a time, results in input order. Judge calls are
 * limited per model inside the reward; this bound only keeps a huge batch from starting every row at once.
 * The event loop gets a turn every few rows (runtime/loop-yield.ts), so rows that finish without any I/O (unreadable,
 * gated, cached) cannot hold it for long. With a group judge, the rows of each group in `rows` are judged together.
 */
export async function scoreRows(
  reward: Reward,
  rows: readonly unknown[],
  deadline: Deadline,
  fallbackId: (index: number) => string,
  limit = reward.suggestedRowConcurrency,
): Promise<RewardResult[]> {
  if (reward.groupsJudged) return scoreGroupedRows(reward, rows, deadline, fallbackId, limit);
  const results = new Array<RewardResult>(rows.length);
  const yielder = createLoopYielder();
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const index = next++;
      results[index] = await scoreBeforeDeadline(reward, rows[index], fallbackId(index), deadline);
      const turn = yielder.afterRow();
      if (turn) await turn;
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), rows.length) }, worker));
  return results;
}

/**
 * `scoreRows` for a spec with a group judge: the request's rows form one group session (no window: every group of
 * the request is judged whole), `limit` rows in checks and row judges at once, the loop yielder between rows. Each
 * row still races the hard stop, and rows reached after it are answered at once.
 */
async function scoreGroupedRows(
  reward: Reward,
  rows: readonly unknown[],
  deadline: Deadline,
  fallbackId: (index: number) => string,
  limit: number,
): Promise<RewardResult[]> {
  const yielder = createLoopYielder();
  const session = reward.openGroupSession({
    signal: deadline.signal,
    rowConcurrency: Math.max(1, limit),
    afterRow: () => yielder.afterRow(),
  });
  const results: Array<Promise<RewardResult>> = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const late = lateResultOf(reward, row, fallbackId(index));
    results.push(
      deadline.stopped ? Promise.resolve(late()) : raceHardStop(session.add(row, { fallbackId: fallbackId(index) }), late, deadline),
    );
    const turn = yielder.afterRow();
    if (turn) await turn;
  }
  session.end();
  return Promise.all(results);
}
