/**
 * The scale-out load check (issue 14): three real `rewardkit serve` replicas, each `--concurrency 32`, share one
 * `requests_per_minute: 600` budget through a real Redis while a driver keeps each of them busy with far more rows
 * than the budget allows, for REWARDKIT_LOAD_CHECK_S seconds (default 120). The fake judge records when each call
 * arrives: in every sliding 60 s window it sees at most 600 + the bucket's burst (10 s worth: 100) calls — and the
 * budget is really used (a window holds at least 600). Then the same replicas without Redis, for a third of the time:
 * each spends a budget of its own, so the judge sees three times the calls of the shared run over the same span.
 * CPU-light: the judge answers at once, and the rows wait for the budget (10 calls a second in all).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeJudge, type FakeJudge } from '../support/fake-judge-server.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { qaJudge } from '../serve/support/qa-judge.js';
import { spawnServer, type SpawnedServer } from '../serve/support/spawned-server.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_S = Number(process.env.REWARDKIT_LOAD_CHECK_S ?? 120);
const REPLICAS = 3;
const RPM = 600;
const BURST = RPM / 6;
/** Requests each replica has in flight at all times, and rows per request: far beyond what the budget lets through. */
const REQUESTS_IN_FLIGHT = 2;
const ROWS_PER_REQUEST = 16;

/** The qa fixture spec with its judge model budgeted at 600 RPM. */
function budgetedSpec(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rewardkit-load-check-'));
  const path = join(dir, 'spec.yaml');
  const spec = readFileSync('test/serve/fixtures/qa-spec.yaml', 'utf8').replace(
    '  timeout_ms: 10000\n',
    `  timeout_ms: 10000\n  requests_per_minute: ${RPM}\n`,
  );
  expect(spec).toContain(`requests_per_minute: ${RPM}`);
  writeFileSync(path, spec);
  return path;
}

/** The most arrivals in any window of `windowMs` (arrival times sorted). */
function mostInWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

const running: SpawnedServer[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const server of running.splice(0)) server.process.kill('SIGKILL');
  for (const stop of stops.splice(0)) await stop();
});

/** Starts the replicas, drives them for `seconds`, stops them; the judge's arrival times (ms from the first). */
async function drive(judge: FakeJudge, spec: string, redis: RedisServer | undefined, seconds: number): Promise<number[]> {
  judge.requests.length = 0;
  const flags = ['--spec', spec, '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url, '--no-preflight'];
  const replicas = await Promise.all(
    Array.from({ length: REPLICAS }, () =>
      spawnServer([
        ...flags,
        '--concurrency',
        '32',
        '--log-level',
        'warn',
        '--deadline-ms',
        '60000',
        ...(redis ? ['--redis', redis.url] : []),
      ]),
    ),
  );
  running.push(...replicas);
  let next = 0;
  let stopping = false;
  const drivers = replicas.flatMap((replica) =>
    Array.from({ length: REQUESTS_IN_FLIGHT }, async () => {
      while (!stopping) {
        const rows = Array.from({ length: ROWS_PER_REQUEST }, () => {
          const n = next++;
          return { id: `r${n}`, prompt: `What is ${n} + 1?`, response: `It is ${n + 1}`, reference: String(n + 1) };
        });
        try {
          await fetch(`${replica.url}/v1/score`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ rows, components: false }),
          }).then((response) => response.arrayBuffer());
        } catch {
          // the replica was stopped with this request in flight
        }
      }
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  stopping = true;
  for (const replica of replicas) replica.process.kill('SIGKILL');
  await Promise.all(drivers);
  running.length = 0;
  const times = judge.requests.map((request) => request.receivedAt).sort((a, b) => a - b);
  return times.map((time) => time - times[0]!);
}

describe('three serve replicas sharing one 600 RPM budget through Redis', () => {
  it(
    `the judge sees at most 600 + ${BURST} calls in any 60 s window; without Redis, three times as many`,
    async () => {
      const qa = qaJudge();
      const judge = await startFakeJudge(qa.script);
      const redis = await startRedisServer();
      stops.push(
        () => judge.close(),
        () => redis.stop(),
      );
      const spec = budgetedSpec();

      const shared = await drive(judge, spec, redis, RUN_S);
      const window = Math.min(60_000, RUN_S * 1000);
      const most = mostInWindow(shared, window);
      const allowed = BURST + (RPM * window) / 60_000;
      // the documented bound: the burst plus a minute's budget. +2: the window is measured on arrival at the judge, and
      // a call's way from Redis (where the budget is taken) to the judge varies by some milliseconds
      expect(most).toBeLessThanOrEqual(allowed + 2);
      // driven hard: the budget is used to the full
      expect(most).toBeGreaterThanOrEqual(allowed * 0.95);

      const shortS = Math.max(10, Math.round(RUN_S / 6));
      const alone = await drive(judge, spec, undefined, shortS);
      const span = (shortS - 3) * 1000; // the replicas start a little apart: compare the same span from the first call
      const sharedInSpan = shared.filter((time) => time < span).length;
      const aloneInSpan = alone.filter((time) => time < span).length;
      expect(sharedInSpan).toBeLessThanOrEqual(BURST + (RPM * span) / 60_000 + 2);
      expect(aloneInSpan / sharedInSpan).toBeGreaterThan(2.5);
      expect(aloneInSpan / sharedInSpan).toBeLessThanOrEqual(3.05);
      process.stderr.write(
        `load check: shared budget — most calls in any ${window / 1000} s window ${most} (bound ${allowed}); ` +
          `first ${span / 1000} s: ${sharedInSpan} shared vs ${aloneInSpan} without Redis (${(aloneInSpan / sharedInSpan).toFixed(2)}×)\n`,
      );
    },
    (RUN_S + Math.max(10, Math.round(RUN_S / 6)) + 90) * 1000,
  );
});
