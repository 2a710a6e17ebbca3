/**
 * Interrupted runs: the CLI is killed (SIGKILL, no chance to clean up) or stopped with Ctrl-C (SIGINT)
 * mid-run, then continued with --resume. Every input line must end up in the output exactly once, in order.
 * The same for `--retry-errors`, which rewrites a finished output: a kill leaves the original file as it was.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { criteriaVerdict } from './support/test-spec.js';
import { useFakeJudge } from './support/use-fake-judge.js';

const ROWS = 60;
const judge = useFakeJudge(() => ({ content: criteriaVerdict({ ok: true }), delayMs: 40 }));
let dir: string;
let spec: string;
let input: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-resume-'));
  spec = join(dir, 'spec.yaml');
  input = join(dir, 'rollouts.jsonl');
  writeFileSync(spec, 'judges:\n  - {type: rubric, criteria: [{id: ok, description: fine}]}\n');
  writeFileSync(
    input,
    Array.from({ length: ROWS }, (_unused, index) =>
      JSON.stringify({ id: `row-${index + 1}`, prompt: 'q', response: `answer ${index + 1}` }),
    ).join('\n') + '\n',
  );
});

function startScore(output: string, ...extra: string[]): ChildProcess {
  const args = [
    '--import',
    'tsx',
    'src/cli/bin.ts',
    'score',
    '--spec',
    spec,
    '--input',
    input,
    '--output',
    output,
    '--no-cache',
    '--concurrency',
    '2',
    '--judge',
    'openai-compatible:fake',
    '--judge-base-url',
    judge.url,
    ...extra,
  ];
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

async function waitForLines(path: string, count: number): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (existsSync(path) && readFileSync(path, 'utf8').split('\n').length > count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${path} never reached ${count} lines`);
}

function outputLineNumbers(path: string): number[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { line: number }).line);
}

const ALL = Array.from({ length: ROWS }, (_unused, index) => index + 1);

async function waitForRequests(count: number): Promise<void> {
  for (let tries = 0; tries < 400 && judge.requests.length < count; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (judge.requests.length < count) throw new Error(`the judge never got ${count} requests`);
}

/** A finished output whose every row has a failed judge (the judge refused every call). */
async function failedRun(output: string): Promise<string> {
  judge.setScript(() => ({ status: 400 }));
  try {
    const run = await exited(startScore(output));
    expect(run.code).toBe(9);
  } finally {
    judge.setScript(() => ({ content: criteriaVerdict({ ok: true }), delayMs: 40 }));
  }
  const text = readFileSync(output, 'utf8');
  expect(
    text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { reward: number; flags: string[] }).flags),
  ).toEqual(ALL.map(() => ['judge_error']));
  return text;
}

function rewards(path: string): Array<[number, number, string[]]> {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { line: number; reward: number; flags: string[] })
    .map((line) => [line.line, line.reward, line.flags]);
}

describe('interrupted runs', () => {
  it('kill -9 mid-run, then --resume: every row exactly once, in order', async () => {
    const output = join(dir, 'killed.jsonl');
    const child = startScore(output);
    const done = exited(child);
    await waitForLines(output, 8);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const written = readFileSync(output, 'utf8').split('\n').length - 1;
    expect(written).toBeLessThan(ROWS);

    const resumed = await exited(startScore(output, '--resume'));
    expect(resumed.code).toBe(0);
    expect(outputLineNumbers(output)).toEqual(ALL);
  }, 60_000);

  it('Ctrl-C finishes the rows in flight and exits 130; --resume completes the run', async () => {
    const output = join(dir, 'interrupted.jsonl');
    const child = startScore(output);
    const done = exited(child);
    await waitForLines(output, 8);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('interrupted: finishing the rows in flight');
    const partial = outputLineNumbers(output);
    expect(partial).toEqual(ALL.slice(0, partial.length)); // a clean prefix, no gap
    expect(partial.length).toBeLessThan(ROWS);

    const resumed = await exited(startScore(output, '--resume'));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resumed after input line ${partial.length}`);
    expect(outputLineNumbers(output)).toEqual(ALL);
  }, 60_000);

  it('kill -9 mid --retry-errors leaves the original file intact; the next --retry-errors completes it', async () => {
    const output = join(dir, 'retry-killed.jsonl');
    const original = await failedRun(output);
    judge.requests.length = 0;
    const child = startScore(output, '--retry-errors');
    const done = exited(child);
    await waitForRequests(10);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(readFileSync(output, 'utf8')).toBe(original);

    const retried = await exited(startScore(output, '--retry-errors'));
    expect(retried.code).toBe(0);
    expect(retried.stderr).toContain(
      `score --retry-errors: judged ${ROWS} of ${ROWS} rows again in ${output} (${ROWS} now judged, 0 failed again`,
    );
    expect(rewards(output)).toEqual(ALL.map((line) => [line, 1, []]));
    expect(readdirSync(dir).filter((name) => name.startsWith('.retry-killed'))).toEqual([]); // the leftover temp file was reused and renamed
  }, 60_000);

  it('Ctrl-C mid --retry-errors keeps the rows judged so far, the others as they were (exit 130); the next run completes it', async () => {
    const output = join(dir, 'retry-interrupted.jsonl');
    await failedRun(output);
    judge.requests.length = 0;
    const child = startScore(output, '--retry-errors');
    const done = exited(child);
    await waitForRequests(10);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    const partial = rewards(output);
    expect(partial.map(([line]) => line)).toEqual(ALL); // every row still there exactly once, in order
    const judged = partial.filter(([, reward]) => reward === 1).length;
    expect(judged).toBeGreaterThanOrEqual(10);
    expect(judged).toBeLessThan(ROWS);
    expect(partial).toEqual(ALL.map((line) => (line <= judged ? [line, 1, []] : [line, 0.5, ['judge_error']]))); // a judged prefix
    expect(stopped.stderr).toContain(`flagged rows not reached (interrupted) are unchanged`);

    const retried = await exited(startScore(output, '--retry-errors'));
    expect(retried.code).toBe(0);
    expect(rewards(output)).toEqual(ALL.map((line) => [line, 1, []]));
  }, 60_000);
});
