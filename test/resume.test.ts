/**
 * Interrupted runs: the CLI is killed (SIGKILL, no chance to clean up) or stopped with Ctrl-C (SIGINT)
 * mid-run, then continued with --resume. Every input line must end up in the output exactly once, in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  writeFileSync(input, Array.from({ length: ROWS }, (_unused, index) => JSON.stringify({ id: `row-${index + 1}`, prompt: 'q', response: `answer ${index + 1}` })).join('\n') + '\n');
});

function startScore(output: string, ...extra: string[]): ChildProcess {
  const args = ['--import', 'tsx', 'src/cli/bin.ts', 'score', '--spec', spec, '--input', input, '--output', output, '--no-cache', '--concurrency', '2', '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url, ...extra];
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
});
