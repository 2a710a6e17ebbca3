/**
 * The benchmark's judge: the scripted fake judge server (test/support/fake-judge-server.ts) in its own
 * process, so it does not share an event loop with the code being measured. Faults are drawn from a
 * seeded generator, so every run of a scenario sees the same sequence.
 *   tsx bench/fake-judge-process.ts --latency-ms 100 --jitter-ms 10 --rate-429 0.1 --retry-after-s 1 --hang-rate 0.01
 */
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/lab/statistics/prng.js';
import { startFakeJudge } from '../test/support/fake-judge-server.js';

const { values } = parseArgs({
  options: {
    'latency-ms': { type: 'string', default: '100' },
    'jitter-ms': { type: 'string', default: '0' },
    'rate-429': { type: 'string', default: '0' },
    'retry-after-s': { type: 'string', default: '1' },
    'hang-rate': { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
  },
});
const latency = Number(values['latency-ms']);
const jitter = Number(values['jitter-ms']);
const rate429 = Number(values['rate-429']);
const hangRate = Number(values['hang-rate']);

const random = mulberry32(Number(values.seed));
const verdict = JSON.stringify({ criteria: { ok: { rationale: 'fine', pass: true } } });

const judge = await startFakeJudge(
  () => {
    const draw = random();
    if (draw < hangRate) return { hang: true };
    if (draw < hangRate + rate429) return { status: 429, headers: { 'retry-after': values['retry-after-s'] } };
    const delayMs = Math.max(0, latency + (random() * 2 - 1) * jitter);
    return { content: verdict, delayMs, usage: { prompt_tokens: 200, completion_tokens: 20 } };
  },
  { record: false }, // the harness must not be what is measured: no request log growing in memory
);
process.stdout.write(`${judge.url}\n`);
process.on('SIGTERM', () => {
  const cpu = process.cpuUsage();
  process.stderr.write(`fake judge: cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms\n`);
  void judge.close().then(() => process.exit(0));
});
