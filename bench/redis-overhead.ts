/**
 * The `redis` scenario of `npm run bench`, in its own process: what sharing through Redis adds to one judge call, on
 * loopback against a real redis-server started here. An in-process judge model (no HTTP) is called through
 * ModelScheduler ≥ 10,000 times — each call a new request, accepted as a verdict — once without Redis and once with
 * it, where each call does everything a shared call does: the shared cache lookup and the cross-process lease (one
 * script), the shared RPM/TPM take (one script), a `shared_concurrency` lease (one script), and afterwards, off the
 * call's path, the lease given back (ZREM) and the verdict stored with its lease dropped (one script). The overhead per
 * call is the difference of the two latency distributions (p50/p99):
 *   sequential   one call at a time, the model answering at once (the added latency itself);
 *   concurrent   32 calls at a time, the model answering after 50 ms (a served replica's load: ~640 calls/s);
 * beside one Redis round trip alone (PING, the floor), the Redis operations of a call alone (no scheduler), the calls
 * per second, and this process's CPU time per call.
 * Prints one `BENCH {…}` line on stderr (bench/run.ts reads it).
 *   node --import tsx bench/redis-overhead.ts --calls 10000 --concurrency 32 --latency-ms 50
 */
import { parseArgs } from 'node:util';
import type { JudgeModel, JudgeReply, JudgeRequest } from '../src/models/judge-model.js';
import { ModelScheduler } from '../src/runtime/model-scheduler.js';
import { SharedState } from '../src/runtime/shared/shared-state.js';
import { ModelSpecSchema } from '../src/spec/schema.js';
import { startRedisServer } from '../test/support/redis-server.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    'latency-ms': { type: 'string', default: '50' },
  },
});
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const LATENCY_MS = Number(values['latency-ms']);

const spec = ModelSpecSchema.parse({
  provider: 'openai-compatible',
  model: 'bench',
  base_url: 'http://127.0.0.1:9/v1',
  concurrency: 64,
  // budgets and a cap that never bind: every call pays for asking, none waits
  requests_per_minute: 100_000_000,
  tokens_per_minute: 100_000_000_000,
  shared_concurrency: 10_000,
  max_retries: 0,
});
const REPLY: JudgeReply = {
  text: '{"criteria": {"ok": {"rationale": "fine", "pass": true}}}',
  finishReason: 'stop',
  usage: { input_tokens: 200, output_tokens: 20 },
};
/** A judge model answering after `latencyMs` (at once for 0), in process. */
function modelAnsweringIn(latencyMs: number): JudgeModel {
  return {
    key: 'bench',
    spec,
    generate: async (_request, _signal, options) => {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      void options?.onResponseArrived?.();
      return REPLY;
    },
  };
}

let run = 0;
/** `calls` calls, `concurrency` at a time; each call's latency in milliseconds, and this process's CPU time. */
async function measure(
  scheduler: ModelScheduler,
  calls: number,
  concurrency: number,
): Promise<{ latencies: number[]; cpuMs: number; wallMs: number }> {
  const prefix = `run ${++run}`;
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < calls; index = next++) {
        const request: JudgeRequest = {
          system: 'You judge answers.',
          user: `${prefix}: question ${index}, answer ${index * 7}`,
          templateVersion: 'b',
        };
        const callStarted = performance.now();
        const call = await scheduler.call(request);
        latencies.push(performance.now() - callStarted);
        if (!call.ok || call.source !== 'model') throw new Error(`call ${index}: ${call.ok ? call.source : call.error.message}`);
        call.accept();
      }
    }),
  );
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { latencies: latencies.sort((a, b) => a - b), cpuMs: (used.user + used.system) / 1000, wallMs };
}

/**
 * The Redis work of one shared call alone, as the scheduler does it, one call after another: the cache lookup and
 * lease (one script), the budget take, the shared_concurrency lease (when `withLease`: a model with budgets only has
 * none), then the lease given back and the verdict stored (sent without waiting: their cost lands on the next call's
 * first round trip, as it would in a process).
 */
async function redisOperationsPerCall(
  state: SharedState,
  calls: number,
  withLease: boolean,
): Promise<{ p50_ms: number; p99_ms: number; cpu_ms_per_call: number }> {
  const model = state.forModel(spec, 'bench-operations');
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  for (let index = 0; index < calls; index++) {
    const started = performance.now();
    const claim = await model.inflight.claim(`operations ${++run}-${index}`);
    await model.budget!.take(300);
    const release = withLease ? await model.concurrency!.acquire() : () => {};
    latencies.push(performance.now() - started);
    release();
    if (claim.kind !== 'holder') throw new Error(`call ${index}: expected to hold the lease, got ${claim.kind}`);
    claim.lease.complete(REPLY);
  }
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    p50_ms: round3(percentile(latencies, 50)),
    p99_ms: round3(percentile(latencies, 99)),
    cpu_ms_per_call: round3((used.user + used.system) / 1000 / calls),
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

const redis = await startRedisServer();
const shared = await SharedState.open({ url: redis.url, prefix: 'bench', log: (_level, line) => process.stderr.write(`${line}\n`) });
try {
  await redisOperationsPerCall(shared, 500, true); // warm-up: the scripts loaded into Redis, JIT
  const pings: number[] = [];
  for (let index = 0; index < CALLS; index++) {
    const started = performance.now();
    await shared.link.client.ping();
    pings.push(performance.now() - started);
  }
  pings.sort((a, b) => a - b);
  const roundTrip = { p50_ms: round3(percentile(pings, 50)), p99_ms: round3(percentile(pings, 99)) };
  const operations = {
    budgets_and_lease: await redisOperationsPerCall(shared, CALLS, true),
    budgets_only: await redisOperationsPerCall(shared, CALLS, false),
  };
  const scenarios = [];
  for (const [name, concurrency, latencyMs] of [
    ['sequential', 1, 0],
    ['concurrent', CONCURRENCY, LATENCY_MS],
  ] as const) {
    const model = modelAnsweringIn(latencyMs);
    const local = new ModelScheduler(spec, 'bench-local', () => model);
    const withRedis = new ModelScheduler(spec, 'bench-redis', () => model, { shared });
    // warm-up: JIT, the scripts loaded into Redis, the connection
    await measure(local, 500, concurrency);
    await measure(withRedis, 500, concurrency);
    const without = await measure(local, CALLS, concurrency);
    const through = await measure(withRedis, CALLS, concurrency);
    const at = (p: number) => ({
      without_ms: round3(percentile(without.latencies, p)),
      with_redis_ms: round3(percentile(through.latencies, p)),
      overhead_ms: round3(percentile(through.latencies, p) - percentile(without.latencies, p)),
    });
    scenarios.push({
      scenario: name,
      concurrency,
      model_latency_ms: latencyMs,
      calls: CALLS,
      p50: at(50),
      p99: at(99),
      cpu_ms_per_call: { without: round3(without.cpuMs / CALLS), with_redis: round3(through.cpuMs / CALLS) },
      calls_per_s: { without: Math.round(CALLS / (without.wallMs / 1000)), with_redis: Math.round(CALLS / (through.wallMs / 1000)) },
    });
  }
  const stats = shared.stats();
  const fallbacks = Object.values(stats.fallbacks).reduce((sum, count) => sum + count, 0);
  if (fallbacks > 0) throw new Error(`${fallbacks} shared operations fell back to the local path: the figures would not measure Redis`);
  const version = /redis_version:(\S+)/.exec(redis.cli('INFO', 'server'))?.[1];
  process.stderr.write(`BENCH ${JSON.stringify({ redis: version, round_trip: roundTrip, operations, scenarios })}\n`);
} finally {
  shared.close();
  await redis.stop();
}
