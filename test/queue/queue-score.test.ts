/**
 * `rewardkit score --queue` with real `rewardkit worker` processes on a real redis-server, against the fake judge:
 * the output equals a local run's byte for byte (from the cache; fresh runs differ only in measured latencies), bad
 * input lines are reported and written as locally, a group judge's groups stay whole in one chunk (and are cut and
 * flagged as locally), a worker killed mid-chunk loses nothing, Redis restarted empty loses nothing (the producer
 * enqueues its chunks again), a run key missing for a while is waited for, a killed producer continues with --resume, Ctrl-C
 * exits 130 and leaves nothing of the run in Redis, and a chunk a worker cannot score stops the run with its reason.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/closed-port.js';
import type { FakeReply, FakeRequest } from '../support/fake-judge-server.js';
import { groupJudgeReply, groupRollouts } from '../support/group-judge.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { criteriaVerdict } from '../support/test-spec.js';
import { runCli } from '../support/run-cli.js';
import { useFakeJudge } from '../support/use-fake-judge.js';
import {
  comparableStderr,
  leftInRedis,
  lineNumbers,
  outputLines,
  spawnCli,
  startWorker,
  waitFor,
  withoutLatencies,
  type WorkerProcess,
} from './queue-processes.js';

/** Milliseconds each judge call takes (a test makes the judge slow so a kill lands mid-chunk). */
let judgeDelayMs = 0;
/** When set, every judge call is answered with this HTTP status. */
let judgeStatus: number | undefined;
/** Group calls: each rollout scored by its number; rubric calls: `even` passes when the response's number is even. */
const answer = (request: FakeRequest): FakeReply => {
  if (judgeStatus !== undefined) return { status: judgeStatus, body: { error: { message: 'scripted failure' } } };
  if (groupRollouts(request.user).length > 0) {
    return { ...groupJudgeReply(request, { scoreOf: (text) => Number(/\d+/.exec(text)?.[0] ?? 0) }), delayMs: judgeDelayMs };
  }
  const number = Number(/answer (\d+)/.exec(request.user)?.[1] ?? 1);
  return { content: criteriaVerdict({ even: number % 2 === 0 }), delayMs: judgeDelayMs };
};
const judge = useFakeJudge(answer);

let redis: RedisServer;
let dir: string;
let rubricSpec: string;
let groupSpec: string;
let queueNumber = 0;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-h4-queue-'));
  rubricSpec = join(dir, 'rubric.yaml');
  writeFileSync(rubricSpec, 'judges:\n  - {type: rubric, name: quality, criteria: [{id: even, description: an even number}]}\n');
  groupSpec = join(dir, 'group.yaml');
  writeFileSync(groupSpec, 'judges:\n  - {type: group, name: rank, criteria: The larger number is better.}\n');
}, 30_000);

afterEach(() => {
  judgeDelayMs = 0; // a test that slows the judge down does not slow the next
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
});

/** A queue of its own for each test (so no test sees another's jobs). */
const newQueue = () => `h4-test-${++queueNumber}`;
const fakeJudge = () => ['--judge', 'openai-compatible:fake', '--judge-base-url', judge.url];
const keys = (pattern: string) => redis.cli('--scan', '--pattern', pattern).split('\n').filter(Boolean);

async function workersOn(queueName: string, count: number, ...extra: string[]): Promise<WorkerProcess[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startWorker(redis.url, queueName, ...extra)));
  workers.push(...started);
  return started;
}

function writeRows(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const plainRows = (count: number, from = 1) =>
  Array.from({ length: count }, (_unused, index) =>
    JSON.stringify({ id: `row-${from + index}`, prompt: 'Pick a number.', response: `answer ${from + index}` }),
  );

/** `rewardkit score` in a process of its own (to be killed or interrupted). */
function score(spec: string, input: string, output: string, ...extra: string[]) {
  return spawnCli(['score', '--spec', spec, '--input', input, '--output', output, '--concurrency', '4', ...fakeJudge(), ...extra]);
}

/** The rows the judge was asked about, in the order asked (each call names its row's answer). */
const askedRows = () => judge.requests.map((request) => Number(/answer (\d+)/.exec(request.user)![1]));

/**
 * `rows` plain rows scored locally, then queued in chunks of 6 with one worker taking one chunk at a time and a slow
 * judge (150 ms a call): returns once that worker's first chunk is half judged (the judge's requests count from there).
 */
async function oneWorkerMidFirstChunk(name: string, rows: number) {
  const queueName = newQueue();
  const input = writeRows(`${name}.jsonl`, plainRows(rows));
  const output = join(dir, `${name}-out.jsonl`);
  const localOutput = join(dir, `${name}-local.jsonl`);
  judgeDelayMs = 150;
  const local = await scoreHere(rubricSpec, input, localOutput, '--no-cache');
  judge.requests.length = 0;
  const [worker] = await workersOn(queueName, 1, '--concurrency', '1');
  const producer = score(rubricSpec, input, output, '--no-cache', '--queue', redis.url, '--queue-name', queueName, '--chunk-size', '6');
  await waitFor('the first chunk to be half judged', () => judge.requests.length >= 2);
  return { queueName, worker: worker!, producer, output, localOutput, local };
}

/** `rewardkit score` in this process (as a user runs it, stdout and stderr captured): for runs nobody stops. */
function scoreHere(spec: string, input: string, output: string, ...extra: string[]) {
  return runCli('score', '--spec', spec, '--input', input, '--output', output, '--concurrency', '4', ...fakeJudge(), ...extra);
}

describe('score --queue', () => {
  it('two workers write what a local run writes: byte for byte from the cache, and fresh up to the measured latencies', async () => {
    const queueName = newQueue();
    const cache = join(dir, 'cache.sqlite');
    const [first, second] = await workersOn(queueName, 2, '--cache', cache);
    // 40 rows, a line that is not JSON, a row with no response field and a blank line
    const rows = plainRows(40);
    rows.splice(7, 0, '{"id": "broken", "prompt": ');
    rows.splice(20, 0, JSON.stringify({ id: 'no-response', prompt: 'Pick a number.' }));
    rows.splice(30, 0, '');
    const input = writeRows('mixed.jsonl', rows);

    const local = await scoreHere(rubricSpec, input, join(dir, 'local.jsonl'), '--no-cache');
    const queued = await scoreHere(
      rubricSpec,
      input,
      join(dir, 'queued.jsonl'),
      '--no-cache',
      '--queue',
      redis.url,
      '--queue-name',
      queueName,
      '--chunk-size',
      '4',
    );
    expect([local.code, queued.code]).toEqual([6, 6]); // finished, two lines were not readable rows
    expect(withoutLatencies(join(dir, 'queued.jsonl'))).toEqual(withoutLatencies(join(dir, 'local.jsonl')));
    expect(lineNumbers(join(dir, 'queued.jsonl'))).toEqual([
      ...Array.from({ length: 30 }, (_u, i) => i + 1),
      ...Array.from({ length: 12 }, (_u, i) => i + 32),
    ]);
    expect(comparableStderr(queued.stderr)).toBe(comparableStderr(local.stderr));
    expect(queued.stderr).toContain('line 8 is not valid JSON');
    expect(queued.stderr).toMatch(/^score: run [0-9a-f-]{36} on queue h4-test-\d+ at redis:\/\/127\.0\.0\.1:\d+, chunks of up to 4 rows\n/);
    expect([first!.chunksDone() > 0, second!.chunksDone() > 0, first!.chunksDone() + second!.chunksDone()]).toEqual([true, true, 11]);

    // from the cache, every judge call is answered with latency 0: the two outputs are equal byte for byte
    await scoreHere(rubricSpec, input, join(dir, 'fill.jsonl'), '--cache', cache);
    judge.requests.length = 0;
    const cachedLocal = await scoreHere(rubricSpec, input, join(dir, 'cached-local.jsonl'), '--cache', cache);
    const cachedQueued = await scoreHere(
      rubricSpec,
      input,
      join(dir, 'cached-queued.jsonl'),
      '--queue',
      redis.url,
      '--queue-name',
      queueName,
    );
    expect([cachedLocal.code, cachedQueued.code, judge.requests.length]).toEqual([6, 6, 0]);
    expect(outputLines(join(dir, 'cached-queued.jsonl'))).toEqual(outputLines(join(dir, 'cached-local.jsonl')));
    expect(await leftInRedis(redis.url, queueName, keys)).toEqual({ jobs: 0, keys: [] });
  }, 120_000);

  it('a worker killed with SIGKILL mid-chunk: its chunk goes to another worker, every row is written once, as locally', async () => {
    const { queueName, worker: doomed, producer, output, localOutput, local } = await oneWorkerMidFirstChunk('kill-worker', 24);
    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300)); // calls sent before the kill have arrived
    const beforeKill = judge.requests.length;
    const [rescuer] = await workersOn(queueName, 1, '--concurrency', '2');
    const done = await producer.exited;
    expect([local.code, done.code]).toEqual([0, 0]);
    expect(lineNumbers(output)).toEqual(Array.from({ length: 24 }, (_unused, index) => index + 1));
    expect(withoutLatencies(output)).toEqual(withoutLatencies(localOutput));
    // the dead worker's calls were all for chunk 0 (rows 1–6); the rescuer judged chunk 0 again, then the rest once
    const asked = askedRows();
    expect(asked.slice(0, beforeKill).every((row) => row <= 6)).toBe(true);
    expect(asked.slice(beforeKill).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_unused, index) => index + 1));
    expect(rescuer!.stderr()).toMatch(/: chunk [0-9a-f-]{36}-0: 6 rows in /);
  }, 120_000);

  it('a worker stopped with SIGTERM mid-chunk finishes that chunk, exits 0, and another worker scores the rest: every row once', async () => {
    const { queueName, worker: leaving, producer, output, localOutput, local } = await oneWorkerMidFirstChunk('term-worker', 18);
    leaving.child.kill('SIGTERM');
    expect((await leaving.exited).code).toBe(0);
    // it finished the chunk it had (its six rows judged once) and took no other
    expect(leaving.stderr()).toMatch(
      /SIGTERM: finishing the chunks in flight \(again to quit now\)\n.*: chunk [0-9a-f-]{36}-0: 6 rows in .*\n.*stopped\n$/s,
    );
    expect(leaving.chunksDone()).toBe(1);
    const [rest] = await workersOn(queueName, 1, '--concurrency', '2');
    const done = await producer.exited;
    expect([local.code, done.code]).toEqual([0, 0]);
    expect(withoutLatencies(output)).toEqual(withoutLatencies(localOutput));
    expect(rest!.chunksDone()).toBe(2);
    expect(askedRows().sort((a, b) => a - b)).toEqual(Array.from({ length: 18 }, (_unused, index) => index + 1));
  }, 120_000);

  it('a producer killed with SIGKILL continues with --resume: every row once, in order', async () => {
    const queueName = newQueue();
    const input = writeRows('kill-producer.jsonl', plainRows(60));
    const output = join(dir, 'kill-producer-out.jsonl');
    judgeDelayMs = 40;
    try {
      await workersOn(queueName, 2, '--concurrency', '1');
      const local = await scoreHere(rubricSpec, input, join(dir, 'kill-producer-local.jsonl'), '--no-cache');
      const queue = ['--no-cache', '--queue', redis.url, '--queue-name', queueName, '--chunk-size', '4'];
      const producer = score(rubricSpec, input, output, ...queue);
      await waitFor('8 lines written', () => outputLines(output).length >= 8);
      producer.child.kill('SIGKILL');
      expect((await producer.exited).signal).toBe('SIGKILL');
      const written = lineNumbers(output).length;
      expect(written).toBeLessThan(60);

      const resumed = await scoreHere(rubricSpec, input, output, ...queue, '--resume');
      expect([local.code, resumed.code]).toEqual([0, 0]);
      expect(resumed.stderr).toContain(`resumed after input line ${written}\n`);
      expect(lineNumbers(output)).toEqual(Array.from({ length: 60 }, (_unused, index) => index + 1));
      expect(withoutLatencies(output)).toEqual(withoutLatencies(join(dir, 'kill-producer-local.jsonl')));
    } finally {
      judgeDelayMs = 0;
    }
  }, 120_000);

  it('Redis paused for 3 s mid-run (it answers nothing): producer and workers wait for it; every row once, as locally', async () => {
    const queueName = newQueue();
    const input = writeRows('pause.jsonl', plainRows(40));
    const output = join(dir, 'pause-out.jsonl');
    judgeDelayMs = 30;
    try {
      await workersOn(queueName, 2, '--concurrency', '1');
      const local = await scoreHere(rubricSpec, input, join(dir, 'pause-local.jsonl'), '--no-cache');
      const producer = score(rubricSpec, input, output, '--no-cache', '--queue', redis.url, '--queue-name', queueName, '--chunk-size', '4');
      await waitFor('4 lines written', () => outputLines(output).length >= 4);
      redis.pause();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      redis.resume();
      const done = await producer.exited;
      expect([local.code, done.code]).toEqual([0, 0]);
      expect(lineNumbers(output)).toEqual(Array.from({ length: 40 }, (_unused, index) => index + 1));
      expect(withoutLatencies(output)).toEqual(withoutLatencies(join(dir, 'pause-local.jsonl')));
      expect(await leftInRedis(redis.url, queueName, keys)).toEqual({ jobs: 0, keys: [] });
    } finally {
      redis.resume();
      judgeDelayMs = 0;
    }
  }, 120_000);

  it('Redis restarted empty mid-run (no persistence): the producer enqueues the lost chunks again; every row once, as locally', async () => {
    const queueName = newQueue();
    const input = writeRows('restart.jsonl', plainRows(40));
    const output = join(dir, 'restart-out.jsonl');
    judgeDelayMs = 300; // ≥ 1.5 s of chunks left when Redis goes
    try {
      await workersOn(queueName, 2, '--concurrency', '1');
      const local = await scoreHere(rubricSpec, input, join(dir, 'restart-local.jsonl'), '--no-cache');
      const producer = score(rubricSpec, input, output, '--no-cache', '--queue', redis.url, '--queue-name', queueName, '--chunk-size', '4');
      await waitFor('4 lines written', () => outputLines(output).length >= 4);
      await redis.kill();
      await redis.restart();
      const done = await producer.exited;
      expect([local.code, done.code]).toEqual([0, 0]);
      expect(done.stderr).toMatch(
        /\nscore --queue: chunk \d+ \(input lines \d+–\d+\) was lost from Redis \(restarted without persistence\?\): enqueued again\n/,
      );
      expect(lineNumbers(output)).toEqual(Array.from({ length: 40 }, (_unused, index) => index + 1));
      expect(withoutLatencies(output)).toEqual(withoutLatencies(join(dir, 'restart-local.jsonl')));
      expect(await leftInRedis(redis.url, queueName, keys)).toEqual({ jobs: 0, keys: [] });
    } finally {
      judgeDelayMs = 0;
    }
  }, 120_000);

  it('the run key missing for 1.5 s (Redis away longer than its lifetime): workers wait for the heartbeat; every row once', async () => {
    const queueName = newQueue();
    const input = writeRows('runkey.jsonl', plainRows(40));
    const output = join(dir, 'runkey-out.jsonl');
    judgeDelayMs = 300; // ≥ 2.5 s of chunks left while the key is deleted
    try {
      await workersOn(queueName, 2, '--concurrency', '1');
      const producer = score(rubricSpec, input, output, '--no-cache', '--queue', redis.url, '--queue-name', queueName, '--chunk-size', '2');
      await waitFor('4 lines written', () => outputLines(output).length >= 4);
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        for (const key of keys(`rewardkit:queue:${queueName}:run:*`)) if (!key.includes(':result:')) redis.cli('DEL', key);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const done = await producer.exited;
      expect([done.code, done.stderr.includes('has no producer any more')]).toEqual([0, false]);
      expect(lineNumbers(output)).toEqual(Array.from({ length: 40 }, (_unused, index) => index + 1));
      expect(await leftInRedis(redis.url, queueName, keys)).toEqual({ jobs: 0, keys: [] });
    } finally {
      judgeDelayMs = 0;
    }
  }, 120_000);

  it('Ctrl-C exits 130 with a clean prefix written and nothing of the run left in Redis; --resume completes it', async () => {
    const queueName = newQueue();
    const input = writeRows('interrupt.jsonl', plainRows(40));
    const output = join(dir, 'interrupt-out.jsonl');
    judgeDelayMs = 200;
    try {
      await workersOn(queueName, 1, '--concurrency', '1');
      const queue = ['--no-cache', '--queue', redis.url, '--queue-name', queueName, '--chunk-size', '2'];
      const producer = score(rubricSpec, input, output, ...queue);
      await waitFor('4 lines written', () => outputLines(output).length >= 4);
      producer.child.kill('SIGINT');
      const stopped = await producer.exited;
      expect(stopped.code).toBe(130);
      expect(stopped.stderr).toContain('interrupted: finishing the rows in flight');
      const partial = lineNumbers(output);
      expect(partial).toEqual(Array.from({ length: partial.length }, (_unused, index) => index + 1));
      expect(partial.length).toBeLessThan(40);
      expect(await leftInRedis(redis.url, queueName, keys)).toEqual({ jobs: 0, keys: [] });

      const resumed = await scoreHere(rubricSpec, input, output, ...queue, '--resume');
      expect(resumed.code).toBe(0);
      expect(lineNumbers(output)).toEqual(Array.from({ length: 40 }, (_unused, index) => index + 1));
    } finally {
      judgeDelayMs = 0;
    }
  }, 120_000);

  it('a judge failing every call: every row written and flagged, exit 9 with the retry command, as locally', async () => {
    const queueName = newQueue();
    await workersOn(queueName, 1);
    const input = writeRows('failing.jsonl', plainRows(6));
    judgeStatus = 400;
    try {
      const local = await scoreHere(rubricSpec, input, join(dir, 'failing-local.jsonl'), '--no-cache', '--no-preflight');
      const queued = await scoreHere(
        rubricSpec,
        input,
        join(dir, 'failing-queued.jsonl'),
        '--no-cache',
        '--no-preflight',
        '--queue',
        redis.url,
        '--queue-name',
        queueName,
      );
      expect([local.code, queued.code]).toEqual([9, 9]);
      expect(queued.stderr).toContain('score: 6 of 6 judge calls failed (100.0%, more than --max-judge-error-rate 0.5): bad_request ×6.');
      expect(withoutLatencies(join(dir, 'failing-queued.jsonl'))).toEqual(withoutLatencies(join(dir, 'failing-local.jsonl')));
      expect(comparableStderr(queued.stderr).replaceAll('failing-queued', 'failing-local')).toBe(comparableStderr(local.stderr));
    } finally {
      judgeStatus = undefined;
    }
  }, 60_000);

  it('a chunk its worker cannot score (the judge is unreachable from it) stops the run with the reason: exit 5, nothing left in Redis', async () => {
    const queueName = newQueue();
    const input = writeRows('unreachable.jsonl', plainRows(8));
    const output = join(dir, 'unreachable-out.jsonl');
    await workersOn(queueName, 1);
    const deadJudge = `http://127.0.0.1:${await closedPort()}/v1`;
    const run = await spawnCli([
      'score',
      '--spec',
      rubricSpec,
      '--input',
      input,
      '--output',
      output,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      deadJudge,
      '--queue',
      redis.url,
      '--queue-name',
      queueName,
      '--chunk-size',
      '4',
    ]).exited;
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      /\nscore --queue: stopped, a chunk failed: chunk [01] \(input lines (1–4|5–8)\): worker [^:]+:\d+: cannot reach the judge:\n {2}- judge openai-compatible:fake@http:\/\/127\.0\.0\.1:\d+\/v1 /,
    );
    expect(run.stderr).toContain(
      'The lines before it are written to ' + output + '; fix the cause, then continue with --resume (same command).\n',
    );
    expect(outputLines(output)).toEqual([]);
    expect(await leftInRedis(redis.url, queueName, keys)).toEqual({ jobs: 0, keys: [] });
  }, 60_000);
});

describe('score --queue with a group judge', () => {
  type Line = { line: number; id: string; reward: number; flags: string[] };
  const groupRows = (rows: Array<[id: string, group: string, number: number]>) =>
    rows.map(([id, group, number]) => JSON.stringify({ id, prompt: `Pick a number for ${group}.`, response: `answer ${number}` }));
  const summary = (path: string) =>
    outputLines(path)
      .map((line) => JSON.parse(line) as Line)
      .map((line) => [line.line, line.id, line.reward, line.flags]);
  const rolloutsPerCall = () => judge.requests.map((request) => groupRollouts(request.user).length).sort();

  it('chunks hold whole groups (even with --chunk-size 2): the same groups, rewards and summary as a local run', async () => {
    const queueName = newQueue();
    await workersOn(queueName, 2);
    const input = writeRows(
      'groups.jsonl',
      groupRows([
        ['a1', 'A', 1],
        ['b1', 'B', 6],
        ['a2', 'A', 4],
        ['c1', 'C', 5],
        ['b2', 'B', 9],
        ['a3', 'A', 2],
        ['c2', 'C', 7],
        ['b3', 'B', 3],
        ['c3', 'C', 8],
      ]),
    );
    const local = await scoreHere(groupSpec, input, join(dir, 'groups-local.jsonl'), '--no-cache');
    const localCalls = rolloutsPerCall();
    judge.requests.length = 0;
    const queued = await scoreHere(
      groupSpec,
      input,
      join(dir, 'groups-queued.jsonl'),
      '--no-cache',
      '--queue',
      redis.url,
      '--queue-name',
      queueName,
      '--chunk-size',
      '2',
    );
    expect([local.code, queued.code]).toEqual([0, 0]);
    expect(rolloutsPerCall()).toEqual([3, 3, 3, 3, 3, 3]); // 3 groups × 2 orders, every call with its whole group
    expect(localCalls).toEqual([3, 3, 3, 3, 3, 3]);
    expect(summary(join(dir, 'groups-queued.jsonl'))).toEqual([
      [1, 'a1', 0.1, []],
      [2, 'b1', 0.6, []],
      [3, 'a2', 0.4, []],
      [4, 'c1', 0.5, []],
      [5, 'b2', 0.9, []],
      [6, 'a3', 0.2, []],
      [7, 'c2', 0.7, []],
      [8, 'b3', 0.3, []],
      [9, 'c3', 0.8, []],
    ]);
    expect(withoutLatencies(join(dir, 'groups-queued.jsonl'))).toEqual(withoutLatencies(join(dir, 'groups-local.jsonl')));
    expect(queued.stderr).toContain('\ngroups: 3 judged (mean size 3), 0 cut by the window (1024 rows)\n');
    expect(comparableStderr(queued.stderr)).toBe(comparableStderr(local.stderr));
  }, 120_000);

  it('a group the window cuts, and one --resume cuts, are cut and flagged group_cut as in a local run', async () => {
    const queueName = newQueue();
    await workersOn(queueName, 1);
    const queue = ['--no-cache', '--queue', redis.url, '--queue-name', queueName, '--chunk-size', '2'];
    const spread = writeRows(
      'spread.jsonl',
      groupRows([
        ['a1', 'A', 7],
        ['a2', 'A', 3],
        ['b1', 'B', 2],
        ['b2', 'B', 8],
        ['c1', 'C', 5],
        ['a3', 'A', 9],
      ]),
    );
    const local = await scoreHere(groupSpec, spread, join(dir, 'spread-local.jsonl'), '--no-cache', '--group-window', '4');
    const queued = await scoreHere(groupSpec, spread, join(dir, 'spread-queued.jsonl'), ...queue, '--group-window', '4');
    expect([local.code, queued.code]).toEqual([0, 0]);
    expect(summary(join(dir, 'spread-queued.jsonl'))).toEqual([
      [1, 'a1', 0.7, []],
      [2, 'a2', 0.3, []],
      [3, 'b1', 0.2, []],
      [4, 'b2', 0.8, []],
      [5, 'c1', 0.5, []],
      [6, 'a3', 0.9, ['group_cut']],
    ]);
    expect(withoutLatencies(join(dir, 'spread-queued.jsonl'))).toEqual(withoutLatencies(join(dir, 'spread-local.jsonl')));
    expect(queued.stderr).toContain(
      '\ngroups: 4 judged (mean size 1.5), 1 cut by the window (4 rows): sort the input by group or raise --group-window\n',
    );

    const resumable = writeRows(
      'resume-groups.jsonl',
      groupRows([
        ['a1', 'A', 4],
        ['a2', 'A', 6],
        ['a3', 'A', 8],
        ['b1', 'B', 5],
      ]),
    );
    for (const [name, extra] of [
      ['resume-local.jsonl', ['--no-cache']],
      ['resume-queued.jsonl', queue],
    ] as const) {
      const output = join(dir, name);
      expect((await scoreHere(groupSpec, resumable, output, ...extra, '--limit', '2')).code).toBe(0);
      const resumed = await scoreHere(groupSpec, resumable, output, ...extra, '--resume');
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toContain('\ngroups: 2 judged (mean size 1), 1 cut by the window (1024 rows)');
    }
    expect(summary(join(dir, 'resume-queued.jsonl'))).toEqual([
      [1, 'a1', 0.4, []],
      [2, 'a2', 0.6, []],
      [3, 'a3', 0.8, ['group_cut']],
      [4, 'b1', 0.5, []],
    ]);
    expect(withoutLatencies(join(dir, 'resume-queued.jsonl'))).toEqual(withoutLatencies(join(dir, 'resume-local.jsonl')));
  }, 120_000);
});

describe('score --queue and worker: usage', () => {
  const input = () => writeRows('usage.jsonl', plainRows(2));
  it.each([
    [
      ['--queue', 'http://127.0.0.1:6379'],
      'score: --queue: expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "http://127.0.0.1:6379"',
    ],
    [
      ['--queue', 'redis://127.0.0.1:6379', '--dry-run'],
      'score: --queue and --dry-run do not go together: a dry run calls no judge, so it needs no worker',
    ],
    [
      ['--queue', 'redis://127.0.0.1:6379', '--cache', 'c.sqlite'],
      'score: --queue scores on the workers: give --cache to "rewardkit worker" (--no-cache and --cache-namespace travel with the run)',
    ],
    [
      ['--queue', 'redis://127.0.0.1:6379', '--queue-name', 'a:b'],
      `score: --queue-name: expected letters, digits, '.', '_' or '-' (at most 100, no ':'), got "a:b"`,
    ],
    [['--chunk-size', '8'], 'score: --chunk-size needs --queue URL'],
  ])('score %j is a usage error', async (extra, message) => {
    const result = await runCli('score', '--spec', rubricSpec, '--input', input(), ...extra);
    expect([result.code, result.stderr]).toEqual([2, `${message}\n`]);
  });

  it('an unreachable queue is a usage error naming it, before any row is read', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const result = await scoreHere(rubricSpec, input(), join(dir, 'never.jsonl'), '--queue', url);
    expect([result.code, result.stderr]).toEqual([
      2,
      `score: cannot reach the queue's Redis at ${url}: connect ECONNREFUSED ${url.slice('redis://'.length)}\n`,
    ]);
  });

  it('worker --help shows its usage and an example; without --queue it is a usage error', async () => {
    const help = await runCli('worker', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rewardkit worker --queue redis:\/\/HOST:6379 \[options\]\n/);
    expect(help.stdout).toContain('rewardkit worker --queue redis://queue.internal:6379 --concurrency 8');
    const missing = await runCli('worker');
    expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([
      2,
      'worker: --queue is required (the Redis of the queue, e.g. redis://127.0.0.1:6379)',
    ]);
  });
});
