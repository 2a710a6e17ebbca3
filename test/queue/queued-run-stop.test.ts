/**
 * The producer's stop (Ctrl-C) in-process against a real redis-server, with a BullMQ worker of the test's own: a chunk
 * that completed after the producer last looked at it is written, not thrown away with the chunks no worker took.
 * The producer's completion events are closed first, as when a completion lands between two polls. And the
 * back-pressure of `--chunks-ahead`: no more chunks enqueued and not yet written than it says, however long the input.
 */
import { Queue, Worker, type QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRewardSpec } from '../../src/open-reward.js';
import type { ChunkJob, ChunkResult } from '../../src/queue/chunk-job.js';
import { createChunkPlanner, type InputLine } from '../../src/queue/chunk-planner.js';
import { runKeys } from '../../src/queue/queue-keys.js';
import { QueuedRun, type QueuedLine } from '../../src/queue/queued-run.js';
import { describeRun } from '../../src/queue/run-description.js';
import { createReward } from '../../src/reward.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
}, 30_000);
afterAll(async () => {
  await server?.stop();
});

/** The input as `score` reads it (one line at a time); `read` counts the lines handed out. */
async function* rows(count: number, read = { lines: 0 }): AsyncGenerator<InputLine> {
  for (let line = 1; line <= count; line++) {
    await Promise.resolve();
    read.lines = line;
    yield { line, value: { id: `row-${line}`, prompt: 'Pick a number.', response: `answer ${line}` } };
  }
}

/** What a worker stores for a chunk: one fixed result line per row. */
function resultOf(job: ChunkJob): ChunkResult {
  const line = (row: ChunkJob['rows'][number]) =>
    JSON.stringify({ line: row.line, id: `row-${row.line}`, reward: 0.5, flags: [], metrics: {}, components: [] });
  return { lines: job.rows.map(line) };
}

/** A producer's run of the contract-review spec (its judge is never called: the test's worker stores results) in chunks of 2. */
function openRun(queueName: string, chunksAhead: number): Promise<QueuedRun> {
  const { spec } = loadRewardSpec({
    spec: 'examples/contract-review/spec.yaml',
    judge: 'openai-compatible:fake',
    judgeBaseUrl: 'http://127.0.0.1:9/v1',
  });
  const planner = createChunkPlanner(createReward(spec), { chunkSize: 2, window: 16 });
  const description = describeRun(spec, { cache: false, preflight: false }, 'producer:1');
  return QueuedRun.open({ url: server.url, queueName, chunksAhead, description, planner });
}

describe('QueuedRun stopped (Ctrl-C)', () => {
  it('a chunk that completed after its last check is written (its lines), not removed with the untaken chunks', async () => {
    const queueName = 'h6-stop';
    const run = await openRun(queueName, 4);
    // no completion notice reaches the producer: only its next poll (2 s) would see the chunk finish
    await (run as unknown as { events: QueueEvents }).events.close();
    const redis = new Redis(server.url);
    const worker = new Worker<ChunkJob>(
      queueName,
      async (job) => {
        await redis.set(runKeys(queueName, job.data.run).result(job.data.index), JSON.stringify(resultOf(job.data)), 'EX', 60);
        return { rows: job.data.rows.length };
      },
      { connection: { url: server.url } },
    );
    worker.on('completed', () => run.interrupt());
    const written: QueuedLine[] = [];
    try {
      for await (const outcome of run.results(rows(2))) written.push(outcome);
    } finally {
      await worker.close();
      await run.close();
      redis.disconnect();
    }
    expect(written).toEqual([
      { line: 1, result: { id: 'row-1', reward: 0.5, flags: [], metrics: {}, components: [] }, error: null },
      { line: 2, result: { id: 'row-2', reward: 0.5, flags: [], metrics: {}, components: [] }, error: null },
    ]);
    const queue = new Queue(queueName, { connection: { url: server.url } });
    const counts = await queue.getJobCounts();
    await queue.close();
    expect([Object.values(counts).reduce((sum, count) => sum + count, 0), server.cli('--scan', '--pattern', 'rewardkit:queue:*')]).toEqual([
      0,
      '',
    ]);
  }, 30_000);
});

describe('QueuedRun back-pressure (--chunks-ahead)', () => {
  it('enqueues at most chunksAhead chunks not yet written and stops reading the input meanwhile; writes every line in order', async () => {
    const queueName = 'h6-ahead';
    const run = await openRun(queueName, 3);
    const queue = new Queue(queueName, { connection: { url: server.url } });
    const redis = new Redis(server.url);
    const read = { lines: 0 };
    const written: number[] = [];
    const writing = (async () => {
      for await (const outcome of run.results(rows(40, read))) written.push(outcome.line);
    })();
    let worker: Worker<ChunkJob> | undefined;
    try {
      // no worker yet: three chunks of two rows wait in the queue, and the producer reads no further than it must
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await queue.getJobCounts('waiting', 'active', 'completed')).toEqual({ waiting: 3, active: 0, completed: 0 });
      expect(read.lines).toBe(6);
      // a worker: however the chunks flow, never more than three of the run are in the queue at once
      let most = 0;
      worker = new Worker<ChunkJob>(
        queueName,
        async (job) => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
          most = Math.max(most, counts.waiting! + counts.active! + counts.delayed!);
          await redis.set(runKeys(queueName, job.data.run).result(job.data.index), JSON.stringify(resultOf(job.data)), 'EX', 60);
          return { rows: job.data.rows.length };
        },
        { connection: { url: server.url }, concurrency: 2 },
      );
      await writing;
      expect(written).toEqual(Array.from({ length: 40 }, (_unused, n) => n + 1));
      expect(most).toBeGreaterThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(3);
    } finally {
      await worker?.close();
      await run.close();
      await queue.close();
      redis.disconnect();
    }
  }, 30_000);
});

describe('QueuedRun reading a chunk result', () => {
  it('a result line that is not JSON stops the run with the chunk named, after writing the lines before it', async () => {
    const queueName = 'h6-bad-line';
    const run = await openRun(queueName, 4);
    const redis = new Redis(server.url);
    const worker = new Worker<ChunkJob>(
      queueName,
      async (job) => {
        const result = resultOf(job.data);
        // the second chunk's first line is cut short
        if (job.data.index === 1) result.lines[0] = result.lines[0]!.slice(0, 20);
        await redis.set(runKeys(queueName, job.data.run).result(job.data.index), JSON.stringify(result), 'EX', 60);
        return { rows: job.data.rows.length };
      },
      { connection: { url: server.url } },
    );
    const written: number[] = [];
    try {
      for await (const outcome of run.results(rows(6))) written.push(outcome.line);
    } finally {
      await worker.close();
      await run.close();
      redis.disconnect();
    }
    expect(written).toEqual([1, 2]);
    expect([run.failure?.kind, run.failure?.message]).toEqual([
      'chunk_failed',
      'the result of chunk 1 (input lines 3–4) has a malformed line 1 (expected input line 3)',
    ]);
  }, 30_000);
});
