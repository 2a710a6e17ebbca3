/**
 * Benchmark of `rewardkit compare` (issue 13: 100,000 rows in < 5 s). Writes two scored files of P prompts × R
 * rollouts each (default 25,000 × 4 = 100,000 rows per side, rows shaped like score's output: three components, a
 * rationale and a judge call record) and the rollouts they came from (a 300-character prompt, responses of 200–1,400
 * characters), then runs `rewardkit compare` on them in this process with the inputs, --json and --html, and reports
 * the wall and CPU time of the command (start-up excluded), the peak memory and the file sizes.
 *   npx tsx bench/compare.ts                       # 25,000 prompts × 4 rollouts, 10,000 resamples
 *   npx tsx bench/compare.ts --prompts 2500 --resamples 1000
 */
import { closeSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { main } from '../src/cli/main.js';
import { mulberry32 } from '../src/lab/statistics/index.js';

const { values } = parseArgs({
  options: {
    prompts: { type: 'string', default: '25000' },
    rollouts: { type: 'string', default: '4' },
    resamples: { type: 'string', default: '10000' },
  },
});
const PROMPTS = Number(values.prompts);
const ROLLOUTS = Number(values.rollouts);
const dir = mkdtempSync(join(tmpdir(), 'rewardkit-bench-compare-'));
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

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

process.stderr.write(`writing ${PROMPTS} prompts × ${ROLLOUTS} rollouts per side to ${dir}…\n`);
const before = writeSide('before');
const after = writeSide('after');
const megabytes = (path: string) => statSync(path).size / 1e6;
const stdout = new Sink();
const stderr = new Sink();
const cpuStart = process.cpuUsage();
const started = performance.now();
const code = await main(
  [
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
  { stdout, stderr },
);
const wallS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
if (code !== 0) throw new Error(`compare exited ${code}:\n${stderr.text}`);
process.stdout.write(stdout.text);
const result = {
  rows_per_side: PROMPTS * ROLLOUTS,
  prompts: PROMPTS,
  resamples: Number(values.resamples),
  wall_s: Math.round(wallS * 1000) / 1000,
  cpu_s: Math.round((cpu.user + cpu.system) / 1000) / 1000,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  input_mb: Math.round(megabytes(before.scored) + megabytes(after.scored) + megabytes(before.input) + megabytes(after.input)),
  target: '< 5 s for 100,000 rows',
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}`,
};
console.log(`\n${JSON.stringify(result, null, 2)}`);
