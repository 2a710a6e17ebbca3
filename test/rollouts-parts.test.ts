/**
 * The pieces of `rewardkit rollouts` on their own: a row's prompt as sent (--system, text parts, what cannot be sent),
 * the n requests of a row (seed + k, samples already written left out), the policy's ModelSpec from the flags, the
 * ids --resume reads, and CSV input through the data readers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDoneRollouts } from '../src/rollouts/done-rollouts.js';
import { generationRequests, promptOf } from '../src/rollouts/generation-request.js';
import { policyModelSpec } from '../src/rollouts/policy-spec.js';
import { runCli } from './support/run-cli.js';
import { useFakeJudge } from './support/use-fake-judge.js';

const policy = useFakeJudge((request) => ({ content: `re: ${request.user}` }));

function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'rewardkit-rollouts-parts-R-'));
}

describe('promptOf', () => {
  it('replaces the system prompt with --system (developer counts as system) and joins text parts', () => {
    const rowMessages = [
      { role: 'developer', content: 'old' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
      { role: 'Bot', content: 'earlier answer' },
      { role: 'user', content: 'follow-up' },
    ];
    expect(promptOf(rowMessages, 'new')).toEqual({
      messages: [{ role: 'system', content: 'new' }, ...rowMessages.slice(1)],
      prompt: [
        { role: 'system', text: 'new' },
        { role: 'user', text: 'ab' },
        { role: 'assistant', text: 'earlier answer' },
        { role: 'user', text: 'follow-up' },
      ],
    });
    expect(promptOf([{ role: 'user', content: 'q' }], 'sys')).toEqual({
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'q' },
      ],
      prompt: [
        { role: 'system', text: 'sys' },
        { role: 'user', text: 'q' },
      ],
    });
  });

  it('names what cannot be sent', () => {
    expect(promptOf([{ role: 'user', content: [{ type: 'image_url', image_url: 'x' }] }])).toEqual({
      problem: 'messages[0].content: part 0: expected a text part {type: "text", text}, got object {"type":"image_url","image_url":"x"}',
    });
    expect(promptOf([{ role: 'system', content: 's' }])).toEqual({ problem: 'messages: expected at least one user message, found none' });
    expect(
      promptOf([
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ]),
    ).toEqual({ problem: "messages[1]: the prompt ends with an assistant turn; expected the conversation to end with the user's" });
    expect(promptOf([{ role: 'user', content: 'q', tool_calls: [] }])).toEqual({
      problem: 'messages[0].tool_calls: a tool call cannot be sent for a rollout',
    });
    expect(promptOf([{ role: 'user', content: 42 }])).toEqual({
      problem: 'messages[0].content: expected text or a list of text parts, got number 42',
    });
  });
});

describe('generationRequests', () => {
  it('makes one request per sample not yet written, seed + k', () => {
    const prompt = [{ role: 'user' as const, text: 'q' }];
    expect(generationRequests('r', prompt, 4, 10, (sample) => sample === 1)).toEqual([
      { rowId: 'r', sample: 0, prompt, seed: 10 },
      { rowId: 'r', sample: 2, prompt, seed: 12 },
      { rowId: 'r', sample: 3, prompt, seed: 13 },
    ]);
    expect(generationRequests('r', prompt, 2, undefined, () => false)).toEqual([
      { rowId: 'r', sample: 0, prompt },
      { rowId: 'r', sample: 1, prompt },
    ]);
  });
});

describe('policyModelSpec', () => {
  it('samples at temperature 1 with a long timeout, asks for no JSON, and takes its price from the table', () => {
    const spec = policyModelSpec({
      model: 'ollama:qwen3:1.7b',
      prices: { 'ollama:qwen3:1.7b': { input_per_mtok: 0.1, output_per_mtok: 0.2 } },
    });
    expect([spec.provider, spec.model, spec.temperature, spec.timeout_ms, spec.structured_output, spec.price]).toEqual([
      'ollama',
      'qwen3:1.7b',
      1,
      300_000,
      'none',
      { input_per_mtok: 0.1, output_per_mtok: 0.2 },
    ]);
    const tuned = policyModelSpec({
      model: 'openai:gpt-4o-mini',
      temperature: 0.5,
      topP: 0.8,
      maxTokens: 300,
      concurrency: 2,
      maxRetries: 0,
    });
    expect([tuned.temperature, tuned.top_p, tuned.max_tokens, tuned.concurrency, tuned.max_retries, tuned.price]).toEqual([
      0.5,
      0.8,
      300,
      2,
      0,
      undefined,
    ]);
  });

  it('names the flag of a bad value', () => {
    expect(() => policyModelSpec({ model: 'nope:x' })).toThrow(/^--model: expected PROVIDER:MODEL/);
    expect(() => policyModelSpec({ model: 'openai-compatible:x', baseUrl: 'localhost' })).toThrow(
      '--model-base-url: expected an http(s) URL such as http://127.0.0.1:8000/v1, got "localhost"',
    );
    expect(() => policyModelSpec({ model: 'openai:x', topP: 0 })).toThrow('--top-p: Too small: expected number to be >0');
  });
});

describe('readDoneRollouts', () => {
  it('reads the ids of a rollouts file, and refuses a file that is not one', async () => {
    const dir = workDir();
    expect(await readDoneRollouts(join(dir, 'absent.jsonl'))).toEqual({ ids: new Set(), truncatedBytes: 0 });
    const good = join(dir, 'rollouts.jsonl');
    writeFileSync(good, '{"id":"a#0"}\n{"id":"a#1"}\n{"id":"b#');
    expect(await readDoneRollouts(good)).toEqual({ ids: new Set(['a#0', 'a#1']), truncatedBytes: '{"id":"b#'.length });
    expect(readFileSync(good, 'utf8')).toBe('{"id":"a#0"}\n{"id":"a#1"}\n');
    const scored = join(dir, 'scored.jsonl');
    writeFileSync(scored, '{"id":"a#0"}\n{"line":2,"reward":1}\n');
    await expect(readDoneRollouts(scored)).rejects.toThrow(
      `--resume: line 2 of ${scored} is not a rollout row with an "id"; is this a rewardkit rollouts file?`,
    );
  });
});

describe('rollouts --format auto', () => {
  it('reads a CSV dataset through the data readers (prompt and answer columns)', async () => {
    const dir = workDir();
    const input = join(dir, 'dataset.csv');
    writeFileSync(input, 'id,prompt,answer\nc1,Say hi,hi\n');
    const output = join(dir, 'rollouts.jsonl');
    const run = await runCli(
      'rollouts',
      '--model',
      'openai-compatible:policy',
      '--model-base-url',
      policy.url,
      '--input',
      input,
      '--n',
      '1',
      '--output',
      output,
      '--no-progress',
      '--quiet',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual({
      id: 'c1#0',
      group_id: 'c1',
      messages: [
        { role: 'user', content: 'Say hi' },
        { role: 'assistant', content: 're: Say hi' },
      ],
      reference_answer: 'hi',
    });
  });
});
