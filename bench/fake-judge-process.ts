/**
 * The benchmark's judge: the scripted fake judge server (test/support/fake-judge-server.ts) in its own
 * process, so it does not share an event loop with the code being measured. Faults are drawn from a
 * seeded generator, so every run of a scenario sees the same sequence. It answers a group judge's prompt
 * (rollout sections) with a score for exactly the rollouts found (from each rollout's text length), a preference
 * judge's (schema `preference_verdict`) with a tie, and anything else with a passing rubric verdict — all after the
 * same latency, whatever the prompt's size.
 *   tsx bench/fake-judge-process.ts --latency-ms 100 --jitter-ms 10 --rate-429 0.1 --retry-after-s 1 --hang-rate 0.01
 */
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/lab/statistics/prng.js';
import { startFakeJudge, type FakeRequest } from '../test/support/fake-judge-server.js';
import { groupRollouts } from '../test/support/group-judge.js';

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
const rubricVerdict = JSON.stringify({ criteria: { ok: { rationale: 'fine', pass: true } } });
const preferenceVerdict = JSON.stringify({ rationale: 'fine', verdict: 'tie' });

/** The verdict for a request: group (one entry per rollout section found, none other), preference, else rubric. */
function verdictFor(request: FakeRequest): string {
  const rollouts = groupRollouts(request.user);
  if (rollouts.length > 0) {
    // a score on 0–10 that depends on the rollout's text only, so every order agrees
    const entries = rollouts.map(({ label, text }) => [label, { rationale: 'fine', score: text.length % 11 }] as const);
    return JSON.stringify({ rollouts: Object.fromEntries(entries) });
  }
  const format = request.body.response_format as { json_schema?: { name?: unknown } } | undefined;
  return format?.json_schema?.name === 'preference_verdict' ? preferenceVerdict : rubricVerdict;
}

const judge = await startFakeJudge(
  (request) => {
    const draw = random();
    if (draw < hangRate) return { hang: true };
    if (draw < hangRate + rate429) return { status: 429, headers: { 'retry-after': values['retry-after-s'] } };
    const delayMs = Math.max(0, latency + (random() * 2 - 1) * jitter);
    return { content: verdictFor(request), delayMs, usage: { prompt_tokens: 200, completion_tokens: 20 } };
  },
  { record: false }, // the harness must not be what is measured: no request log growing in memory
);
process.stdout.write(`${judge.url}\n`);
process.on('SIGTERM', () => {
  const cpu = process.cpuUsage();
  process.stderr.write(`fake judge: cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms\n`);
  void judge.close().then(() => process.exit(0));
});
