/**
 * Benchmark of `rewardkit compare` (issue 13: 100,000 rows in < 5 s). Writes two scored files of P prompts × R
 * rollouts each (default 25,000 × 4 = 100,000 rows per side, rows shaped like score's output: three components, a
 * rationale and a judge call record) and the rollouts they came from (a 300-character prompt, responses of 200–1,400
 * characters), then runs `rewardkit compare` on them as a user does — a fresh process of the built CLI
 * (`node dist/cli/bin.js`, after `npm run build`), with the inputs, --json and --html — and reports its wall time
 * (start-up included), the ratio of it to the 5 s target, its CPU time (all threads) and peak memory, and the load of
 * the machine. The CLI's summary is printed first.
 *   npm run build && npx tsx bench/compare.ts          # 25,000 prompts × 4 rollouts, 10,000 resamples
 *   npx tsx bench/compare.ts --prompts 2500 --resamples 1000
 *   npx tsx bench/compare.ts --cli tsx                 # the TypeScript sources through tsx (no build; slower start)
 *   npx tsx bench/compare.ts --cli /tmp/build/dist/cli/bin.js   # another build of the CLI
 *   npx tsx bench/compare.ts --dir /tmp/x --runs 3     # keep the generated files in /tmp/x (reused next time), 3 runs
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/lab/statistics/index.js';

const { values } = parseArgs({
  options: {
    prompts: { type: 'string', default: '25000' },
    rollouts: { type: 'string', default: '4' },
    resamples: { type: 'string', default: '10000' },
    cli: { type: 'string', default: 'dist' },
    dir: { type: 'string' },
    runs: { type: 'string', default: '1' },
  },
});
const PROMPTS = Number(values.prompts);
const ROLLOUTS = Number(values.rollouts);
const TARGET_S = 5;
const root = resolve(import.meta.dirname, '..');
const CLI: Record<string, string[]> = {
  dist: [join(root, 'dist/cli/bin.js')],
  tsx: ['--import', 'tsx', join(root, 'src/cli/bin.ts')],
};
// dist, tsx, or the path of a built bin.js
const cli = CLI[values.cli] ?? [resolve(values.cli)];
if (cli.length === 1 && !existsSync(cli[0]!)) throw new Error(`${cli[0]} is missing: run npm run build first (or pass --cli tsx)`);
const keep = values.dir !== undefined;
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'rewardkit-bench-compare-'));
mkdirSync(dir, { recursive: true });
const random = mulberry32(2026);
const FILLER = 'The supplier shall deliver the goods within thirty days of the order and bear the risk until delivery. ';

/** Writes one side in batches (the bench keeps no file in memory: the peak RSS measured is compare's). */
function writeSide(side: 'before' | 'after'): { scored: string; input: string } {
  const input = join(dir, `${side}.rollouts.jsonl`);
  const output = join(dir, `${side}.scored.jsonl`);
  const inputFile = openSync(input, 'w');
  const scoredFile = openSync(output, 'w');
  let inputs: string[] = [];
  let scored: string[] = [];
  const flush = () => {
    writeSync(inputFile, `${inputs.join('\n')}\n`);
    writeSync(scoredFile, `${scored.join('\n')}\n`);
    inputs = [];
    scored = [];
  };
  let line = 0;
  for (let prompt = 0; prompt < PROMPTS; prompt += 1) {
    for (let rollout = 0; rollout < ROLLOUTS; rollout += 1) {
      line += 1;
      const id = `${side}-${prompt}-${rollout}`;
      const chars = 200 + Math.floor(random() * (side === 'before' ? 800 : 1200));
      const quality = random();
      const reward = side === 'before' ? 0.6 * quality + 0.2 : Math.min(1, 0.55 * quality + 0.25 + chars / 20_000);
      inputs.push(
        JSON.stringify({
          id,
          prompt: `Clause ${prompt}: ${FILLER.repeat(3)}Does the clause shift the risk of loss? Quote it.`,
          response: FILLER.repeat(Math.ceil(chars / FILLER.length)).slice(0, chars),
        }),
      );
      scored.push(
        JSON.stringify({
          line,
          id,
          spec_hash: 'f3a9c1d2e4b5a6978877665544332211ffeeddccbbaa99887766554433221100',
          reward,
          neutral: false,
          gated_by: null,
          flags: [],
          metrics: { reward, format: 1, quotes: 1, judge: quality, judge_calls: 1, judge_input_tokens: 812, judge_output_tokens: 64 },
          components: [
            { name: 'format', kind: 'check', type: 'json', score: 1, weight: 0, status: 'scored', gate: { min_score: 1, passed: true } },
            {
              name: 'quotes',
              kind: 'check',
              type: 'grounding',
              score: 1,
              weight: 1,
              status: 'scored',
              rationale: 'every quote is in the source',
            },
            {
              name: 'judge',
              kind: 'judge',
              type: 'rubric',
              score: quality,
              weight: 2,
              status: 'scored',
              rationale: 'cites the risk clause: yes; explains the transfer of risk: partly; no invented terms: yes',
              calls: [
                {
                  label: 'rubric',
                  raw: '{"cites_clause": true, "explains_transfer": "partly", "no_invented_terms": true}',
                  finish_reason: 'stop',
                  usage: { input_tokens: 812, output_tokens: 64 },
                  latency_ms: 412,
                  attempts: 1,
                  model: 'openai-compatible:qwen3-8b@http://127.0.0.1:8000/v1',
                },
              ],
            },
          ],
        }),
      );
    }
    if (inputs.length >= 4000) flush();
  }
  if (inputs.length > 0) flush();
  closeSync(inputFile);
  closeSync(scoredFile);
  return { scored: output, input };
}

/** The files for these settings: written once, reused from --dir when its stamp matches. */
function sides(): { before: { scored: string; input: string }; after: { scored: string; input: string } } {
  const stamp = join(dir, 'bench-files.json');
  const settings = JSON.stringify({ prompts: PROMPTS, rollouts: ROLLOUTS, version: 1 });
  const paths = (side: string) => ({ scored: join(dir, `${side}.scored.jsonl`), input: join(dir, `${side}.rollouts.jsonl`) });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === settings) return { before: paths('before'), after: paths('after') };
  process.stderr.write(`writing ${PROMPTS} prompts × ${ROLLOUTS} rollouts per side to ${dir}…\n`);
  const written = { before: writeSide('before'), after: writeSide('after') };
  writeFileSync(stamp, settings);
  return written;
}

const { before, after } = sides();
const megabytes = (path: string) => statSync(path).size / 1e6;
const load = () => loadavg().map((value) => Math.round(value * 10) / 10);
const runs = [];
for (let run = 0; run < Number(values.runs); run += 1) {
  const loadBefore = load();
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      join(root, 'bench/process-usage.mjs'),
      ...cli,
      'compare',
      before.scored,
      after.scored,
      '--before-input',
      before.input,
      '--after-input',
      after.input,
      '--resamples',
      values.resamples,
      '--json',
      join(dir, 'compare.json'),
      '--html',
      join(dir, 'compare.html'),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const wallS = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`compare exited ${child.status}:\n${child.stderr}`);
  if (run === 0) process.stdout.write(child.stdout);
  const usage = JSON.parse(/PROCESS-USAGE (.*)\n/.exec(child.stderr)![1]!) as { cpuMs: number; maxRssMb: number };
  runs.push({
    wall_s: Math.round(wallS * 1000) / 1000,
    ratio_to_target: Math.round((wallS / TARGET_S) * 100) / 100,
    cpu_s: Math.round(usage.cpuMs) / 1000,
    peak_rss_mb: Math.round(usage.maxRssMb),
    load_average_before: loadBefore,
  });
}
const inputMb = Math.round(megabytes(before.scored) + megabytes(after.scored) + megabytes(before.input) + megabytes(after.input));
if (!keep) rmSync(dir, { recursive: true, force: true });
const result = {
  rows_per_side: PROMPTS * ROLLOUTS,
  prompts: PROMPTS,
  resamples: Number(values.resamples),
  cli: values.cli,
  input_mb: inputMb,
  target: `< ${TARGET_S} s wall, start-up included (ratio_to_target < 1 meets it)`,
  runs,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average after ${load().join(' ')}`,
};
console.log(`\n${JSON.stringify(result, null, 2)}`);
