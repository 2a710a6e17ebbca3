// Runs one `rewardkit score` from the built package (dist/) in this process and reports, as the last line
// on stderr, the wall time of the run itself (start-up excluded) and the process's peak resident memory.
//   node bench/score-child.mjs score --spec … --input … --output …
import { main } from '../dist/cli/main.js';

const started = performance.now();
const code = await main(process.argv.slice(2));
const wallMs = performance.now() - started;
const cpu = process.cpuUsage();
process.stderr.write(
  `\nBENCH ${JSON.stringify({ code, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
process.exitCode = code;
