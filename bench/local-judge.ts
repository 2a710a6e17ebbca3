/**
 * The `local` scenario of `npm run bench`, run in its own process: loads a GGUF model into the local judge and sends
 * N criteria verdicts one after another through the whole path (createReward → scheduler → llama.cpp with the
 * verdict grammar → parse), then prints one `BENCH {…}` line on stderr: load time, verdicts/s, per-verdict latency
 * (p50, max), output tokens/s. On the tiny random-weight model (test/support/tiny-gguf.ts) that is the plumbing's
 * overhead, not a model's speed; with REWARDKIT_BENCH_GGUF=path it is also measured on that real model file.
 *   node --import tsx bench/local-judge.ts --model tiny|PATH --verdicts 20 --threads 1
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalLanguageModel } from '../src/models/local/local-language-model.js';
import { disposeLocalModels, localThreads } from '../src/models/local/local-model-host.js';
import { createReward } from '../src/reward.js';
import { validateSpecObject } from '../src/spec/load-spec.js';
import { TINY_MODEL_SHAPE, writeTinyGguf } from '../test/support/tiny-gguf.js';

const { values } = parseArgs({
  options: { model: { type: 'string', default: 'tiny' }, verdicts: { type: 'string', default: '20' }, threads: { type: 'string' } },
});
const verdicts = Number(values.verdicts);
const threads = localThreads(values.threads === undefined ? undefined : Number(values.threads));
const modelPath = values.model === 'tiny' ? join(mkdtempSync(join(tmpdir(), 'rewardkit-bench-local-')), 'tiny.gguf') : values.model;
const tinyBytes = values.model === 'tiny' ? writeTinyGguf(modelPath, TINY_MODEL_SHAPE) : undefined;

const loadStarted = performance.now();
await createLocalLanguageModel(modelPath, { threads, sequences: 1 }).load();
const loadMs = performance.now() - loadStarted;

const reward = createReward(
  validateSpecObject({
    judge_model: { provider: 'local', model: modelPath, threads, concurrency: 1, max_tokens: 512, timeout_ms: 600_000, max_retries: 0 },
    judges: [
      {
        type: 'rubric',
        name: 'quality',
        criteria: [
          { id: 'correct', description: 'The answer is correct' },
          { id: 'clear', description: 'The answer is clear' },
        ],
      },
    ],
  }),
);
const latencies: number[] = [];
let outputTokens = 0;
let inputTokens = 0;
let parsed = 0;
const started = performance.now();
for (let index = 0; index < verdicts; index++) {
  // a distinct prompt each time: nothing is answered from the in-flight dedup
  const result = await reward.score({
    id: `row-${index}`,
    prompt: `Question ${index}: what is ${index} + ${index}?`,
    response: `It is ${2 * index}.`,
    reference: String(2 * index),
  });
  for (const call of result.components.flatMap((component) => component.calls ?? [])) {
    latencies.push(call.latency_ms);
    outputTokens += call.usage.output_tokens;
    inputTokens += call.usage.input_tokens;
    if (!call.error) parsed++;
  }
}
const wallS = (performance.now() - started) / 1000;
await disposeLocalModels();
latencies.sort((a, b) => a - b);
process.stderr.write(
  `BENCH ${JSON.stringify({
    model: values.model === 'tiny' ? `tiny random-weight llama (${tinyBytes} bytes)` : modelPath,
    threads,
    load_ms: Math.round(loadMs),
    verdicts,
    parsed,
    wall_s: Math.round(wallS * 1000) / 1000,
    verdicts_per_s: Math.round((verdicts / wallS) * 100) / 100,
    latency_ms: { p50: latencies[Math.ceil(latencies.length / 2) - 1], max: latencies.at(-1) },
    input_tokens_per_verdict: Math.round(inputTokens / verdicts),
    output_tokens_per_verdict: Math.round(outputTokens / verdicts),
    output_tokens_per_s: Math.round(outputTokens / wallS),
  })}\n`,
);
