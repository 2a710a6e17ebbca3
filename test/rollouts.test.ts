/**
 * `rewardkit rollouts` end to end against the fake OpenAI-compatible server: the exact rows written, n samples as n
 * real calls, the concurrency cap, retries, failed samples reported and never written, --resume after an
 * interruption or a --limit, rows that cannot be sent, and `score` reading the output.
 */
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort } from './support/closed-port.js';
import type { FakeRequest } from './support/fake-judge-server.js';
import { runCli } from './support/run-cli.js';
import { useFakeJudge } from './support/use-fake-judge.js';

const policy = useFakeJudge();

function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'rewardkit-rollouts-R-'));
}

/** The prompts' rows: an id, a system prompt, a reference answer and an extra field; and a row with neither id nor system. */
const DATASET = [
  {
    id: 'q1',
    messages: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'What is 2+2?' },
    ],
    reference_answer: '4',
    topic: 'math',
  },
  { messages: [{ role: 'user', content: [{ type: 'text', text: 'Name a colour.' }] }] },
];

function writeDataset(dir: string, rows: unknown[] = DATASET): string {
  const path = join(dir, 'dataset.jsonl');
  writeFileSync(path, rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n');
  return path;
}

function readRows(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The fake policy's reply: the prompt's user text and the request's arrival index. */
const echo = (request: FakeRequest) => ({
  content: `${request.user} → reply ${request.index}`,
  usage: { prompt_tokens: 10, completion_tokens: 5 },
});

function args(dir: string, input: string, ...more: string[]): string[] {
  return ['rollouts', '--model', 'openai-compatible:policy-7b', '--model-base-url', policy.url, '--input', input, ...more, '--no-progress'];
}

describe('rollouts', () => {
  it('writes one Nova row per sample: the dataset row, the reply as the last assistant message, id <row>#<k>, group_id <row>', async () => {
    policy.setScript(echo);
    const dir = workDir();
    const output = join(dir, 'rollouts.jsonl');
    const run = await runCli(...args(dir, writeDataset(dir), '--n', '2', '--concurrency', '1', '--output', output));
    expect(run.code).toBe(0);
    expect(readRows(output)).toEqual([
      {
        id: 'q1#0',
        group_id: 'q1',
        messages: [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'What is 2+2?' },
          { role: 'assistant', content: 'What is 2+2? → reply 0' },
        ],
        reference_answer: '4',
        topic: 'math',
      },
      {
        id: 'q1#1',
        group_id: 'q1',
        messages: [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'What is 2+2?' },
          { role: 'assistant', content: 'What is 2+2? → reply 1' },
        ],
        reference_answer: '4',
        topic: 'math',
      },
      {
        id: 'line-2#0',
        group_id: 'line-2',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Name a colour.' }] },
          { role: 'assistant', content: 'Name a colour. → reply 2' },
        ],
      },
      {
        id: 'line-2#1',
        group_id: 'line-2',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Name a colour.' }] },
          { role: 'assistant', content: 'Name a colour. → reply 3' },
        ],
      },
    ]);
    // the requests: the conversation as sent, at the sampling temperature, with the default budget
    expect(
      policy.requests.map((request) => [request.model, request.body.messages, request.body.temperature, request.body.max_tokens]),
    ).toEqual([
      [
        'policy-7b',
        [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'What is 2+2?' },
        ],
        1,
        1024,
      ],
      [
        'policy-7b',
        [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'What is 2+2?' },
        ],
        1,
        1024,
      ],
      ['policy-7b', [{ role: 'user', content: 'Name a colour.' }], 1, 1024],
      ['policy-7b', [{ role: 'user', content: 'Name a colour.' }], 1, 1024],
    ]);
    expect(policy.preflights).toHaveLength(1);
    expect(run.stderr).toContain('rows      2 read');
    expect(run.stderr).toContain('rollouts  4 written · 0 failed');
    expect(run.stderr).toContain('tokens    40 in · 20 out · cost unknown (give --prices)');
  });

  it('sends n identical prompts as n real calls (nothing cached or shared), with seed + k and the flags', async () => {
    policy.setScript(echo);
    const dir = workDir();
    const input = writeDataset(dir, [DATASET[0]]);
    const output = join(dir, 'rollouts.jsonl');
    const flags = ['--n', '3', '--seed', '7', '--temperature', '0.7', '--top-p', '0.9', '--max-tokens', '64'];
    const first = await runCli(...args(dir, input, ...flags, '--output', output, '--system', 'Be terse.', '--quiet'));
    expect(first.code).toBe(0);
    expect(policy.requests).toHaveLength(3);
    expect(policy.requests.map((request) => request.body.seed).sort()).toEqual([7, 8, 9]);
    expect(
      new Set(policy.requests.map((request) => JSON.stringify([request.body.temperature, request.body.top_p, request.body.max_tokens]))),
    ).toEqual(new Set([JSON.stringify([0.7, 0.9, 64])]));
    // --system replaces the row's system prompt, in the request and in the output row
    expect(policy.requests[0]!.system).toBe('Be terse.');
    const rows = readRows(output);
    expect(rows.map((row) => row.id)).toEqual(['q1#0', 'q1#1', 'q1#2']);
    expect((rows[0]!.messages as unknown[])[0]).toEqual({ role: 'system', content: 'Be terse.' });
    expect(new Set(rows.map((row) => (row.messages as Array<{ content: string }>)[2]!.content)).size).toBe(3);
    // a second run asks again: no cache between runs either
    const second = await runCli(...args(dir, input, ...flags, '--output', join(dir, 'again.jsonl'), '--quiet'));
    expect(second.code).toBe(0);
    expect(policy.requests).toHaveLength(6);
  });

  it('keeps at most --concurrency calls in flight, and uses them', async () => {
    let inFlight = 0;
    let most = 0;
    policy.setScript(async (request) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      return echo(request);
    });
    const dir = workDir();
    const rows = Array.from({ length: 6 }, (_, index) => ({ id: `p${index}`, messages: [{ role: 'user', content: `prompt ${index}` }] }));
    const output = join(dir, 'rollouts.jsonl');
    const run = await runCli(...args(dir, writeDataset(dir, rows), '--n', '2', '--concurrency', '3', '--output', output, '--quiet'));
    expect(run.code).toBe(0);
    expect(policy.requests).toHaveLength(12);
    expect(most).toBe(3);
    // written in input order whatever order the replies came in
    expect(readRows(output).map((row) => row.id)).toEqual(rows.flatMap((row) => [`${row.id}#0`, `${row.id}#1`]));
  });

  it('retries a sample on 429 (Retry-After) and 500, and writes it once it succeeds', async () => {
    const tries = new Map<string, number>();
    policy.setScript((request) => {
      const attempt = (tries.get(request.user) ?? 0) + 1;
      tries.set(request.user, attempt);
      if (request.user === 'What is 2+2?' && attempt === 1) return { status: 429, headers: { 'retry-after': '0' } };
      if (request.user === 'Name a colour.' && attempt === 1) return { status: 500 };
      return echo(request);
    });
    const dir = workDir();
    const output = join(dir, 'rollouts.jsonl');
    const run = await runCli(...args(dir, writeDataset(dir), '--n', '1', '--concurrency', '1', '--output', output));
    expect(run.code).toBe(0);
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#0', 'line-2#0']);
    expect(policy.requests).toHaveLength(4);
    expect(run.stderr).toContain('calls     2 (4 attempts)');
  });

  it('reports a sample that fails after its retries, writes nothing for it, exits 9; --resume generates only that one', async () => {
    policy.setScript((request) =>
      request.user === 'Name a colour.' && request.index === 3
        ? { status: 400, body: { error: { message: 'prompt rejected' } } }
        : echo(request),
    );
    const dir = workDir();
    const input = writeDataset(dir);
    const output = join(dir, 'rollouts.jsonl');
    const run = await runCli(...args(dir, input, '--n', '2', '--concurrency', '1', '--output', output));
    expect(run.code).toBe(9);
    expect(run.stderr).toContain('line 2: row "line-2" sample 1 not written — bad_request (HTTP 400)');
    expect(run.stderr).toContain('rollouts  3 written · 1 failed');
    expect(run.stderr).toContain('1 samples failed after their retries and were not written; run the same command with --resume');
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#0', 'q1#1', 'line-2#0']);

    policy.setScript(echo);
    policy.requests.length = 0;
    const resumed = await runCli(...args(dir, input, '--n', '2', '--concurrency', '1', '--output', output, '--resume'));
    expect(resumed.code).toBe(0);
    expect(policy.requests.map((request) => request.user)).toEqual(['Name a colour.']);
    expect(resumed.stderr).toContain('rollouts  1 written (+3 already in the output) · 0 failed');
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#0', 'q1#1', 'line-2#0', 'line-2#1']);
  });

  it('an empty reply is a failed sample, not an empty rollout', async () => {
    policy.setScript((request) => (request.index === 0 ? { content: '' } : echo(request)));
    const dir = workDir();
    const output = join(dir, 'rollouts.jsonl');
    const run = await runCli(...args(dir, writeDataset(dir, [DATASET[0]]), '--n', '2', '--concurrency', '1', '--output', output));
    expect(run.code).toBe(9);
    expect(run.stderr).toContain('sample 0 not written — empty_output: the policy replied with no text (finish reason stop)');
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#1']);
  });

  it('--resume after an interrupted run (Ctrl-C, then a partial last line) gives every rollout exactly once', async () => {
    const rows = Array.from({ length: 8 }, (_, index) => ({ id: `p${index}`, messages: [{ role: 'user', content: `prompt ${index}` }] }));
    const dir = workDir();
    const input = writeDataset(dir, rows);
    const output = join(dir, 'rollouts.jsonl');
    policy.setScript(async (request) => {
      if (request.index === 5) process.emit('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return echo(request);
    });
    const first = await runCli(...args(dir, input, '--n', '3', '--concurrency', '2', '--output', output, '--quiet'));
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('interrupted: finishing the samples in flight');
    const written = readRows(output).length;
    expect(written).toBeGreaterThanOrEqual(6);
    expect(written).toBeLessThan(24);
    // a kill -9 mid-write leaves a partial line: --resume cuts it
    const partial = '{"id":"p7#0","messages":[{"ro';
    appendFileSync(output, partial);
    policy.setScript(echo);
    policy.requests.length = 0;
    const resumed = await runCli(...args(dir, input, '--n', '3', '--concurrency', '2', '--output', output, '--resume', '--quiet'));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`--resume: cut a partial last line (${partial.length} bytes)`);
    expect(policy.requests).toHaveLength(24 - written);
    const ids = readRows(output).map((row) => row.id);
    expect(ids).toEqual(rows.flatMap((row) => [0, 1, 2].map((sample) => `${row.id}#${sample}`)));
  });

  it('--limit, then --resume without it, completes the file; a raised --n adds the new samples only', async () => {
    policy.setScript(echo);
    const dir = workDir();
    const input = writeDataset(dir);
    const output = join(dir, 'rollouts.jsonl');
    expect((await runCli(...args(dir, input, '--n', '2', '--limit', '1', '--output', output, '--quiet'))).code).toBe(0);
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#0', 'q1#1']);
    expect((await runCli(...args(dir, input, '--n', '2', '--output', output, '--resume', '--quiet'))).code).toBe(0);
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#0', 'q1#1', 'line-2#0', 'line-2#1']);
    policy.requests.length = 0;
    expect((await runCli(...args(dir, input, '--n', '3', '--output', output, '--resume', '--quiet'))).code).toBe(0);
    expect(policy.requests).toHaveLength(2);
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#0', 'q1#1', 'line-2#0', 'line-2#1', 'q1#2', 'line-2#2']);
  });

  it('skips a row that cannot be sent (not JSON, a tool turn, a duplicate id), naming the line, and exits 6', async () => {
    policy.setScript(echo);
    const dir = workDir();
    const input = writeDataset(dir, [
      DATASET[0],
      '{not json',
      {
        id: 't',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', content: 'result' },
        ],
      },
      { id: 'q1', messages: [{ role: 'user', content: 'again' }] },
    ]);
    const output = join(dir, 'rollouts.jsonl');
    const run = await runCli(...args(dir, input, '--n', '1', '--output', output));
    expect(run.code).toBe(6);
    expect(run.stderr).toContain('line 2: row skipped — not JSON');
    expect(run.stderr).toContain(
      'line 3: row skipped — messages[1].role: expected system, user or assistant (a tool turn cannot be sent for a rollout), got the string "tool"',
    );
    expect(run.stderr).toContain(
      'line 4: row skipped — id: "q1" was already the id of line 1; expected ids unique (rollout ids are <id>#<k>)',
    );
    expect(readRows(output).map((row) => row.id)).toEqual(['q1#0']);
  });

  it('prices the tokens with --prices', async () => {
    policy.setScript(echo);
    const dir = workDir();
    const prices = join(dir, 'prices.yaml');
    writeFileSync(prices, 'openai-compatible:policy-7b: {input_per_mtok: 1, output_per_mtok: 4}\n');
    const run = await runCli(...args(dir, writeDataset(dir), '--n', '2', '--prices', prices, '--output', join(dir, 'out.jsonl')));
    expect(run.code).toBe(0);
    // 4 calls × (10 in × $1 + 5 out × $4) per million tokens
    expect(run.stderr).toContain('tokens    40 in · 20 out · $0.0001');
  });

  it('stops before any call when the model is unreachable (exit 5), and on bad flags (exit 2)', async () => {
    const dir = workDir();
    const input = writeDataset(dir);
    const port = await closedPort();
    const down = await runCli(
      'rollouts',
      '--model',
      'openai-compatible:policy-7b',
      '--model-base-url',
      `http://127.0.0.1:${port}/v1`,
      '--input',
      input,
    );
    expect(down.code).toBe(5);
    expect(down.stderr).toContain('rollouts: cannot reach the policy model, so no rollout was made:');
    expect(down.stderr).toContain(
      `model openai-compatible:policy-7b@http://127.0.0.1:${port}/v1 at http://127.0.0.1:${port}/v1 is not reachable (ECONNREFUSED)`,
    );

    const badModel = await runCli('rollouts', '--model', 'gpt-4o', '--input', input);
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain('--model: expected PROVIDER:MODEL');
    const badTemperature = await runCli(...args(dir, input, '--temperature', '3'));
    expect(badTemperature.code).toBe(2);
    expect(badTemperature.stderr).toBe('rollouts: --temperature: Too big: expected number to be <=2\n');
    const badFormat = await runCli(...args(dir, input, '--format', 'verl'));
    expect(badFormat.stderr).toBe('rollouts: --format: expected one of nova | openai | auto, got "verl"\n');
    const noOutput = await runCli(...args(dir, input, '--resume'));
    expect(noOutput.stderr).toBe('rollouts: --resume needs --output (the file to continue)\n');
    const help = await runCli('rollouts', '--help');
    expect([help.code, help.stdout.split('\n')[0]]).toEqual([
      0,
      'Usage: rewardkit rollouts --model PROVIDER:MODEL --input DATASET --output ROLLOUTS.jsonl [options]',
    ]);
    expect((await runCli('--help')).stdout).toContain('\n  rollouts   baseline rollouts: n samples per dataset prompt from a policy model');
  });

  it('writes rows that `rewardkit score` reads as they are: one result per rollout, its id and group kept', async () => {
    policy.setScript(echo);
    const dir = workDir();
    const output = join(dir, 'rollouts.jsonl');
    expect((await runCli(...args(dir, writeDataset(dir), '--n', '2', '--concurrency', '1', '--output', output, '--quiet'))).code).toBe(0);
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'checks:\n  - type: length\n    unit: chars\n    min: 1\n    max: 24\n');
    const scored = join(dir, 'scored.jsonl');
    const score = await runCli('score', '--spec', spec, '--input', output, '--output', scored, '--no-progress', '--quiet');
    expect(score.code).toBe(0);
    // "What is 2+2? → reply 0" is 22 characters (inside 24), "Name a colour. → reply 2" is 24
    expect(readRows(scored).map((row) => [row.line, row.id, row.reward])).toEqual([
      [1, 'q1#0', 1],
      [2, 'q1#1', 1],
      [3, 'line-2#0', 1],
      [4, 'line-2#1', 1],
    ]);
  });
});
