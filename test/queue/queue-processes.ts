/**
 * The processes of a queued run in tests: `rewardkit worker` and `rewardkit score --queue` as real child processes of
 * the CLI (so a test can SIGKILL or SIGINT them), their stderr captured, and what a test reads back: output lines with
 * the measured latencies taken out (the only bytes two runs of the same rows may differ in), and what is left of a run
 * in Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Queue } from 'bullmq';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  exited: Promise<Exit>;
}

/** Starts `rewardkit ARGS` (src/cli/bin.ts under tsx) with stderr captured. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, stderr: () => stderr, exited };
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface WorkerProcess extends CliProcess {
  /** Chunks this worker finished (its "chunk … rows in … s" lines). */
  chunksDone(): number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<Exit>;
}

/** Starts a worker with short lock and stalled-check times (2 s, 1 s), no cache unless `extra` gives one, and waits until it takes chunks. */
export async function startWorker(redisUrl: string, queueName: string, ...extra: string[]): Promise<WorkerProcess> {
  const worker = spawnCli([
    'worker',
    '--queue',
    redisUrl,
    '--queue-name',
    queueName,
    ...(extra.includes('--cache') ? [] : ['--no-cache']),
    '--lock-duration-ms',
    '2000',
    '--stalled-interval-ms',
    '1000',
    ...extra,
  ]);
  await Promise.race([
    waitFor('the worker to start', () => worker.stderr().includes('taking chunks from queue')),
    worker.exited.then((exit) => {
      throw new Error(`the worker exited (${exit.code ?? exit.signal}): ${exit.stderr}`);
    }),
  ]);
  return {
    ...worker,
    chunksDone: () => worker.stderr().match(/: chunk \S+: \d+ rows in /g)?.length ?? 0,
    stop: async () => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
      return worker.exited;
    },
  };
}

/** The output lines as written (without the newline). */
export function outputLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** The output lines with every measured latency (`latency_ms` of a call, `judge_latency_ms` of a row) set to 0. */
export function withoutLatencies(path: string): string[] {
  return outputLines(path).map((line) =>
    JSON.stringify(JSON.parse(line, (key, value: unknown) => (key === 'latency_ms' || key === 'judge_latency_ms' ? 0 : value))),
  );
}

/** The `line` numbers of an output, in file order. */
export function lineNumbers(path: string): number[] {
  return outputLines(path).map((line) => (JSON.parse(line) as { line: number }).line);
}

/** stderr of a score run without what depends on the run (the queue's "score: run …" line, the wall time, the progress of --resume). */
export function comparableStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('score: run ') && !line.startsWith('wall time'))
    .join('\n');
}

/** What is left of a queue in Redis: BullMQ's job counts (every state) and rewardkit's own keys of the queue. */
export async function leftInRedis(
  redisUrl: string,
  queueName: string,
  keys: (pattern: string) => string[],
): Promise<{ jobs: number; keys: string[] }> {
  const queue = new Queue(queueName, { connection: { url: redisUrl } });
  try {
    const counts = await queue.getJobCounts();
    return { jobs: Object.values(counts).reduce((sum, count) => sum + count, 0), keys: keys(`rewardkit:queue:${queueName}:*`) };
  } finally {
    await queue.close();
  }
}
