/**
 * `npm run bench`: the runtime's scenarios against the fake judge, each measured in one run and reported
 * as a ratio to the ideal: wall time ÷ ceil(calls/C)·L (what perfect scheduling of the scenario's judge calls at
 * concurrency C and judge latency L would take: N for one pointwise judge, N/8·2 for a group judge on groups of 8
 * in 2 orders, 2N for a preference judge in both positions), plus judge calls per rollout and peak memory.
 * Results are printed as a table and written to bench/results.json. Not a test: nothing here asserts (a run whose
 * score summary disagrees with its output about the calls per rollout, or that cuts a group, fails).
 *   npm run bench                 all scenarios
 *   npm run bench -- --only clean,duplicates --n 2000
 *   npm run bench -- --only grpo,grpo-spread,pairwise,clean     calls per rollout: group vs pointwise vs pairwise
 *   npm run bench -- --only local               the local judge (llama.cpp) alone: load time, verdicts/s and latency on the
 *                                               tiny random-weight model, and on REWARDKIT_BENCH_GGUF=path when set
 *                                               (written to bench/results-local.json)
 *   npm run bench -- --only redis               what sharing through Redis adds per judge call (bench/redis-overhead.ts,
 *                                               a real redis-server on loopback): p50/p99 over --redis-calls calls
 *                                               (default 10000), written to bench/results-redis.json
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    n: { type: 'string' },
    'big-n': { type: 'string', default: '100000' },
    verdicts: { type: 'string', default: '20' },
    'redis-calls': { type: 'string', default: '10000' },
  },
});
const N = Number(values.n ?? 5000);
const C = 64;
const L = 100;
/** GRPO group size of the group scenarios, and the rows each group's members are spread over in grpo-spread. */
const G = 8;
const SPREAD = 512;
const dir = mkdtempSync(join(tmpdir(), 'rewardkit-bench-'));

interface Scenario {
  name: string;
  rows: number;
  judge?: { latencyMs: number; jitterMs: number; rate429?: number; hangRate?: number };
  duplicates?: boolean;
  deterministic?: boolean;
  /** The judge: one rubric (default); a group judge (orders 2) on groups of G adjacent rows, or with each group's rows
   * spread over SPREAD input rows (`score`'s default --group-window of 1024 must bring them together); a preference
   * judge in both positions against a reference. */
  judging?: 'group' | 'group-spread' | 'pairwise';
  timeoutMs?: number;
  target: string;
}

const SCENARIOS: Scenario[] = [
  { name: 'clean', rows: N, judge: { latencyMs: L, jitterMs: 10 }, target: '≤ 1.05× ideal' },
  { name: '429s', rows: N, judge: { latencyMs: L, jitterMs: 10, rate429: 0.1 }, target: '≤ 1.5× ideal' },
  {
    name: 'hangs',
    rows: N,
    judge: { latencyMs: L, jitterMs: 10, hangRate: 0.01 },
    timeoutMs: 2000,
    target: 'report (1% of calls hang; 2 s timeout)',
  },
  { name: 'duplicates', rows: N, judge: { latencyMs: L, jitterMs: 10 }, duplicates: true, target: '0.5 calls/rollout (no extra calls)' },
  {
    name: 'grpo',
    rows: N,
    judge: { latencyMs: L, jitterMs: 10 },
    judging: 'group',
    target: `0.25 calls/rollout (G=${G}, orders 2), ≤ 1.10× ideal`,
  },
  {
    name: 'grpo-spread',
    rows: N,
    judge: { latencyMs: L, jitterMs: 10 },
    judging: 'group-spread',
    target: `as grpo, each group's rows spread over ${SPREAD} rows (window 1024)`,
  },
  { name: 'pairwise', rows: N, judge: { latencyMs: L, jitterMs: 10 }, judging: 'pairwise', target: '2.0 calls/rollout (both positions)' },
  { name: 'deterministic', rows: 100_000, deterministic: true, target: '≥ 20,000 rows/s' },
  { name: 'big', rows: Number(values['big-n']), judge: { latencyMs: 20, jitterMs: 2 }, target: '< 300 MB peak RSS' },
];

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startJudge(config: NonNullable<Scenario['judge']>): Promise<{ url: string; stop: () => void }> {
  const args = [
    '--import',
    'tsx',
    'bench/fake-judge-process.ts',
    '--latency-ms',
    String(config.latencyMs),
    '--jitter-ms',
    String(config.jitterMs),
  ];
  if (config.rate429) args.push('--rate-429', String(config.rate429), '--retry-after-s', '1');
  if (config.hangRate) args.push('--hang-rate', String(config.hangRate));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url, stop: () => child.kill('SIGTERM') };
}

function writeInput(scenario: Scenario): string {
  const path = join(dir, `${scenario.name}.jsonl`);
  const lines: string[] = [];
  const spread = scenario.judging === 'group-spread' ? spreadOrder(scenario.rows) : undefined;
  for (let index = 0; index < scenario.rows; index++) {
    if (scenario.deterministic) {
      const quote = `clause ${index % 50} of the agreement`;
      const response = JSON.stringify({ answer: 42 + (index % 3), quotes: [quote], note: `row ${index}` });
      lines.push(JSON.stringify({ id: `row-${index}`, prompt: `The source text mentions ${quote} and more.`, response, reference: '42' }));
    } else if (scenario.judging === 'group' || scenario.judging === 'group-spread') {
      const row = spread ? spread[index]! : index;
      lines.push(JSON.stringify({ id: `row-${row}`, prompt: `Question ${Math.floor(row / G)}?`, response: `Answer ${row}.` }));
    } else if (scenario.judging === 'pairwise') {
      lines.push(
        JSON.stringify({
          id: `row-${index}`,
          prompt: `Question ${index}?`,
          response: `Answer ${index}.`,
          reference: `Reference ${index}.`,
        }),
      );
    } else {
      const key = scenario.duplicates ? index % Math.ceil(scenario.rows / 2) : index;
      lines.push(JSON.stringify({ id: `row-${index}`, prompt: `Question ${key}?`, response: `Answer ${key}.` }));
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * grpo-spread's input order: the grpo rows (groups of G adjacent rows) reordered within each block of SPREAD rows
 * member-first (every group's first rollout, then every group's second, …), so the SPREAD/G groups of a block
 * interleave and each group's G rows are spread over its block (SPREAD/G rows apart).
 */
function spreadOrder(rows: number): number[] {
  const order: number[] = [];
  for (let start = 0; start < rows; start += SPREAD) {
    const block = Array.from({ length: Math.min(SPREAD, rows - start) }, (_unused, offset) => start + offset);
    order.push(...block.sort((a, b) => (a % G) - (b % G) || a - b));
  }
  return order;
}

/** The judge calls perfect accounting gives the scenario (the ideal's numerator). */
function idealCalls(scenario: Scenario): number {
  if (scenario.duplicates) return Math.ceil(scenario.rows / 2);
  if (scenario.judging === 'group' || scenario.judging === 'group-spread') return Math.ceil(scenario.rows / G) * 2;
  if (scenario.judging === 'pairwise') return scenario.rows * 2;
  return scenario.rows;
}

const JUDGES: Record<NonNullable<Scenario['judging']> | 'rubric', string> = {
  rubric: '{type: rubric, criteria: [{id: ok, description: The answer is fine}]}',
  group: '{type: group, criteria: The answer is fine., orders: 2}',
  'group-spread': '{type: group, criteria: The answer is fine., orders: 2}',
  pairwise: '{type: preference, position: both, criteria: The better answer to the question.}',
};

function writeSpec(scenario: Scenario, url: string | undefined): string {
  const path = join(dir, `${scenario.name}.spec.yaml`);
  const spec = scenario.deterministic
    ? [
        'checks:',
        '  - {type: json, gate: true, weight: 0}',
        '  - {type: length, unit: chars, min: 10, max: 400}',
        '  - {type: safety}',
        '  - {type: grounding, quotes: "response_json.quotes[*]", source: prompt}',
        '  - {type: match, mode: numeric, field: "response_json.answer"}',
      ]
    : [
        `judge_model: {provider: openai-compatible, model: bench, base_url: "${url}", concurrency: ${C}, max_retries: 4, initial_backoff_ms: 200, max_backoff_ms: 5000, timeout_ms: ${scenario.timeoutMs ?? 10_000}}`,
        'judges:',
        `  - ${JUDGES[scenario.judging ?? 'rubric']}`,
      ];
  writeFileSync(path, `${spec.join('\n')}\n`);
  return path;
}

interface Result {
  scenario: string;
  rows: number;
  wall_s: number;
  ideal_s: number | null;
  ratio_to_ideal: number | null;
  rows_per_s: number;
  judge_calls: number;
  /** Judge calls sent to the model (judge_calls − judge_cached of every output row) ÷ rows; the score summary agrees. */
  calls_per_rollout: number;
  retries: number;
  neutral: number;
  peak_rss_mb: number;
  target: string;
}

async function measure(scenario: Scenario): Promise<Result> {
  const judge = scenario.judge ? await startJudge(scenario.judge) : undefined;
  try {
    const input = writeInput(scenario);
    const spec = writeSpec(scenario, judge?.url);
    const output = join(dir, `${scenario.name}.out.jsonl`);
    const cache = scenario.duplicates ? ['--cache', join(dir, 'dedup-cache.sqlite')] : ['--no-cache'];
    const { stderr } = await run(process.execPath, [
      'bench/score-child.mjs',
      'score',
      '--spec',
      spec,
      '--input',
      input,
      '--output',
      output,
      '--no-progress',
      '--no-preflight',
      ...cache,
    ]);
    const benchLine = stderr.trim().split('\n').at(-1) ?? '';
    if (!benchLine.startsWith('BENCH ')) throw new Error(`scenario ${scenario.name} failed:\n${stderr.slice(-2000)}`);
    const { code, wallMs, maxRssMb } = JSON.parse(benchLine.slice(6)) as { code: number; wallMs: number; maxRssMb: number };
    if (code !== 0) throw new Error(`scenario ${scenario.name}: score exited ${code}\n${stderr.slice(-2000)}`);
    let calls = 0;
    let attempts = 0;
    let neutral = 0;
    for (const line of readFileSync(output, 'utf8').trim().split('\n')) {
      const result = JSON.parse(line) as { neutral: boolean; metrics: Record<string, number> };
      calls += (result.metrics.judge_calls ?? 0) - (result.metrics.judge_cached ?? 0);
      attempts += result.metrics.judge_attempts ?? 0;
      if (result.neutral) neutral++;
    }
    const perRollout = calls / scenario.rows;
    const summary = /\njudge calls per rollout +(\S+)\n/.exec(stderr)?.[1];
    if (summary !== perRollout.toFixed(3))
      throw new Error(
        `scenario ${scenario.name}: the score summary says ${summary} judge calls per rollout, its output ${perRollout.toFixed(3)}`,
      );
    if (scenario.judging === 'group' || scenario.judging === 'group-spread') {
      // every group judged whole, none cut by the window (in grpo-spread a group's rows lie up to 448 rows apart)
      const groups = /\ngroups: (\d+) judged .*, (\d+) cut by the window/.exec(stderr);
      if (groups?.[1] !== String(Math.ceil(scenario.rows / G)) || groups[2] !== '0')
        throw new Error(
          `scenario ${scenario.name}: expected ${Math.ceil(scenario.rows / G)} groups judged, none cut; the summary says ${groups?.[0]}`,
        );
    }
    const ideal = scenario.judge ? (Math.ceil(idealCalls(scenario) / C) * scenario.judge.latencyMs) / 1000 : null;
    return {
      scenario: scenario.name,
      rows: scenario.rows,
      wall_s: round(wallMs / 1000, 3),
      ideal_s: ideal,
      ratio_to_ideal: ideal ? round(wallMs / 1000 / ideal, 3) : null,
      rows_per_s: Math.round(scenario.rows / (wallMs / 1000)),
      judge_calls: calls,
      calls_per_rollout: round(perRollout, 3),
      retries: attempts - calls,
      neutral,
      peak_rss_mb: round(maxRssMb, 1),
      target: scenario.target,
    };
  } finally {
    judge?.stop();
  }
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

const chosen = values.only ? SCENARIOS.filter((scenario) => values.only!.split(',').includes(scenario.name)) : SCENARIOS;
const results: Result[] = [];
for (const scenario of chosen) {
  process.stderr.write(`running ${scenario.name} (${scenario.rows} rows)…\n`);
  results.push(await measure(scenario));
}
if (results.length > 0) reportRuntime();
if (!values.only || values.only.split(',').includes('local')) await benchLocalJudge();
if (!values.only || values.only.split(',').includes('redis')) await benchRedisOverhead();

interface RedisOverheadFigures {
  without_ms: number;
  with_redis_ms: number;
  overhead_ms: number;
}
interface RedisOverheadResult {
  redis: string;
  round_trip: { p50_ms: number; p99_ms: number };
  operations: Record<'budgets_and_lease' | 'budgets_only', { p50_ms: number; p99_ms: number; cpu_ms_per_call: number }>;
  scenarios: Array<{
    scenario: string;
    concurrency: number;
    model_latency_ms: number;
    calls: number;
    p50: RedisOverheadFigures;
    p99: RedisOverheadFigures;
    cpu_ms_per_call: { without: number; with_redis: number };
    calls_per_s: { without: number; with_redis: number };
  }>;
}

/** The `redis` scenario: bench/redis-overhead.ts in a child process (it starts its own redis-server). */
async function benchRedisOverhead(): Promise<void> {
  process.stderr.write(`running redis (${values['redis-calls']} calls per measurement)…\n`);
  const { code, stderr } = await run(process.execPath, ['--import', 'tsx', 'bench/redis-overhead.ts', '--calls', values['redis-calls']]);
  const benchLine = stderr.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !benchLine.startsWith('BENCH ')) throw new Error(`scenario redis failed (exit ${code}):\n${stderr.slice(-2000)}`);
  const result = JSON.parse(benchLine.slice(6)) as RedisOverheadResult;
  const figures = (value: RedisOverheadFigures) =>
    `${value.overhead_ms.toFixed(3)} (${value.without_ms.toFixed(3)} → ${value.with_redis_ms.toFixed(3)})`;
  printTable(
    ['scenario', 'calls', 'model ms', 'p50 overhead ms', 'p99 overhead ms', 'CPU ms/call', 'calls/s'],
    result.scenarios.map((scenario) => [
      `${scenario.scenario} (${scenario.concurrency} at a time)`,
      String(scenario.calls),
      String(scenario.model_latency_ms),
      figures(scenario.p50),
      figures(scenario.p99),
      `${scenario.cpu_ms_per_call.without} → ${scenario.cpu_ms_per_call.with_redis}`,
      `${scenario.calls_per_s.without} → ${scenario.calls_per_s.with_redis}`,
    ]),
    `\nredis: what sharing through Redis ${result.redis} on loopback adds per judge call (cache lookup + lease, budget, shared_concurrency lease, ` +
      `release, verdict stored); one round trip (PING) p50 ${result.round_trip.p50_ms} ms, p99 ${result.round_trip.p99_ms} ms; ` +
      `a call's Redis operations alone p50 ${result.operations.budgets_and_lease.p50_ms} ms, p99 ${result.operations.budgets_and_lease.p99_ms} ms ` +
      `(${result.operations.budgets_and_lease.cpu_ms_per_call} ms CPU; without a shared_concurrency lease p50 ` +
      `${result.operations.budgets_only.p50_ms} ms, p99 ${result.operations.budgets_only.p99_ms} ms); ` +
      `machine: ${machineLine()}`,
  );
  const environment = benchEnvironment();
  writeFileSync('bench/results-redis.json', `${JSON.stringify({ environment, ...result }, null, 2)}\n`);
  console.log('\nwritten to bench/results-redis.json');
}

interface LocalResult {
  model: string;
  threads: number;
  load_ms: number;
  verdicts: number;
  parsed: number;
  wall_s: number;
  verdicts_per_s: number;
  latency_ms: { p50: number; max: number };
  input_tokens_per_verdict: number;
  output_tokens_per_verdict: number;
  output_tokens_per_s: number;
}

/**
 * The `local` scenario: bench/local-judge.ts in a child process, on the tiny random-weight model (1 thread unless
 * REWARDKIT_LOCAL_THREADS says otherwise: the plumbing's overhead) and, when REWARDKIT_BENCH_GGUF names a model file,
 * on that model (the machine's cores unless REWARDKIT_LOCAL_THREADS). Only what was run is reported.
 */
async function benchLocalJudge(): Promise<void> {
  const models = [{ model: 'tiny', threads: process.env.REWARDKIT_LOCAL_THREADS ?? '1' }];
  if (process.env.REWARDKIT_BENCH_GGUF)
    models.push({ model: process.env.REWARDKIT_BENCH_GGUF, threads: process.env.REWARDKIT_LOCAL_THREADS ?? String(cpus().length) });
  const local: LocalResult[] = [];
  for (const { model, threads } of models) {
    process.stderr.write(`running local (${model}, ${values.verdicts} verdicts, ${threads} thread(s))…\n`);
    const { code, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      'bench/local-judge.ts',
      '--model',
      model,
      '--verdicts',
      values.verdicts,
      '--threads',
      threads,
    ]);
    const benchLine = stderr.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !benchLine.startsWith('BENCH '))
      throw new Error(`scenario local (${model}) failed (exit ${code}):\n${stderr.slice(-2000)}`);
    local.push(JSON.parse(benchLine.slice(6)) as LocalResult);
  }
  const header = [
    'local judge model',
    'threads',
    'load ms',
    'verdicts',
    'parsed',
    'verdicts/s',
    'p50 ms',
    'max ms',
    'in tok/verdict',
    'out tok/verdict',
    'out tok/s',
  ];
  const rows = local.map((result) => [
    result.model,
    String(result.threads),
    String(result.load_ms),
    String(result.verdicts),
    String(result.parsed),
    result.verdicts_per_s.toFixed(2),
    String(result.latency_ms.p50),
    String(result.latency_ms.max),
    String(result.input_tokens_per_verdict),
    String(result.output_tokens_per_verdict),
    String(result.output_tokens_per_s),
  ]);
  printTable(header, rows, `\nlocal judge: criteria verdicts sent one at a time through createReward; machine: ${machineLine()}`);
  const environment = benchEnvironment();
  writeFileSync('bench/results-local.json', `${JSON.stringify({ environment, results: local }, null, 2)}\n`);
  console.log('\nwritten to bench/results-local.json');
}

/** The machine a result was measured on, and its load average as the run ends. */
function benchEnvironment() {
  return { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadavg_after: loadavg(), date: new Date().toISOString() };
}

/** `2 × AMD EPYC, load 0.41 0.52 0.60`: the machine and its load, for a table's title. */
function machineLine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`;
}

function printTable(header: string[], rows: string[][], title: string): void {
  const widths = header.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(title);
  console.log(format(header));
  for (const row of rows) console.log(format(row));
}

function reportRuntime(): void {
  const header = [
    'scenario',
    'rows',
    'wall s',
    'ideal s',
    'wall/ideal',
    'rows/s',
    'calls/rollout',
    'retries',
    'neutral',
    'peak RSS MB',
    'target',
  ];
  const table = results.map((result) => [
    result.scenario,
    String(result.rows),
    result.wall_s.toFixed(2),
    result.ideal_s === null ? '—' : result.ideal_s.toFixed(2),
    result.ratio_to_ideal === null ? '—' : `${result.ratio_to_ideal.toFixed(3)}×`,
    String(result.rows_per_s),
    result.calls_per_rollout.toFixed(3),
    String(result.retries),
    String(result.neutral),
    result.peak_rss_mb.toFixed(0),
    result.target,
  ]);
  printTable(header, table, `\nN=${N}, C=${C}, L=${L} ms (±10 ms jitter) unless noted; machine: ${machineLine()}`);
  const environment = benchEnvironment();
  writeFileSync('bench/results.json', `${JSON.stringify({ environment, parameters: { N, C, L_ms: L }, results }, null, 2)}\n`);
  console.log('\nwritten to bench/results.json');
}
