// The local judge on the tiny random-weight model (test/support/tiny-gguf.ts): load time, per-verdict latency and output
// tokens/s at 1 and 2 threads — the plumbing's overhead, not a real model's speed. Run: npx tsx scripts/measure-local-judge.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyGguf } from '../test/support/tiny-gguf.js';
import { createLocalLanguageModel } from '../src/models/local/local-language-model.js';
import { disposeLocalModels } from '../src/models/local/local-model-host.js';
import { createJudgeModel } from '../src/models/judge-model.js';
import { ModelSpecSchema } from '../src/spec/schema.js';
const modelPath = join(mkdtempSync(join(tmpdir(), 'rewardkit-measure-')), 'tiny.gguf');
writeTinyGguf(modelPath);
const schema = { type: 'object', properties: { criteria: { type: 'object', properties: { correct: { type: 'object', properties: { rationale: { type: 'string' }, pass: { type: 'boolean' } }, required: ['rationale', 'pass'], additionalProperties: false } }, required: ['correct'], additionalProperties: false } }, required: ['criteria'], additionalProperties: false };
for (const threads of [1, 2]) {
  const spec = ModelSpecSchema.parse({ provider: 'local', model: modelPath, threads, max_tokens: 1024 });
  const lm = createLocalLanguageModel(spec.model, { threads, sequences: 1 });
  let t = performance.now();
  await lm.load();
  const loadMs = performance.now() - t;
  const judge = createJudgeModel(spec, lm);
  const lat: number[] = []; let tokens = 0;
  t = performance.now();
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    const r = await judge.generate({ system: 'You are a strict judge.', user: `Question ${i}: is 2+2=4? Answer: yes.`, schema }, new AbortController().signal);
    JSON.parse(r.text); lat.push(performance.now() - s); tokens += r.usage.output_tokens;
  }
  const total = (performance.now() - t) / 1000;
  lat.sort((a, b) => a - b);
  console.log(`threads ${threads}: load ${loadMs.toFixed(0)} ms, 10 verdicts, median ${lat[5]!.toFixed(0)} ms/verdict, ${(tokens / 10).toFixed(0)} output tokens/verdict, ${(tokens / total).toFixed(0)} tokens/s`);
  await disposeLocalModels();
}
