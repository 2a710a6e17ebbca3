// What the local judge costs on this machine's CPU, measured through rewardkit's own path (createReward with a
// `provider: local` spec and a 3-criteria rubric, so the verdict's JSON grammar applies), on a random-weight model:
// the tiny test model (the plumbing's overhead), or a model of a real shape (Qwen3-1.7B, Llama-3.2-3B: Q4_0 matrices,
// the real vocabulary size) written to a temp folder and deleted afterwards. Random weights write gibberish, but the
// arithmetic per token is the real shape's. Per thread count it reports: load time, prompt processing (tokens/s),
// generated tokens/s under the grammar, seconds per verdict, and what the contract-review example's judge calls
// would take at that speed. Run:
//   npx tsx scripts/measure-local-judge.ts --shape qwen3-1.7b --threads 1,2 --verdicts 5 [--max-tokens 256]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalLanguageModel } from '../src/models/local/local-language-model.js';
import { disposeLocalModels, type LoadedLocalModel } from '../src/models/local/local-model-host.js';
import { createReward } from '../src/reward.js';
import { validateSpecObject } from '../src/spec/load-spec.js';
import { loadSpecWithJudge } from '../src/spec/load-spec-with-judge.js';
import { MODEL_SHAPES, TINY_MODEL_SHAPE, writeShapedGguf, writeTinyGguf, type ModelShapeName } from '../test/support/tiny-gguf.js';

const SHAPES = ['tiny', ...Object.keys(MODEL_SHAPES)] as const;
const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'tiny' },
    threads: { type: 'string', default: '1,2' },
    verdicts: { type: 'string', default: '10' },
    'max-tokens': { type: 'string', default: '256' },
    'prompt-tokens': { type: 'string', default: '512' },
  },
});
const shapeName = values.shape;
if (!(SHAPES as readonly string[]).includes(shapeName))
  fail(`--shape: expected one of ${SHAPES.join(', ')}, got ${JSON.stringify(shapeName)}`);
const threadCounts = values.threads.split(',').map((value) => wholeNumber('--threads', value));
const verdicts = wholeNumber('--verdicts', values.verdicts);
const maxTokens = wholeNumber('--max-tokens', values['max-tokens']);
const promptTokens = wholeNumber('--prompt-tokens', values['prompt-tokens']);

const folder = mkdtempSync(join(tmpdir(), 'rewardkit-measure-'));
try {
  const modelPath = join(folder, `${shapeName}.gguf`);
  let started = performance.now();
  const fileBytes =
    shapeName === 'tiny'
      ? writeTinyGguf(modelPath, TINY_MODEL_SHAPE)
      : writeShapedGguf(modelPath, MODEL_SHAPES[shapeName as ModelShapeName].shape, {
          weights: 'q4_0',
          vocabulary: MODEL_SHAPES[shapeName as ModelShapeName].vocabulary,
          tiedEmbeddings: true,
          name: `rewardkit random-weight ${shapeName}-shaped llama (Q4_0; for measuring speed only)`,
        });
  console.log(
    `model: ${shapeName}, random weights, ${(fileBytes / 1e6).toFixed(1)} MB written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(
    `machine: ${process.platform}-${process.arch}, load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')} at start`,
  );
  const contractReview = await contractReviewPrompts();

  for (const threads of threadCounts) {
    started = performance.now();
    const loaded = await createLocalLanguageModel(modelPath, { threads, sequences: 1 }).load();
    const loadS = (performance.now() - started) / 1000;
    const promptPerS = await promptProcessingRate(loaded, promptTokens);
    const reward = createReward(
      validateSpecObject({
        judge_model: {
          provider: 'local',
          model: modelPath,
          threads,
          concurrency: 1,
          max_tokens: maxTokens,
          timeout_ms: 1_800_000,
          max_retries: 0,
        },
        judges: [
          {
            type: 'rubric',
            name: 'quality',
            criteria: [
              { id: 'correct', description: 'The answer is factually correct.' },
              { id: 'complete', description: 'The answer covers every part of the question.' },
              { id: 'clear', description: 'The answer is clear and concise.' },
            ],
          },
        ],
      }),
    );
    const meter = await sequenceOf(loaded);
    const runs: { seconds: number; prompt: number; evaluated: number; output: number; parsed: boolean }[] = [];
    for (let index = 0; index < verdicts; index++) {
      const evaluatedBefore = meter.usedInputTokens;
      const row = {
        id: `row-${index}`,
        prompt: `Question ${index}: what is ${index} + ${index}, and why?`,
        response: `It is ${2 * index}: adding ${index} twice.`,
      };
      const result = await reward.score(row);
      for (const call of result.components.flatMap((component) => component.calls ?? [])) {
        runs.push({
          seconds: call.latency_ms / 1000,
          prompt: call.usage.input_tokens,
          evaluated: meter.usedInputTokens - evaluatedBefore,
          output: call.usage.output_tokens,
          parsed: !call.error,
        });
      }
    }
    await disposeLocalModels();

    const sum = (pick: (run: (typeof runs)[number]) => number) => runs.reduce((total, run) => total + pick(run), 0);
    const seconds = runs.map((run) => run.seconds).sort((a, b) => a - b);
    // generation time = verdict time − the prompt tokens it evaluated (the rest came from the sequence's cache) at the measured rate
    const generationS = sum((run) => run.seconds - run.evaluated / promptPerS);
    const generatedPerS = sum((run) => run.output) / generationS;
    const outputPerVerdict = sum((run) => run.output) / runs.length;
    const projection = (evaluatedTokens: number) =>
      (evaluatedTokens / promptPerS + contractReview.calls * (outputPerVerdict / generatedPerS)) / 60;
    console.log(
      [
        `threads ${threads}: load ${loadS.toFixed(1)} s; prompt processing ${promptPerS.toFixed(1)} tokens/s (${promptTokens} tokens in one batch)`,
        `  ${runs.length} verdicts (${runs.filter((run) => run.parsed).length} parsed), max_tokens ${maxTokens}: ` +
          `median ${seconds[Math.ceil(seconds.length / 2) - 1]!.toFixed(1)} s/verdict (first ${runs[0]!.seconds.toFixed(1)} s, min ${seconds[0]!.toFixed(1)}, max ${seconds.at(-1)!.toFixed(1)})`,
        `  prompt ${(sum((run) => run.prompt) / runs.length).toFixed(0)} tokens/verdict, evaluated ${runs.map((run) => run.evaluated).join('/')} (the rest reused from the cache)`,
        `  generated ${outputPerVerdict.toFixed(0)} tokens/verdict at ${generatedPerS.toFixed(1)} tokens/s under the grammar`,
        `  contract-review (${contractReview.calls} judge calls, ${contractReview.rows} rows; real tokenizer est. ${contractReview.charsPerToken} chars/token): ` +
          `~${projection(contractReview.sharedPrefixTokens).toFixed(0)} min with each row's prompt prefix reused ` +
          `(${contractReview.sharedPrefixTokens} prompt tokens), ~${projection(contractReview.fullTokens).toFixed(0)} min with none (${contractReview.fullTokens})`,
      ].join('\n'),
    );
  }
  console.log(
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')} at the end`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}

/** Prompt tokens per second: one batch of `count` tokens evaluated on a cleared sequence, then cleared again. */
async function promptProcessingRate(loaded: LoadedLocalModel, count: number): Promise<number> {
  const sequence = await loaded.acquire();
  try {
    const text = 'The parties agree that the receiving party shall keep the confidential information secret. '.repeat(
      Math.ceil(count / 80),
    );
    const tokens = loaded.model.tokenize(text).slice(0, count);
    await sequence.clearHistory();
    const started = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(tokens);
    const seconds = (performance.now() - started) / 1000;
    await sequence.clearHistory();
    return tokens.length / seconds;
  } finally {
    loaded.release(sequence);
  }
}

/** The token meter of the model's one sequence (created by promptProcessingRate; returned to the pool at once). */
async function sequenceOf(loaded: LoadedLocalModel) {
  const sequence = await loaded.acquire();
  loaded.release(sequence);
  return sequence.tokenMeter;
}

/**
 * The contract-review example's judge prompts (rendered without calling a judge): how many calls, and their prompt
 * tokens for a real tokenizer, estimated at CHARS_PER_TOKEN — in full, and with each row's common prefix (contract,
 * guidelines) evaluated once per row, as one sequence reusing its cache does.
 */
async function contractReviewPrompts(): Promise<{
  calls: number;
  rows: number;
  fullTokens: number;
  sharedPrefixTokens: number;
  charsPerToken: number;
}> {
  const CHARS_PER_TOKEN = 4;
  const { spec } = loadSpecWithJudge('examples/contract-review/spec.yaml', { provider: 'local', model: 'default' });
  const reward = createReward(spec);
  const rows = readFileSync('examples/contract-review/rollouts.jsonl', 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
  let calls = 0;
  let fullChars = 0;
  let sharedPrefixChars = 0;
  for (const [index, row] of rows.entries()) {
    let previous = '';
    for (const { request } of (await reward.plan(row, `line-${index + 1}`)).prompts) {
      const text = `${request.system}\n${request.user}`;
      let common = 0;
      while (common < previous.length && common < text.length && previous[common] === text[common]) common++;
      calls++;
      fullChars += text.length;
      sharedPrefixChars += text.length - common;
      previous = text;
    }
  }
  const tokens = (chars: number) => Math.round(chars / CHARS_PER_TOKEN);
  return {
    calls,
    rows: rows.length,
    fullTokens: tokens(fullChars),
    sharedPrefixTokens: tokens(sharedPrefixChars),
    charsPerToken: CHARS_PER_TOKEN,
  };
}

function wholeNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) fail(`${flag}: expected a whole number >= 1, got ${JSON.stringify(value)}`);
  return number;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
