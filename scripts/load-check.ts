/**
 * Load check (not a test): bounded load on loopback against a real `rewardkit serve` process whose judge is
 * the in-process fake judge answering at once, to show that the server loses nothing under a steady few
 * hundred requests per second and to measure its own overhead.
 *
 *   npm run load-check                                  # 300 req/s for 60 s, 4 rows per request
 *   npm run load-check -- --duration 10 --rate 200      # shorter
 *   npm run load-check -- --route get_reward            # the OpenRLHF route instead of /v1/score
 *   npm run load-check -- --skip-load                   # only the robustness check
 *
 * Every reply is checked: status 200, one result per row, the row ids in order, the exact reward of each
 * row; afterwards /metrics must show no judge error and no neutral fallback. First, 600 requests one at a
 * time (100 to warm up) give the unloaded overhead; then autocannon's percentiles give the latency under
 * load. autocannon paces each connection per second (it sends its share back to back, then waits for the
 * next second), so under load up to --connections requests arrive together: those percentiles include that
 * queueing. With a zero-latency judge, latency is the server's own overhead plus loopback HTTP both ways.
 * The server is stopped with SIGTERM and must exit 0.
 *
 * Then the robustness check, against a fresh server whose fake judge runs in its own process: /healthz latency
 * (new connection per probe) during a 10,000-row judged batch (target p99 < 50 ms), a 15 MB body of 5M `{}`
 * rows (413 too_many_rows within 2 s, the server still up), six concurrent 49 MB bodies (200 or 429 with
 * Retry-After; the server's peak RSS), a slow body (408), and the drain (503 "draining" on a new connection,
 * the batch in flight answered whole, exit 0).
 * Exit code: 0 all checks passed · 1 a check failed · 2 bad usage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { startFakeJudge } from '../test/support/fake-judge-server.js';
import { qaJudge } from '../test/serve/support/qa-judge.js';

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  latency: Histogram;
  requests: Histogram & { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  setupRequest: (request: { body?: string }, context: Record<string, unknown>) => { body?: string };
  onResponse: (status: number, body: string, context: Record<string, unknown>) => void;
}
type Autocannon = (options: Record<string, unknown> & { requests: AutocannonRequest[] }) => PromiseLike<AutocannonResult>;
// autocannon ships no type declarations: loaded untyped, used through the interface above
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const USAGE = `Usage: npm run load-check -- [--duration S] [--rate R] [--connections C] [--rows N] [--route score|get_reward|nova]
                              [--skip-load] [--skip-robustness]
Defaults: 60 s at 300 requests/s over 32 connections, 4 rows per request, POST /v1/score; then the robustness check.`;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        duration: { type: 'string', default: '60' },
        rate: { type: 'string', default: '300' },
        connections: { type: 'string', default: '32' },
        rows: { type: 'string', default: '4' },
        route: { type: 'string', default: 'score' },
        'skip-load': { type: 'boolean' },
        'skip-robustness': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    console.error(`load-check: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const number = (name: 'duration' | 'rate' | 'connections' | 'rows') => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`load-check: --${name}: expected a positive whole number, got ${JSON.stringify(values[name])}`);
    process.exit(2);
  }
  return value;
};
const duration = number('duration');
const rate = number('rate');
const connections = number('connections');
const rowsPerRequest = number('rows');
const route = values.route;
if (!['score', 'get_reward', 'nova'].includes(route)) {
  console.error(`load-check: --route: expected score | get_reward | nova, got ${JSON.stringify(route)}`);
  process.exit(2);
}

const TOKEN = 'load-check-token';
const QUESTION = 'What is the capital of France?';
const ANSWERS = [
  { text: 'The capital of France is Paris.', reward: 1 },
  { text: 'It is Lyon.', reward: 0.625 },
];

/** `rewardkit serve` on the QA spec in a process of its own (port 0: it logs the URL it listens on), token set. */
function spawnServe(judgeUrl: string, extraArgs: string[] = []): ChildProcess {
  const args = ['src/cli/bin.ts', 'serve', '--spec', 'test/serve/fixtures/qa-spec.yaml', '--port', '0'];
  args.push('--judge', 'openai-compatible:fake', '--judge-base-url', judgeUrl, '--concurrency', '64', ...extraArgs);
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, REWARDKIT_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The original check: steady load, every reply verified. Returns the problems found. */
async function steadyLoad(): Promise<void> {
  // ---- the zero-latency fake judge (in this process) and the server (its own process)
  const judge = await startFakeJudge(qaJudge().script);
  const server = spawnServe(judge.url);
  // the server logs at its default level (info: one JSON line per request) as in production; dropped here
  server.stdout!.resume();
  let serverOutput = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr!.on('data', (chunk: Buffer) => {
      serverOutput += chunk.toString();
      const match = /rewardkit serve: listening on (\S+)/.exec(serverOutput);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${serverOutput}`)));
  });
  const serverExited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));

  // ---- the load
  let counter = 0;
  let verified = 0;
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 20) problems.push(text);
    else if (problems.length === 20) problems.push('… (further problems not listed)');
  };

  function body(ids: string[], answers: number[]): string {
    if (route === 'score')
      return JSON.stringify({
        rows: ids.map((id, index) => ({ id, prompt: QUESTION, response: ANSWERS[answers[index]!]!.text, reference: 'Paris' })),
        components: false,
      });
    if (route === 'nova')
      return JSON.stringify(
        ids.map((id, index) => ({
          id,
          messages: [
            { role: 'user', content: QUESTION },
            { role: 'assistant', content: ANSWERS[answers[index]!]!.text },
          ],
          reference_answer: 'Paris',
        })),
      );
    const prompt = `<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`;
    return JSON.stringify({
      query: answers.map((answer) => `${prompt}${ANSWERS[answer]!.text}<|im_end|>`),
      prompts: answers.map(() => prompt),
      labels: answers.map(() => 'Paris'),
    });
  }

  function check(status: number, text: string, ids: string[], answers: number[]): void {
    if (status !== 200) return problem(`HTTP ${status}: ${text.slice(0, 200)}`);
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      return problem(`reply is not JSON: ${text.slice(0, 200)}`);
    }
    const expected = answers.map((answer) => ANSWERS[answer]!.reward);
    let got: Array<{ id?: string | number; reward: unknown }>;
    if (route === 'score')
      got = ((reply as { results?: Array<{ id: string; reward: unknown }> }).results ?? []).map((result) => ({
        id: result.id,
        reward: result.reward,
      }));
    else if (route === 'nova')
      got = (reply as Array<{ id: string; aggregate_reward_score: unknown }>).map((result) => ({
        id: result.id,
        reward: result.aggregate_reward_score,
      }));
    else got = ((reply as { rewards?: unknown[] }).rewards ?? []).map((reward) => ({ reward }));
    if (got.length !== ids.length) return problem(`expected ${ids.length} results, got ${got.length} (lost rows) for ${ids[0]}…`);
    got.forEach((result, index) => {
      if (route !== 'get_reward' && result.id !== ids[index]) problem(`id mismatch: expected ${ids[index]}, got ${String(result.id)}`);
      if (result.reward !== expected[index]) problem(`${ids[index]}: expected reward ${expected[index]}, got ${String(result.reward)}`);
    });
    verified++;
  }

  // ---- baseline: the same requests one at a time (warms the server up, then measures its unloaded overhead)
  const routePath = route === 'score' ? '/v1/score' : route === 'nova' ? '/v1/nova' : '/get_reward';
  const baseline: number[] = [];
  for (let index = 0; index < 600; index++) {
    const n = counter++;
    const ids = Array.from({ length: rowsPerRequest }, (_unused, row) => `b${n}-${row}`);
    const answers = ids.map((_id, row) => (n + row) % ANSWERS.length);
    const started = performance.now();
    const response = await fetch(`${url}${routePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: body(ids, answers),
    });
    const text = await response.text();
    if (index >= 100) baseline.push(performance.now() - started);
    const before = verified;
    check(response.status, text, ids, answers);
    verified = before;
  }
  baseline.sort((a, b) => a - b);
  const percentile = (values: number[], p: number) => values[Math.min(values.length - 1, Math.floor(values.length * p))]!;

  const amount = rate * duration;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  console.log(
    `load-check: ${amount} requests (${rate}/s for ${duration} s, ${connections} connections, ${rowsPerRequest} rows each) → POST ${route === 'score' ? '/v1/score' : route === 'nova' ? '/v1/nova' : '/get_reward'} on ${url}`,
  );
  const result = await autocannon({
    url,
    connections,
    amount,
    overallRate: rate,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: routePath,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        setupRequest: (request, context) => {
          const n = counter++;
          const ids = Array.from({ length: rowsPerRequest }, (_unused, index) => `r${n}-${index}`);
          const answers = ids.map((_id, index) => (n + index) % ANSWERS.length);
          context.ids = ids;
          context.answers = answers;
          return { ...request, body: body(ids, answers) };
        },
        onResponse: (status, text, context) => check(status, text, context.ids as string[], context.answers as number[]),
      },
    ],
  });

  const cpuUsed = process.cpuUsage(cpuBefore);
  const generatorLoad = (cpuUsed.user + cpuUsed.system) / 1000 / (performance.now() - wallBefore);

  // ---- what the server saw
  const metricsText = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const sum = (name: string, filter: (labels: string) => boolean = () => true) =>
    metricsText
      .split('\n')
      .filter((line) => line.startsWith(name) && filter(line))
      .reduce((total, line) => total + Number(line.split(' ').at(-1)), 0);
  const serverSeconds = sum('rewardkit_http_request_duration_seconds_sum', (line) => line.includes(`route="${routePath}"`));
  const serverCount = sum('rewardkit_http_request_duration_seconds_count', (line) => line.includes(`route="${routePath}"`));
  const judgeSeconds = sum('rewardkit_judge_call_duration_seconds_sum');
  const judgeCount = sum('rewardkit_judge_call_duration_seconds_count');
  const judgeErrors = sum('rewardkit_judge_errors_total');
  const neutral = sum('rewardkit_neutral_rewards_total');
  const cpuSeconds = sum('process_cpu_seconds_total');
  server.kill('SIGTERM');
  const exitCode = await serverExited;
  await judge.close();

  const lost = amount - verified;
  if (result.errors > 0) problem(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  if (result.non2xx > 0) problem(`${result.non2xx} non-2xx replies`);
  if (lost !== 0 && problems.length === 0) problem(`${lost} requests without a verified reply`);
  if (judgeErrors > 0) problem(`${judgeErrors} judge errors on the server`);
  if (neutral > 0) problem(`${neutral} neutral fallbacks on the server`);
  if (judgeCount !== (amount + 600) * rowsPerRequest)
    problem(`expected ${(amount + 600) * rowsPerRequest} judge calls (baseline included), the server counted ${judgeCount}`);
  if (exitCode !== 0) problem(`the server exited ${exitCode} on SIGTERM (expected 0)`);

  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(`
requests             ${verified} verified of ${amount} sent (${rowsPerRequest * verified} rows), ${(result.requests.total / result.duration).toFixed(0)} req/s achieved over ${result.duration.toFixed(1)} s
errors               ${result.errors} connection errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx, ${lost} lost, ${problems.length} mismatches or other problems
one at a time        p50 ${ms(percentile(baseline, 0.5))} · p99 ${ms(percentile(baseline, 0.99))} · max ${ms(baseline.at(-1)!)} (500 sequential requests after 100 to warm up: the unloaded overhead)
latency under load   p50 ${ms(result.latency.p50)} · p90 ${ms(result.latency.p90)} · p99 ${ms(result.latency.p99)} · max ${ms(result.latency.max)} · mean ${ms(result.latency.average)}
server time (mean)   ${ms((serverSeconds / Math.max(1, serverCount)) * 1000)} per request (${serverCount} requests incl. baseline, from /metrics)
judge call (mean)    ${ms((judgeSeconds / Math.max(1, judgeCount)) * 1000)} per call (${judgeCount} calls, zero-latency fake judge, loopback)
server CPU           ${cpuSeconds.toFixed(1)} s in all, ${ms((cpuSeconds / Math.max(1, (verified + 600) * rowsPerRequest)) * 1000)} per row (startup and baseline included)
load generator       ${(generatorLoad * 100).toFixed(0)}% of one core (autocannon + the fake judge, this process)
server on SIGTERM    exit ${exitCode}`);
  if (problems.length > 0) {
    console.log(`\nFAILED:\n${problems.map((text) => `  - ${text}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('\nOK: zero errors, zero lost or mismatched ids, every reward exact.');
  }
}

/**
 * The robustness check: a fresh `rewardkit serve` (default limits; --body-timeout-ms 5000) whose fake judge runs in a
 * process of its own, so the /healthz probes from this process time the server alone. Each probe opens a NEW
 * connection, as a Kubernetes probe does.
 */
async function robustness(): Promise<void> {
  const judgeProcess = spawn(process.execPath, ['--import', 'tsx', 'test/serve/support/qa-judge-process.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await robustnessChecks(judgeProcess, (started) => (server = started));
  } finally {
    // a check that throws must not leave the processes behind
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    judgeProcess.kill('SIGTERM');
  }
}

async function robustnessChecks(
  judgeProcess: ReturnType<typeof spawn>,
  started: (server: ReturnType<typeof spawn>) => void,
): Promise<void> {
  const problems: string[] = [];
  const judgeUrl = await new Promise<string>((resolve) =>
    judgeProcess.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  const server = spawnServe(judgeUrl, ['--body-timeout-ms', '5000']);
  started(server);
  let serverLog = '';
  server.stdout!.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  let serverErr = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr!.on('data', (chunk: Buffer) => {
      serverErr += chunk.toString();
      const match = /rewardkit serve: listening on (\S+)/.exec(serverErr);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${serverErr}`)));
  });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  const post = (body: string) => fetch(`${url}/v1/score`, { method: 'POST', headers, body });
  /**
   * The server's own event-loop delay since the previous call, in ms, from prom-client's default metrics (a
   * monitorEventLoopDelay histogram that each /metrics scrape reads and resets): what a probe would wait in the
   * server, free of this process's and the judge process's share of the two cores.
   */
  const loopDelay = async () => {
    const text = await (await fetch(`${url}/metrics`, { headers })).text();
    const read = (name: string) => Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    // the histogram times a 10 ms repeating timer, so an idle loop reads 10 ms: the delay is what lies beyond that
    return { p50: read('p50') - 10, p99: read('p99') - 10, max: read('max') - 10 };
  };
  // "[slow]": the judge answers after 200 ms (a fast real judge); otherwise at once (the server is then CPU-bound)
  const judgedRows = (count: number, tag: string, slow = false) =>
    JSON.stringify({
      rows: Array.from({ length: count }, (_unused, index) => ({
        id: `${tag}${index}`,
        prompt: QUESTION,
        response: `The capital of France is Paris (rollout ${tag}${index})${slow ? ' [slow]' : ''}.`,
        reference: 'Paris',
      })),
      components: false,
    });
  /** GET /healthz on a new connection every `everyMs` until `until` settles; latencies in ms. */
  const probeUntil = async (until: Promise<unknown>, everyMs = 10) => {
    let settled = false;
    void until.then(
      () => (settled = true),
      () => (settled = true),
    );
    const latencies: number[] = [];
    while (!settled) {
      const started = performance.now();
      const status = await newConnectionGet(`${url}/healthz`);
      latencies.push(performance.now() - started);
      if (status !== 'HTTP 200' && !settled) problems.push(`/healthz answered ${status} during the batch`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    return latencies.sort((a, b) => a - b);
  };
  const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const lines: string[] = [];

  // a. /healthz during a 10k-row judged batch (after a 1,000-row warm-up): judge at 200 ms (the target), then at 0 ms (worst case)
  await (await post(judgedRows(1000, 'w'))).text();
  for (const slow of [true, false]) {
    await loopDelay(); // resets the server's loop-delay histogram
    const batchStarted = performance.now();
    const batch = post(judgedRows(10_000, 'r', slow)).then(async (response) => ({ status: response.status, text: await response.text() }));
    const health = await probeUntil(batch);
    const batchReply = await batch;
    const delay = await loopDelay();
    const batchSeconds = (performance.now() - batchStarted) / 1000;
    const batchResults =
      batchReply.status === 200 ? (JSON.parse(batchReply.text) as { results: Array<{ id: string; reward: number }> }).results : [];
    if (batchResults.length !== 10_000 || !batchResults.every((result, index) => result.id === `r${index}` && result.reward === 1))
      problems.push(`10k-row batch: HTTP ${batchReply.status}, ${batchResults.length} results (expected 10000, each reward 1)`);
    if (slow && at(health, 0.99) >= 50) problems.push(`/healthz p99 during the 10k-row batch is ${ms(at(health, 0.99))} (target < 50 ms)`);
    lines.push(
      `healthz, 10k rows    p50 ${ms(at(health, 0.5))} · p99 ${ms(at(health, 0.99))} · max ${ms(health.at(-1) ?? NaN)} (${health.length} probes on new connections; judge ${slow ? '200 ms' : '0 ms, server CPU-bound'}: the batch took ${batchSeconds.toFixed(1)} s)\n` +
        `  server loop delay  p50 ${ms(delay.p50)} · p99 ${ms(delay.p99)} · max ${ms(delay.max)} (beyond prom-client's 10 ms sampling timer, nodejs_eventloop_lag_*)`,
    );
  }

  // b. 5M {} rows: 15 MB, under the body limit
  const empties = `{"rows":[${Array(5_000_000).fill('{}').join(',')}]}`;
  const emptiesStarted = performance.now();
  const refused = post(empties).then(async (response) => ({ status: response.status, text: await response.text() }));
  const healthDuringEmpties = await probeUntil(refused);
  const refusal = await refused;
  const refusalMs = performance.now() - emptiesStarted;
  const after = await post(judgedRows(1, 'after'));
  await after.text();
  if (refusal.status !== 413 || !refusal.text.includes('"too_many_rows"'))
    problems.push(`5M {} rows: expected 413 too_many_rows, got HTTP ${refusal.status} ${refusal.text.slice(0, 200)}`);
  if (refusalMs > 2000) problems.push(`5M {} rows: the 413 took ${ms(refusalMs)} (target < 2 s)`);
  if (after.status !== 200) problems.push(`after the 5M-row body, a 1-row request got HTTP ${after.status}`);
  lines.push(
    `5M {} rows (15 MB)   HTTP ${refusal.status} too_many_rows in ${ms(refusalMs)}; /healthz max ${ms(healthDuringEmpties.at(-1) ?? NaN)} meanwhile (${healthDuringEmpties.length} probes); next request HTTP ${after.status}`,
  );

  // c. six concurrent 49 MB bodies (9,000 gated rows each: no judge call, so the memory is the server's own)
  const filler = 'lorem ipsum dolor sit amet '.repeat(196); // words: one 5 KB word would test the PII regexes instead
  const big = JSON.stringify({
    rows: Array.from({ length: 9000 }, (_unused, index) => ({
      id: `m${index}`,
      prompt: QUESTION,
      response: `Paris, mail me at m${index}@example.com ${filler}`,
      reference: 'Paris',
    })),
    components: false,
  });
  const resetPeak = resetPeakRss(server.pid!);
  const rssBefore = peakRss(server.pid!);
  const bigReplies = await Promise.all(
    Array.from({ length: 6 }, () =>
      post(big).then(
        async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() }),
        (error: Error & { cause?: { code?: string } }) => ({ status: error.cause?.code ?? error.message, retryAfter: null, text: '' }),
      ),
    ),
  );
  const peak = peakRss(server.pid!);
  const statusCounts = Object.entries(
    bigReplies.reduce<Record<string, number>>((counts, reply) => ({ ...counts, [reply.status]: (counts[reply.status] ?? 0) + 1 }), {}),
  )
    .map(([status, count]) => `${count}× ${status}`)
    .join(', ');
  if (!bigReplies.every((reply) => reply.status === 200 || (reply.status === 429 && reply.retryAfter === '5')))
    problems.push(`6 × 49 MB: expected 200 or 429 with Retry-After 5, got ${statusCounts}`);
  if (!bigReplies.some((reply) => reply.status === 200)) problems.push('6 × 49 MB: no body was served');
  lines.push(
    `6 × ${(big.length / 1e6).toFixed(0)} MB at once     ${statusCounts} (429 with Retry-After: 5); server peak RSS ${peak === undefined ? 'n/a' : `${(peak / 1024 / 1024).toFixed(0)} MiB`}${resetPeak ? '' : ` (peak since start; ${rssBefore === undefined ? '' : `${(rssBefore / 1024 / 1024).toFixed(0)} MiB before`})`}`,
  );

  // d. a slow body: headers and 10 of 1000 bytes, then nothing
  const slowStarted = performance.now();
  const slow = await slowBody(`${url}/v1/score`, 1000);
  if (slow.status !== 408 || !slow.body.includes('"body_timeout"'))
    problems.push(`slow body: expected 408 body_timeout, got ${slow.status} ${slow.body.slice(0, 200)}`);
  lines.push(
    `slow body            HTTP ${slow.status} body_timeout after ${ms(performance.now() - slowStarted)} (--body-timeout-ms 5000), connection ${slow.closed ? 'closed' : 'left open'}`,
  );

  // e. the drain: SIGTERM with a 3,000-row judged batch in flight
  const inFlight = post(judgedRows(3000, 'd')).then(async (response) => ({ status: response.status, text: await response.text() }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  server.kill('SIGTERM');
  while (!serverLog.includes('draining: new requests get 503')) await new Promise((resolve) => setTimeout(resolve, 5));
  const healthWhileDraining = await newConnectionGet(`${url}/healthz`);
  const lateRequest = await post(judgedRows(1, 'late')).then(async (response) => ({
    status: response.status,
    text: await response.text(),
  }));
  const drained = await inFlight;
  const exitCode = await exited;
  const drainedRows = drained.status === 200 ? (JSON.parse(drained.text) as { results: unknown[] }).results.length : 0;
  if (healthWhileDraining !== 'HTTP 503')
    problems.push(`drain: /healthz on a new connection gave ${healthWhileDraining} (expected HTTP 503)`);
  if (lateRequest.status !== 503 || !lateRequest.text.includes('"draining"'))
    problems.push(`drain: a new request got HTTP ${lateRequest.status} (expected 503 draining)`);
  if (drained.status !== 200 || drainedRows !== 3000)
    problems.push(`drain: the batch in flight got HTTP ${drained.status} with ${drainedRows} results (expected 200, 3000)`);
  if (exitCode !== 0) problems.push(`drain: the server exited ${exitCode} (expected 0)`);
  lines.push(
    `drain                new connection: /healthz ${healthWhileDraining}, POST HTTP ${lateRequest.status} draining; batch in flight HTTP ${drained.status} (${drainedRows} rows); exit ${exitCode}`,
  );

  console.log(
    `\nrobustness (a fresh server with the default limits: --max-rows 10000, 50000 rows / 100 MiB in flight)\n${lines.join('\n')}`,
  );
  if (problems.length > 0) {
    console.log(`\nFAILED:\n${problems.map((text) => `  - ${text}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(
      '\nOK: /healthz under 50 ms p99 during a 10k-row batch, too many rows refused fast, memory bounded, slow bodies cut, 503 while draining.',
    );
  }
}

/** GET on a new connection (no keep-alive): "HTTP <status>" or the connection error code. */
function newConnectionGet(target: string): Promise<string> {
  return new Promise((resolve) => {
    const request = httpGet(target, { agent: false }, (response) => {
      response.resume();
      resolve(`HTTP ${response.statusCode}`);
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Sends the headers and 10 bytes of a body declared `declared` bytes long, then waits for the answer. */
function slowBody(target: string, declared: number): Promise<{ status: number; body: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'content-length': String(declared) },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          const socket = request.socket!;
          if (socket.destroyed) resolve({ status: response.statusCode!, body, closed: true });
          else socket.once('close', () => resolve({ status: response.statusCode!, body, closed: true }));
        });
      },
    );
    request.on('error', reject);
    request.write('{"rows": [');
  });
}

/** Linux: resets the process's peak RSS (VmHWM) so the next reading is the peak from now on. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Linux: the process's peak resident memory (VmHWM), in bytes; undefined elsewhere. */
function peakRss(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

if (!values['skip-load']) await steadyLoad();
if (!values['skip-robustness']) await robustness();
