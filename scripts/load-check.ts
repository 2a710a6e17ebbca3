/**
 * Load check (not a test): bounded load on loopback against a real `rewardkit serve` process whose judge is
 * the in-process fake judge answering at once, to show that the server loses nothing under a steady few
 * hundred requests per second and to measure its own overhead.
 *
 *   npm run load-check                                  # 300 req/s for 60 s, 4 rows per request
 *   npm run load-check -- --duration 10 --rate 200      # shorter
 *   npm run load-check -- --route get_reward            # the OpenRLHF route instead of /v1/score
 *
 * Every reply is checked: status 200, one result per row, the row ids in order, the exact reward of each
 * row; afterwards /metrics must show no judge error and no neutral fallback. First, 600 requests one at a
 * time (100 to warm up) give the unloaded overhead; then autocannon's percentiles give the latency under
 * load. autocannon paces each connection per second (it sends its share back to back, then waits for the
 * next second), so under load up to --connections requests arrive together: those percentiles include that
 * queueing. With a zero-latency judge, latency is the server's own overhead plus loopback HTTP both ways.
 * The server is stopped with SIGTERM and must exit 0.
 * Exit code: 0 all checks passed · 1 a check failed · 2 bad usage.
 */
import { spawn } from 'node:child_process';
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
Defaults: 60 s at 300 requests/s over 32 connections, 4 rows per request, POST /v1/score.`;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        duration: { type: 'string', default: '60' },
        rate: { type: 'string', default: '300' },
        connections: { type: 'string', default: '32' },
        rows: { type: 'string', default: '4' },
        route: { type: 'string', default: 'score' },
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
const route = values.route!;
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

// ---- the zero-latency fake judge (in this process) and the server (its own process)
const judge = await startFakeJudge(qaJudge().script);
const server = spawn(
  process.execPath,
  ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--spec', 'test/serve/fixtures/qa-spec.yaml', '--port', '0', '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url, '--concurrency', '64'],
  { env: { ...process.env, REWARDKIT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
);
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
  if (route === 'score') return JSON.stringify({ rows: ids.map((id, index) => ({ id, prompt: QUESTION, response: ANSWERS[answers[index]!]!.text, reference: 'Paris' })), components: false });
  if (route === 'nova') return JSON.stringify(ids.map((id, index) => ({ id, messages: [{ role: 'user', content: QUESTION }, { role: 'assistant', content: ANSWERS[answers[index]!]!.text }], reference_answer: 'Paris' })));
  const prompt = `<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`;
  return JSON.stringify({ query: answers.map((answer) => `${prompt}${ANSWERS[answer]!.text}<|im_end|>`), prompts: answers.map(() => prompt), labels: answers.map(() => 'Paris') });
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
  if (route === 'score') got = ((reply as { results?: Array<{ id: string; reward: unknown }> }).results ?? []).map((result) => ({ id: result.id, reward: result.reward }));
  else if (route === 'nova') got = (reply as Array<{ id: string; aggregate_reward_score: unknown }>).map((result) => ({ id: result.id, reward: result.aggregate_reward_score }));
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
  const response = await fetch(`${url}${routePath}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: body(ids, answers) });
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
console.log(`load-check: ${amount} requests (${rate}/s for ${duration} s, ${connections} connections, ${rowsPerRequest} rows each) → POST ${route === 'score' ? '/v1/score' : route === 'nova' ? '/v1/nova' : '/get_reward'} on ${url}`);
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
if (judgeCount !== (amount + 600) * rowsPerRequest) problem(`expected ${(amount + 600) * rowsPerRequest} judge calls (baseline included), the server counted ${judgeCount}`);
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
