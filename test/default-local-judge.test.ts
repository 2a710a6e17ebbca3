/**
 * The main job with no flags beyond spec, input and output: a spec that names no judge model, run with no --judge,
 * is judged by the default local model (`local:default`) in `score`, `serve` (a spawned process) and the lab.
 * No download: the models folder (REWARDKIT_MODELS_DIR) already holds the tiny random-weight GGUF under the file name
 * node-llama-cpp's resolver gives the default `hf:` URI, so the resolver finds it on disk and never goes to the
 * network (HF_ENDPOINT points at a closed local port, so a wrong name fails at once instead of reaching out).
 * The random model's scores mean nothing: the tests assert that every row went through the local judge.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { disposeLocalModels } from '../src/models/local/local-model-host.js';
import { DEFAULT_LOCAL_MODEL } from '../src/models/local/local-model-ref.js';
import { readJson, runLab } from './lab/support/run-lab.js';
import { spawnServer } from './serve/support/spawned-server.js';
import { runCli } from './support/run-cli.js';
import { writeTinyGguf } from './support/tiny-gguf.js';
import { closedPort } from './support/closed-port.js';

/** Where node-llama-cpp's resolveModelFile looks for DEFAULT_LOCAL_MODEL in a models folder (its "hf_OWNER_FILE" naming). */
const DEFAULT_MODEL_FILE_NAME = 'hf_unsloth_Qwen3-1.7B-Q4_K_M.gguf';

const ROWS = [
  { id: 'a', prompt: 'What is 2 + 2?', response: 'It is 4.' },
  { id: 'b', prompt: 'Name a prime number.', response: 'Seven.' },
  { id: 'c', prompt: 'Capital of France?', response: 'Paris is the capital.' },
];

let dir: string;
let spec: string;
let input: string;
/** The variables the runs see: the models folder, one thread (2 threads are 10× slower on a busy 2-core machine), no network. */
let localEnv: Record<string, string>;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-default-judge-'));
  const models = join(dir, 'models');
  mkdirSync(models);
  writeTinyGguf(join(models, DEFAULT_MODEL_FILE_NAME));
  spec = join(dir, 'spec.yaml');
  // no judge_model, and the judge has no model of its own
  writeFileSync(
    spec,
    [
      'name: no-judge-model',
      'judges:',
      '  - {type: rubric, name: correct, criteria: [{id: correct, description: The answer is correct}]}',
      '',
    ].join('\n'),
  );
  input = join(dir, 'rows.jsonl');
  writeFileSync(input, ROWS.map((row) => JSON.stringify(row)).join('\n') + '\n');
  localEnv = { REWARDKIT_MODELS_DIR: models, REWARDKIT_LOCAL_THREADS: '1', HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}/` };
  for (const [name, value] of Object.entries(localEnv)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  await disposeLocalModels();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

interface ScoredLine {
  id: string;
  neutral: boolean;
  components: Array<{ name: string; status: string; calls: Array<{ model: string }> }>;
}

describe('a spec with no judge model, run with no --judge, uses the default local judge', () => {
  it('the models folder holds the default model under the name node-llama-cpp resolves it to, found with no download', async () => {
    const { resolveModelFile } = await import('node-llama-cpp');
    const found = await resolveModelFile(DEFAULT_LOCAL_MODEL, { directory: localEnv.REWARDKIT_MODELS_DIR!, download: false, cli: false });
    expect(found).toBe(join(localEnv.REWARDKIT_MODELS_DIR!, DEFAULT_MODEL_FILE_NAME));
  });

  it('score --spec --input --output: every row judged by local:default, exit 0', { timeout: 180_000 }, async () => {
    const output = join(dir, 'scored.jsonl');
    const run = await runCli('score', '--spec', spec, '--input', input, '--output', output, '--no-cache');
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(EXIT.ok);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ScoredLine);
    expect(lines.map((line) => line.id)).toEqual(['a', 'b', 'c']);
    for (const line of lines) {
      expect(line.neutral).toBe(false);
      expect(line.components.map((component) => [component.name, component.status, component.calls.map((call) => call.model)])).toEqual([
        ['correct', 'scored', ['local:default']],
      ]);
    }
  });

  it('serve --spec: /v1/score answers through the local judge (a real process)', { timeout: 180_000 }, async () => {
    const server = await spawnServer(['--spec', spec, '--log-level', 'silent'], localEnv);
    try {
      const response = await fetch(`${server.url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows: ROWS.slice(0, 2) }),
      });
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: ScoredLine[] };
      expect(
        results.map((result) => [
          result.id,
          result.neutral,
          result.components.map((component) => [component.status, component.calls.map((call) => call.model)]),
        ]),
      ).toEqual([
        ['a', false, [['scored', ['local:default']]]],
        ['b', false, [['scored', ['local:default']]]],
      ]);
    } finally {
      await server.stop();
    }
  });

  it('lab consistency --spec --input --repeats 2: every repeat judged by local:default, exit 0', { timeout: 180_000 }, async () => {
    const twoRows = join(dir, 'two-rows.jsonl');
    writeFileSync(
      twoRows,
      ROWS.slice(0, 2)
        .map((row) => JSON.stringify(row))
        .join('\n') + '\n',
    );
    const json = join(dir, 'consistency.json');
    const run = await runLab(
      'consistency',
      '--spec',
      spec,
      '--input',
      twoRows,
      '--repeats',
      '2',
      '--no-cache',
      '--json',
      json,
      '--resamples',
      '50',
    );
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(EXIT.ok);
    const result = readJson<{ source: { judge_models: string[] }; rows: unknown[] }>(json);
    expect(result.source.judge_models).toEqual(['local:default']);
  });
});
