/**
 * `--judge ollama:MODEL` end to end: OLLAMA_HOST (in Ollama's own "host:port" form) points at the scripted fake judge
 * on 127.0.0.1, which speaks the OpenAI chat-completions protocol as Ollama's OpenAI-compatible endpoint does.
 * Every call, the preflight included, must reach /v1/chat/completions with the Ollama model name as sent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import { startFakeJudge, type FakeJudge } from './support/fake-judge-server.js';
import { runCli } from './support/run-cli.js';
import { criteriaVerdict } from './support/test-spec.js';

let dir: string;
let judge: FakeJudge;
let savedHost: string | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-ollama-'));
  // the scripted verdict: "correct" passes when the response says 4
  judge = await startFakeJudge((request) => ({ content: criteriaVerdict({ correct: request.user.includes('It is 4.') }) }));
  savedHost = process.env.OLLAMA_HOST;
  process.env.OLLAMA_HOST = new URL(judge.url).host; // "127.0.0.1:PORT"
});

afterAll(async () => {
  if (savedHost === undefined) delete process.env.OLLAMA_HOST;
  else process.env.OLLAMA_HOST = savedHost;
  await judge.close();
});

describe('rewardkit score --judge ollama:qwen3:1.7b', () => {
  it("scores every row through Ollama's OpenAI-compatible endpoint at OLLAMA_HOST, with the model name as given", async () => {
    const spec = join(dir, 'spec.yaml');
    writeFileSync(
      spec,
      ['judges:', '  - {type: rubric, name: correct, criteria: [{id: correct, description: The answer is correct}]}', ''].join('\n'),
    );
    const input = join(dir, 'rows.jsonl');
    const rows = [
      { id: 'a', prompt: 'What is 2 + 2?', response: 'It is 4.' },
      { id: 'b', prompt: 'What is 2 + 3?', response: 'It is 7.' },
    ];
    writeFileSync(input, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
    const output = join(dir, 'scored.jsonl');

    const run = await runCli('score', '--spec', spec, '--input', input, '--output', output, '--no-cache', '--judge', 'ollama:qwen3:1.7b');
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(EXIT.ok);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; reward: number; components: Array<{ calls: Array<{ model: string }> }> });
    expect(lines.map((line) => [line.id, line.reward])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    expect(lines.map((line) => line.components[0]!.calls.map((call) => call.model))).toEqual([
      ['ollama:qwen3:1.7b'],
      ['ollama:qwen3:1.7b'],
    ]);
    expect([...judge.preflights, ...judge.requests].map((request) => [request.path, request.model])).toEqual([
      ['/v1/chat/completions', 'qwen3:1.7b'],
      ['/v1/chat/completions', 'qwen3:1.7b'],
      ['/v1/chat/completions', 'qwen3:1.7b'],
    ]);
  });
});
