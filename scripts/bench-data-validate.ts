/**
 * Throughput of `rewardkit data validate`: writes a Nova RFT dataset of N lines (default 1,000,000; realistic rows
 * of ~400 bytes: a system and a user message, a reference answer, a distinct id, an extra field), then validates it
 * in-process and prints lines/s (wall clock, and per CPU second of this process: the one-core figure on a busy
 * machine), the peak RSS of the process and the bytes the duplicate-id set holds. The target is ≥ 100,000 lines/s on
 * one core, in memory that does not grow with the file apart from the ids seen (about 40 bytes per distinct id).
 *   taskset -c 1 npx tsx scripts/bench-data-validate.ts            1,000,000 lines (written to a temp folder, deleted)
 *   npx tsx scripts/bench-data-validate.ts --n 200000 --keep
 *   taskset -c 1 npx tsx scripts/bench-data-validate.ts --file /tmp/train.jsonl     validate a kept file only: the
 *                                                                    peak RSS is then validate's alone
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateDataset } from '../src/data/validate-dataset.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1000000' }, keep: { type: 'boolean' }, file: { type: 'string' } },
});
const dir = values.file ? undefined : mkdtempSync(join(tmpdir(), 'rewardkit-bench-data-'));
const file = values.file ?? join(dir!, 'train.jsonl');
if (!values.file) await writeDataset(file, Number(values.n));

async function writeDataset(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  for (let index = 0; index < lines; index++) {
    const row = {
      id: `row-${index}`,
      messages: [
        { role: 'system', content: 'You are a contract reviewer. Flag every clause that shifts liability to the customer.' },
        {
          role: 'user',
          content: `Review clause ${index % 97}.${index % 13} of agreement ${index}: "The supplier's liability is capped at the fees paid in the prior twelve months."`,
        },
      ],
      reference_answer: { flagged: index % 2 === 0, reason: 'The cap excludes gross negligence and wilful misconduct.' },
      customer: `customer-${index % 1000}`,
    };
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
const bytes = statSync(file).size;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
let problems = 0;
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const summary = await validateDataset(file, { format: 'nova', platform: 'none' }, () => problems++);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

console.log(
  JSON.stringify(
    {
      lines: summary.rows,
      megabytes: Math.round(bytes / 1e5) / 10,
      seconds: Math.round(seconds * 100) / 100,
      linesPerSecond: Math.round(summary.rows / seconds),
      // CPU time of this process (user + system): the one-core figure, unaffected by other load on the machine
      cpuSeconds: Math.round(cpuSeconds * 100) / 100,
      linesPerCpuSecond: Math.round(summary.rows / cpuSeconds),
      problems,
      peakRssMb: Math.round(peakRss / 1e6),
      // the whole process's peak (getrusage): with --file, validate's own
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      node: process.version,
    },
    null,
    2,
  ),
);
if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });
else if (dir) console.log(`kept ${file}`);
