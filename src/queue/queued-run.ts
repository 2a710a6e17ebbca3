/**
 * The producer side of `score --queue`: one queued run. It stores the run description under the run key (refreshed
 * by a heartbeat: workers drop the chunks of a producer that died), cuts the input into chunks (chunk-planner.ts)
 * and enqueues each as a BullMQ job `<run id>-<index>`, at most `chunksAhead` chunks not yet written at a time, and
 * yields every input line's result in input order as chunks complete — the same `{line, result, error}` a local run
 * computes, so `score` writes, counts and summarises them in one loop. A chunk's result is read once, by index: a
 * duplicate completion notice (BullMQ event and the poll that backs it up) is ignored; once its lines are yielded, its
 * job and result key are removed. A chunk Redis lost (a restart without persistence) is enqueued again from the job
 * kept until the chunk is done — at most `chunksAhead` chunks' rows are held — and the run description stored again.
 * A chunk that fails for good (the worker's reason is kept) or an interrupt (Ctrl-C) stops the run: the chunks no
 * worker has taken are removed from the queue (one that finished meanwhile is written instead), those being scored
 * are awaited, the lines up to the first one not scored are yielded, and nothing of the run is left in Redis.
 */
import { hostname } from 'node:os';
import { Job, Queue, QueueEvents } from 'bullmq';
import { z } from 'zod';
import type { RewardResult } from '../result.js';
import { ChunkResultSchema, type ChunkJob, type GroupCounts } from './chunk-job.js';
import type { ChunkPlanner, InputLine, PlannedChunk } from './chunk-planner.js';
import { openReachableConnection, type QueueConnection } from './queue-connection.js';
import { errorOfFailedReason, QueueError } from './queue-error.js';
import { FINISHED_JOB_AGE_SECONDS, newRunId, RUN_HEARTBEAT_MS, RUN_TTL_SECONDS, runKeys, type RunKeys } from './queue-keys.js';
import type { RunDescription } from './run-description.js';

/** How often the states of the chunks not yet finished are read, in case a completion event was missed. */
const POLL_MS = 2_000;
/** How often a stopping run tries again to remove chunks being scored (they become removable once finished or stalled). */
const DRAIN_RETRY_MS = 250;
/** Attempts of a chunk whose worker threw an unexpected error (a kind the worker knows fails it at once). */
const CHUNK_ATTEMPTS = 3;
/** Times a chunk lost from Redis (a restart without persistence) is enqueued again before the run stops. */
const MAX_REQUEUES = 3;

export interface QueuedRunOptions {
  url: string;
  queueName: string;
  /** At most this many chunks enqueued and not yet written. */
  chunksAhead: number;
  description: RunDescription;
  planner: ChunkPlanner;
  /** Says what the run recovered from (a chunk Redis lost, enqueued again). */
  log?: (line: string) => void;
}

/** One input line's outcome, as a local `score` run computes it: a result, or (a line that is not JSON) its message. */
export type QueuedLine = { line: number; result: RewardResult; error: null } | { line: number; result: null; error: string };

/** The producer's host:pid, named in the run description and in messages. */
export function producerName(): string {
  return `${hostname()}:${process.pid}`;
}

interface Slot {
  line: number;
  ready?: QueuedLine;
  /** The chunk the row went to. */
  chunk?: number;
}

type ChunkStatus = 'queued' | 'done' | 'failed' | 'removed';

interface ChunkState {
  index: number;
  lines: number[];
  status: ChunkStatus;
  /** Lines of a done chunk not yet yielded. */
  unwritten: number;
  /** A finished-state check in progress (a notice while one runs is dropped). */
  checking: boolean;
  /** The job as enqueued, kept until the chunk is done (to enqueue it again if Redis loses it), then dropped. */
  job: ChunkJob | undefined;
  /** The job was added (before that, its state in Redis says nothing). */
  added: boolean;
  /** Times it was enqueued again after Redis lost it. */
  requeued: number;
}

/** What a result line must have (the rest is the reward's, passed through as it is). */
const ResultLineSchema = z.looseObject({
  line: z.number().int().min(1),
  id: z.string(),
  reward: z.number().nullable(),
  flags: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
  components: z.array(z.unknown()),
});

export class QueuedRun {
  /** Set when a chunk failed for good: the run stopped (what was scored before it is yielded). */
  failure: QueueError | undefined;
  /** With a group judge: the groups judged (summed over chunks). */
  readonly groups: GroupCounts = { groups: 0, rows_in_groups: 0, cut: 0 };
  private readonly keys: RunKeys;
  /** The index of the next chunk enqueued. */
  private nextIndex = 0;
  private readonly descriptionText: string;
  private readonly slots: Slot[] = [];
  private head = 0;
  private readonly slotByLine = new Map<number, Slot>();
  private readonly chunks = new Map<number, ChunkState>();
  /** Chunks enqueued and not yet written (queued, or done with lines not yet yielded). */
  private outstanding = 0;
  private stopping = false;
  private readerDone = false;
  private readonly cleanups: Array<Promise<unknown>> = [];
  private wake: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private drained = false;
  private polling = false;
  /** The job being added (awaited before draining, so no chunk is enqueued after it). */
  private adding: Promise<unknown> = Promise.resolve();
  /** A pass removing the chunks no worker has taken, started by a stop. */
  private removing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: QueuedRunOptions,
    private readonly connection: QueueConnection,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    readonly runId: string,
  ) {
    this.keys = runKeys(options.queueName, runId);
    this.descriptionText = JSON.stringify(options.description);
  }

  /** Connects (a QueueError 'connection' when Redis does not answer), stores the run description and listens for chunks. */
  static async open(options: QueuedRunOptions): Promise<QueuedRun> {
    const connection = await openReachableConnection(options.url);
    // commands wait for Redis to come back (a restart, a failover) instead of failing the run
    const queue = new Queue(options.queueName, { connection: { url: options.url, maxRetriesPerRequest: null } });
    const events = new QueueEvents(options.queueName, { connection: { url: options.url } });
    // connection trouble after the first PING: BullMQ reconnects by itself, commands wait for it
    queue.on('error', () => {});
    events.on('error', () => {});
    const run = new QueuedRun(options, connection, queue, events, newRunId());
    await events.waitUntilReady();
    await connection.redis.set(run.keys.run, run.descriptionText, 'EX', RUN_TTL_SECONDS);
    run.heartbeat = setInterval(() => void run.beat(), RUN_HEARTBEAT_MS);
    events.on('completed', ({ jobId }) => run.notice(jobId));
    events.on('failed', ({ jobId }) => run.notice(jobId));
    run.poller = setInterval(() => void run.poll(), POLL_MS);
    return run;
  }

  /** How many workers are connected to the queue now (null when Redis does not say: CLIENT LIST disabled). */
  async workerCount(): Promise<number | null> {
    try {
      return (await this.queue.getWorkers()).length;
    } catch {
      return null;
    }
  }

  /** An input line before the --resume point (the planner notes the last window of them, for group judges). */
  readonly noteEarlier = (entry: InputLine): void => this.options.planner.noteEarlier(entry);

  /** Ctrl-C: no more chunks are enqueued, those no worker has taken are removed, those being scored are awaited. */
  interrupt(): void {
    this.stop();
  }

  /** Every input line's outcome, in input order, as chunks complete (up to the first line not scored, when stopped). */
  async *results(source: AsyncIterable<InputLine>): AsyncGenerator<QueuedLine> {
    void this.read(source);
    try {
      for (;;) {
        for (let slot = this.slots[this.head]; slot?.ready; slot = this.slots[this.head]) {
          this.head++;
          this.slotByLine.delete(slot.line);
          yield slot.ready;
          if (slot.chunk !== undefined) this.written(slot.chunk);
        }
        if (this.head > 4096) {
          this.slots.splice(0, this.head);
          this.head = 0;
        }
        const slot = this.slots[this.head];
        if (!slot && this.readerDone) break;
        // stopped: the lines up to the first one whose chunk no worker will score (removed, failed, never enqueued)
        if (this.stopping && (!slot || slot.chunk === undefined || this.chunks.get(slot.chunk)!.status !== 'queued')) break;
        await this.changed();
      }
    } finally {
      this.stop();
      await this.adding;
      await this.drain();
    }
  }

  /** Stops listening and closes the connections; whatever of the run is still in Redis is removed first. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    clearInterval(this.poller);
    if (!this.drained) {
      this.stop();
      await this.drain().catch(() => undefined);
    }
    await this.events.close();
    await this.queue.close();
    await this.connection.close();
  }

  /** Reads the input into slots and chunks, enqueueing each chunk the planner completes. */
  private async read(source: AsyncIterable<InputLine>): Promise<void> {
    const { planner } = this.options;
    try {
      for await (const entry of source) {
        if (this.stopping) break;
        const slot: Slot = { line: entry.line };
        this.slots.push(slot);
        if ('error' in entry) {
          slot.ready = { line: entry.line, result: null, error: entry.error };
          await this.enqueue(planner.skip());
        } else {
          this.slotByLine.set(entry.line, slot);
          await this.enqueue(planner.add(entry.line, entry.value));
        }
        this.notify();
        await this.roomAhead();
      }
      if (!this.stopping) await this.enqueue(planner.end());
    } catch (error) {
      this.fail(QueueError.isInstance(error) ? error : new QueueError('chunk_failed', `enqueueing failed: ${(error as Error).message}`));
    } finally {
      this.readerDone = true;
      this.notify();
    }
  }

  /** Waits while enough chunks are ahead — unless the next line to write is still in an open group (reading closes it). */
  private async roomAhead(): Promise<void> {
    while (!this.stopping && this.outstanding >= this.options.chunksAhead) {
      const next = this.slots[this.head];
      if (next && !next.ready && next.chunk === undefined) return;
      await this.changed();
    }
  }

  private async enqueue(planned: PlannedChunk[]): Promise<void> {
    for (const chunk of planned) {
      if (this.stopping) return;
      const index = this.nextIndex++;
      const job: ChunkJob = { format: 1, run: this.runId, index, rows: chunk.rows, earlier: chunk.earlier };
      const lines = chunk.rows.map((row) => row.line);
      const state: ChunkState = { index, lines, status: 'queued', unwritten: 0, checking: false, job, added: false, requeued: 0 };
      this.chunks.set(index, state);
      this.outstanding++;
      for (const row of chunk.rows) this.slotByLine.get(row.line)!.chunk = index;
      this.adding = this.addJob(job);
      await this.adding;
      state.added = true;
    }
  }

  private addJob(job: ChunkJob): Promise<unknown> {
    return this.queue.add('chunk', job, {
      jobId: this.keys.jobId(job.index),
      attempts: CHUNK_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: FINISHED_JOB_AGE_SECONDS },
      removeOnFail: { age: FINISHED_JOB_AGE_SECONDS },
    });
  }

  /**
   * A chunk whose job Redis no longer has: its result when a worker stored one, else (Redis restarted without
   * persistence, or someone removed the job) it is enqueued again — the run description first, which Redis lost too —
   * at most MAX_REQUEUES times; then the run stops, saying what happened and that --resume continues.
   */
  private async recover(chunk: ChunkState): Promise<void> {
    const text = await this.connection.redis.get(this.keys.result(chunk.index));
    if (chunk.status !== 'queued') return;
    if (text !== null) return this.take(chunk, text);
    if (this.stopping) {
      chunk.status = 'removed';
      this.outstanding--;
      return;
    }
    if (chunk.requeued >= MAX_REQUEUES || !chunk.job) {
      const why = `${this.chunkName(chunk)} (job ${this.keys.jobId(chunk.index)}) is no longer in the queue and no worker stored its result`;
      const cause = `Redis lost it ${chunk.requeued + 1} times (restarted without persistence?) or someone removed the job`;
      this.failChunk(chunk, new QueueError('chunk_failed', `${why}: ${cause}; --resume continues after the lines written`));
      return;
    }
    await this.storeDescription();
    await this.addJob(chunk.job);
    chunk.requeued++;
    this.options.log?.(`${this.chunkName(chunk)} was lost from Redis (restarted without persistence?): enqueued again`);
  }

  /** A completion or failure event of some job on the queue: ours are checked. */
  private notice(jobId: string): void {
    const prefix = `${this.runId}-`;
    if (!jobId.startsWith(prefix)) return;
    const index = Number(jobId.slice(prefix.length));
    if (Number.isInteger(index)) void this.check(index);
  }

  /** Backs up the events: reads the state of every chunk not finished yet (one poll at a time: Redis may be away). */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const chunk of [...this.chunks.values()]) if (chunk.status === 'queued') await this.check(chunk.index);
      // stopped: a chunk that was being scored becomes removable once its worker died and it stalled back into the queue
      if (this.stopping && !this.drained) await this.removeUntaken().catch(() => undefined);
    } finally {
      this.polling = false;
    }
  }

  /** Reads a chunk's state; a finished chunk's result (or failure) is taken once. */
  private async check(index: number): Promise<void> {
    const chunk = this.chunks.get(index);
    if (!chunk || chunk.status !== 'queued' || chunk.checking) return;
    chunk.checking = true;
    try {
      const jobId = this.keys.jobId(index);
      const state = await this.queue.getJobState(jobId);
      if (state === 'completed') {
        const text = await this.connection.redis.get(this.keys.result(index));
        if (chunk.status === 'queued') this.take(chunk, text);
      } else if (state === 'failed') {
        const reason = errorOfFailedReason((await Job.fromId(this.queue, jobId))?.failedReason ?? '');
        if (chunk.status === 'queued') this.failChunk(chunk, new QueueError(reason.kind, `${this.chunkName(chunk)}: ${reason.message}`));
      } else if (state === 'unknown' && chunk.status === 'queued' && chunk.added) {
        await this.recover(chunk);
      }
    } catch {
      // Redis away: the next poll reads the chunk again
    } finally {
      chunk.checking = false;
      this.notify();
    }
  }

  /** "chunk 3 (input lines 97–128)". */
  private chunkName(chunk: ChunkState): string {
    const first = chunk.lines[0]!;
    const last = chunk.lines.at(-1)!;
    return `chunk ${chunk.index} (input line${first === last ? ` ${first}` : `s ${first}–${last}`})`;
  }

  private failChunk(chunk: ChunkState, error: QueueError): void {
    chunk.status = 'failed';
    this.outstanding--;
    this.fail(error);
  }

  /** A completed chunk's stored result: each line's outcome goes to its slot. */
  private take(chunk: ChunkState, text: string | null): void {
    let lines: QueuedLine[];
    try {
      lines = this.parseResult(chunk, text);
    } catch (error) {
      this.failChunk(chunk, error as QueueError);
      return;
    }
    chunk.status = 'done';
    chunk.job = undefined;
    chunk.unwritten = lines.length;
    for (const outcome of lines) this.slotByLine.get(outcome.line)!.ready = outcome;
  }

  private parseResult(chunk: ChunkState, text: string | null): QueuedLine[] {
    const lost = (why: string) => new QueueError('chunk_failed', `the result of ${this.chunkName(chunk)} ${why}`);
    if (text === null) throw lost('is missing from Redis (expired or removed)');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw lost('is not JSON');
    }
    const parsed = ChunkResultSchema.safeParse(raw);
    if (!parsed.success) throw lost(`is malformed: ${parsed.error.issues[0]!.message} at ${parsed.error.issues[0]!.path.join('.')}`);
    const { lines, groups } = parsed.data;
    if (lines.length !== chunk.lines.length) throw lost(`has ${lines.length} lines for ${chunk.lines.length} rows`);
    const outcomes = lines.map((text, position) => {
      const malformed = () => lost(`has a malformed line ${position + 1} (expected input line ${chunk.lines[position]})`);
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw malformed();
      }
      const line = ResultLineSchema.safeParse(raw);
      if (!line.success || line.data.line !== chunk.lines[position]) throw malformed();
      // the worker's object as it is (zod's output would reorder its keys): `score` writes it back byte for byte
      const { line: _line, ...result } = raw;
      return { line: line.data.line, result: result as unknown as RewardResult, error: null };
    });
    if (groups) {
      this.groups.groups += groups.groups;
      this.groups.rows_in_groups += groups.rows_in_groups;
      this.groups.cut += groups.cut;
    }
    return outcomes;
  }

  /** A line of a done chunk was yielded: once all are, the chunk leaves Redis. */
  private written(index: number): void {
    const chunk = this.chunks.get(index)!;
    if (--chunk.unwritten > 0) return;
    this.outstanding--;
    this.chunks.delete(index);
    this.cleanups.push(this.forget(index));
    this.notify();
  }

  /** Removes a chunk's job and result (never fails: what is left expires). */
  private async forget(index: number): Promise<void> {
    try {
      await this.queue.remove(this.keys.jobId(index));
      await this.connection.redis.del(this.keys.result(index));
    } catch {
      // removed by age (FINISHED_JOB_AGE_SECONDS, RESULT_TTL_SECONDS) instead
    }
  }

  private fail(error: QueueError): void {
    this.failure ??= error;
    this.stop();
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.removing = this.removeUntaken().catch(() => undefined);
    this.notify();
  }

  /**
   * Removes the chunks no worker has taken (BullMQ refuses to remove one being scored); returns how many are being
   * scored. A chunk that finished since its last check is taken, not removed (its lines are written): BullMQ would
   * remove a finished job, so its state is read first, and a removed job whose result a worker stored meanwhile is
   * taken too.
   */
  private async removeUntaken(): Promise<number> {
    let busy = 0;
    for (const chunk of [...this.chunks.values()]) {
      if (chunk.status !== 'queued') continue;
      if (chunk.checking || !chunk.added) {
        busy++;
        continue;
      }
      const state = await this.queue.getJobState(this.keys.jobId(chunk.index));
      if (state === 'completed' || state === 'failed') {
        await this.check(chunk.index);
        continue;
      }
      if (state === 'unknown') {
        await this.recover(chunk);
        continue;
      }
      const removed = (await this.queue.remove(this.keys.jobId(chunk.index))) === 1;
      if (!removed) busy++;
      else if (chunk.status === 'queued') {
        const text = await this.connection.redis.get(this.keys.result(chunk.index));
        if (chunk.status !== 'queued') continue;
        if (text !== null) this.take(chunk, text);
        else {
          chunk.status = 'removed';
          this.outstanding--;
        }
      }
    }
    this.notify();
    return busy;
  }

  /**
   * After a stop: waits for the chunks being scored (their lines are yielded when they come next; they are removed
   * once they finish or stall), removes every chunk left, then the run key. After a complete run only the run key is left.
   */
  private async drain(): Promise<void> {
    if (this.drained) return;
    await this.removing;
    while ((await this.removeUntaken()) > 0) await new Promise((resolve) => setTimeout(resolve, DRAIN_RETRY_MS));
    for (const chunk of this.chunks.values()) this.cleanups.push(this.forget(chunk.index));
    this.chunks.clear();
    await Promise.all(this.cleanups);
    clearInterval(this.heartbeat);
    clearInterval(this.poller);
    await this.connection.redis.del(this.keys.run);
    this.drained = true;
  }

  private async beat(): Promise<void> {
    try {
      await this.storeDescription();
    } catch {
      // the next beat tries again
    }
  }

  /** Refreshes the run key; stores the description again when it expired (Redis restarted, or this process was stalled). */
  private async storeDescription(): Promise<void> {
    const { redis } = this.connection;
    if ((await redis.expire(this.keys.run, RUN_TTL_SECONDS)) === 0)
      await redis.set(this.keys.run, this.descriptionText, 'EX', RUN_TTL_SECONDS);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }
}
