/**
 * The local judge end to end, with real llama.cpp inference and no download: the test writes a tiny
 * random-weight llama model (test/support/tiny-gguf.ts) and scores rows through createReward with it.
 * The scores of a random model mean nothing: these tests assert the plumbing (prompt → llama.cpp → verdict →
 * reward), the grammar (every verdict parses and stays on its scale), the scheduling (sequences, cache,
 * determinism) and the failure paths (missing file, not a GGUF, unreachable download host) — never quality.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJudgeModel } from '../src/models/judge-model.js';
import { createLocalLanguageModel } from '../src/models/local/local-language-model.js';
import { LocalModelError } from '../src/models/local/local-model-error.js';
import { disposeLocalModels, localThreads } from '../src/models/local/local-model-host.js';
import { createReward } from '../src/reward.js';
import { JudgeCache } from '../src/runtime/judge-cache.js';
import { validateSpecObject } from '../src/spec/load-spec.js';
import type { RewardSpec } from '../src/spec/schema.js';
import { EXIT } from '../src/cli/exit-codes.js';
import { runCli } from './support/run-cli.js';
import { tinyGgufBytes, writeTinyGguf } from './support/tiny-gguf.js';
import { closedPort } from './support/closed-port.js';

let dir: string;
let modelPath: string;

/** One thread: the suite shares two cores with other test files, and llama.cpp's spinning threads starve when oversubscribed. */
const THREADS = 1;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-local-judge-'));
  modelPath = join(dir, 'tiny-random-llama.gguf');
  writeTinyGguf(modelPath);
});
afterAll(() => disposeLocalModels());

/** The spec under test: a 1–5 dimension rubric and a preference judge, judged by the tiny model. */
function localSpec(concurrency = 2): RewardSpec {
  return validateSpecObject({
    judge_model: { provider: 'local', model: modelPath, threads: THREADS, concurrency, max_tokens: 256, timeout_ms: 60_000 },
    judges: [
      {
        type: 'rubric',
        name: 'quality',
        dimensions: [
          { id: 'clarity', description: 'Is the answer clear?' },
          { id: 'accuracy', description: 'Is it correct?', min: 0, max: 3 },
        ],
      },
      { type: 'preference', name: 'versus_reference', criteria: 'Which answer is more helpful?', position: 'fixed' },
    ],
  });
}

const ROWS = [
  { id: 'a', prompt: 'What is 2 + 2?', response: 'It is 4.', reference: '4' },
  { id: 'b', prompt: 'Name a prime number.', response: 'Seven.', reference: '2' },
  { id: 'c', prompt: 'Capital of France?', response: 'Paris is the capital.', reference: 'Paris' },
];

describe('the tiny GGUF writer', () => {
  it('writes a few hundred KB that start with "GGUF" v3, the same bytes every time', () => {
    const bytes = readFileSync(modelPath);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(bytes.length).toBe(434_816);
    expect(tinyGgufBytes().equals(bytes)).toBe(true);
  });
});

describe('the local judge, through createReward', () => {
  it('scores every row with verdicts that parse and stay on their scales (the grammar guarantees it)', { timeout: 180_000 }, async () => {
    const reward = createReward(localSpec());
    const results = await reward.scoreBatch(ROWS);
    expect(results.map((result) => result.id)).toEqual(['a', 'b', 'c']);
    for (const result of results) {
      expect(result.neutral).toBe(false);
      expect(result.flags).toEqual([]);
      expect(result.reward).toBeGreaterThanOrEqual(0);
      expect(result.reward).toBeLessThanOrEqual(1);
      for (const component of result.components) {
        expect(component.status).toBe('scored');
        for (const call of component.calls!) {
          expect(call.error).toBeUndefined();
          expect(call.finish_reason).toBe('stop');
          expect(call.usage.input_tokens).toBeGreaterThan(0);
          expect(call.usage.output_tokens).toBeGreaterThan(0);
          expect(call.cost_usd).toBeUndefined();
          const verdict = JSON.parse(call.raw) as Record<string, Record<string, { score: number; rationale: string }>> & {
            verdict?: string;
          };
          if (component.type === 'rubric') {
            expect(Object.keys(verdict.dimensions!)).toEqual(['clarity', 'accuracy']);
            expect([1, 2, 3, 4, 5]).toContain(verdict.dimensions!.clarity!.score);
            expect([0, 1, 2, 3]).toContain(verdict.dimensions!.accuracy!.score);
          } else {
            expect(['A', 'B', 'tie']).toContain(verdict.verdict);
          }
        }
      }
    }
    const counters = reward.schedulers.get(`local:${modelPath}`)!.counters;
    expect(counters.calls).toBe(6);
    expect(counters.errors).toBe(0);
    expect(counters.retries).toBe(0);
  });

  it(
    'is deterministic (temperature 0, fixed seed) and answers a repeat from the judge cache without inference',
    { timeout: 180_000 },
    async () => {
      const cache = await JudgeCache.open({ path: ':memory:' });
      const first = await createReward(localSpec(), { cache }).scoreBatch(ROWS);
      const again = createReward(localSpec(), { cache });
      const second = await again.scoreBatch(ROWS);
      const raws = (results: typeof first) =>
        results.flatMap((result) => result.components.flatMap((component) => component.calls!.map((call) => call.raw)));
      expect(raws(second)).toEqual(raws(first));
      expect(second.every((result) => result.components.every((component) => component.calls!.every((call) => call.cached === true)))).toBe(
        true,
      );
      expect(second.map((result) => result.reward)).toEqual(first.map((result) => result.reward));
      // a fresh reward with no cache runs the model again and gets the same verdicts
      const fresh = await createReward(localSpec()).scoreBatch(ROWS);
      expect(raws(fresh)).toEqual(raws(first));
      cache.close();
    },
  );

  it(
    'runs calls on parallel sequences of one shared model: 4 calls on 2 sequences finish, one load for all',
    { timeout: 180_000 },
    async () => {
      const language = createLocalLanguageModel(modelPath, { threads: THREADS, sequences: 2 });
      const loaded = await language.load();
      expect(await createLocalLanguageModel(modelPath, { threads: THREADS, sequences: 2 }).load()).toBe(loaded);
      const judge = createJudgeModel(localSpec().judge_model!, language);
      const schema = {
        type: 'object',
        properties: { rationale: { type: 'string' }, pass: { type: 'boolean' } },
        required: ['rationale', 'pass'],
        additionalProperties: false,
      };
      const replies = await Promise.all(
        [0, 1, 2, 3].map((index) =>
          judge.generate({ system: 'You judge answers.', user: `Answer ${index}`, schema }, new AbortController().signal),
        ),
      );
      for (const reply of replies) {
        const verdict = JSON.parse(reply.text) as { rationale: string; pass: boolean };
        expect(Object.keys(verdict)).toEqual(['rationale', 'pass']);
        expect(typeof verdict.pass).toBe('boolean');
      }
      expect(loaded.threads).toBe(THREADS);
    },
  );
});

describe('the local judge refuses a model it cannot use, with a message that says what to do', () => {
  const remedies = (message: string) => {
    expect(message).toContain('REWARDKIT_MODELS_DIR');
    expect(message).toContain('--judge local:/path/to/model.gguf');
    expect(message).toContain('--judge ollama:MODEL');
  };

  it('a missing file', async () => {
    const missing = join(dir, 'nope.gguf');
    const error = await createLocalLanguageModel(missing, {
      threads: THREADS,
      sequences: 1,
      env: { REWARDKIT_MODELS_DIR: join(dir, 'models') },
    })
      .load()
      .catch((caught: unknown) => caught);
    expect(LocalModelError.isInstance(error)).toBe(true);
    expect((error as LocalModelError).kind).toBe('file_missing');
    expect((error as Error).message).toContain(`local judge model file not found: ${missing}`);
    remedies((error as Error).message);
  });

  it('a file that is not a GGUF', async () => {
    const html = join(dir, 'page.gguf');
    writeFileSync(html, '<!doctype html><p>Not found</p>');
    const error = await createLocalLanguageModel(html, { threads: THREADS, sequences: 1 })
      .load()
      .catch((caught: unknown) => caught);
    expect((error as LocalModelError).kind).toBe('not_gguf');
    expect((error as Error).message).toContain(
      `local judge model ${html} (${html}) is not a GGUF model file: expected it to start with "GGUF", found a file starting with "<!do"`,
    );
    remedies((error as Error).message);
  });

  it('a model to download when the download host does not answer: fails at once, never hangs', async () => {
    const port = await closedPort();
    const models = join(dir, 'empty-cache');
    const started = performance.now();
    const error = await createLocalLanguageModel('default', {
      threads: THREADS,
      sequences: 1,
      env: { REWARDKIT_MODELS_DIR: models, HF_ENDPOINT: `http://127.0.0.1:${port}/` },
    })
      .load()
      .catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect((error as LocalModelError).kind).toBe('download_failed');
    expect((error as Error).message).toContain(
      `cannot download the default local model (hf:unsloth/Qwen3-1.7B-GGUF/Qwen3-1.7B-Q4_K_M.gguf) into ${models}: http://127.0.0.1:${port}/ is not reachable`,
    );
    expect((error as Error).message).toContain(`models are kept in ${models}`);
    remedies((error as Error).message);
  });
});

describe('rewardkit score --judge local:FILE', () => {
  const specFile = () => {
    const path = join(dir, 'spec.yaml');
    writeFileSync(
      path,
      [
        'judge_model: {provider: openai-compatible, model: unused, base_url: "http://127.0.0.1:9/v1", threads: 1, max_tokens: 200}',
        'judges:',
        '  - {type: rubric, criteria: [{id: correct, description: The answer is correct}]}',
      ].join('\n'),
    );
    const input = join(dir, 'rows.jsonl');
    writeFileSync(input, ROWS.map((row) => JSON.stringify(row)).join('\n') + '\n');
    return { path, input };
  };

  it('scores every row with the tiny model and exits 0', { timeout: 180_000 }, async () => {
    const { path, input } = specFile();
    const output = join(dir, 'scored.jsonl');
    const run = await runCli('score', '--spec', path, '--input', input, '--output', output, '--no-cache', '--judge', `local:${modelPath}`);
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(EXIT.ok);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; neutral: boolean; components: { status: string }[] });
    expect(lines.map((line) => line.id)).toEqual(['a', 'b', 'c']);
    expect(lines.every((line) => !line.neutral && line.components.every((component) => component.status === 'scored'))).toBe(true);
  });

  it('a missing model file: exit 5 before any row is scored, with the message that says what to do', async () => {
    const { path, input } = specFile();
    const output = join(dir, 'never.jsonl');
    const missing = join(dir, 'missing.gguf');
    const run = await runCli('score', '--spec', path, '--input', input, '--output', output, '--no-cache', '--judge', `local:${missing}`);
    expect(run.code).toBe(EXIT.judgeUnreachable);
    expect(run.stderr).toContain(`judge local:${missing}: local judge model file not found: ${missing}`);
    expect(run.stderr).toContain('--judge ollama:MODEL');
    expect(() => readFileSync(output, 'utf8')).toThrow();
  });
});

describe('the thread count', () => {
  it('is the option, else REWARDKIT_LOCAL_THREADS, else the available cores; a bad value is refused', () => {
    expect(localThreads(3, { REWARDKIT_LOCAL_THREADS: '5' })).toBe(3);
    expect(localThreads(undefined, { REWARDKIT_LOCAL_THREADS: '5' })).toBe(5);
    expect(localThreads(undefined, {})).toBe(availableParallelism());
    expect(() => localThreads(undefined, { REWARDKIT_LOCAL_THREADS: 'two' })).toThrow(
      'REWARDKIT_LOCAL_THREADS: expected a whole number >= 1, got "two"',
    );
  });
});
