/**
 * The README's "The RFT workflow, end to end" is a script that runs: this test takes the shell block between
 * `<!-- workflow:start -->` and `<!-- workflow:end -->`, and runs each of its commands, in order, with bash, in a scratch
 * folder that links the repository's `examples/`, with `rewardkit` on the PATH (a shim running src/cli/bin.ts through
 * tsx) and POLICY_URL / JUDGE_URL pointing at the stand-ins the README names (examples/contract-review/scripted-models.ts).
 * It asserts each command's exit code and key figures, that every line of the README's output excerpt was printed (in
 * order), and opens the viewer the last command starts (its page and pairs API), then stops it with Ctrl-C (SIGINT).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample } from '../examples/contract-review/build.js';
import { startScriptedModels } from '../examples/contract-review/scripted-models.js';
import type { FakeJudge } from './support/fake-judge-server.js';

const ROOT = resolve(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text between two HTML-comment markers of the README, inside its one fenced block. */
function markedBlock(name: string): string {
  const start = README.indexOf(`<!-- ${name}:start -->`);
  const end = README.indexOf(`<!-- ${name}:end -->`);
  expect(start, `README marker <!-- ${name}:start -->`).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const fenced = /```\w*\n([\s\S]*?)```/.exec(README.slice(start, end));
  expect(fenced, `a fenced block between the ${name} markers`).not.toBeNull();
  return fenced![1]!;
}

/** The block's commands: continued lines (`\` at the end) joined, comment and blank lines left out. */
function shellCommands(block: string): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const line of block.split('\n')) {
    if (!pending && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    commands.push(`${pending}${line.trim()}`);
    pending = '';
  }
  expect(pending, 'the block ends inside a continued command').toBe('');
  return commands;
}

interface Run {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Requests the stand-ins received while the command ran, by model (preflights apart). */
  requests?: Record<string, number>;
}

let models: FakeJudge;
let dir: string;
let env: NodeJS.ProcessEnv;
const runs: Run[] = [];

beforeAll(async () => {
  models = await startScriptedModels();
  dir = mkdtempSync(join(tmpdir(), 'rewardkit-readme-workflow-'));
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  // `rewardkit` as a user has it on the PATH: the CLI's entry point, run from source through tsx's loader
  const shim = join(bin, 'rewardkit');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${join(ROOT, 'src/cli/bin.ts')}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, POLICY_URL: models.url, JUDGE_URL: models.url };
  // the commands as a fresh shell runs them: no fence secret, no shared Redis
  for (const name of ['REWARDKIT_FENCE_SECRET', 'REWARDKIT_REDIS_URL', 'REWARDKIT_REDIS_PREFIX']) delete env[name];
});

afterAll(async () => {
  await models.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one command of the block with bash in the scratch folder, as a user's shell would. */
function run(command: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', command], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ command, code, stdout, stderr }));
  });
}

const lines = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n');
/** A table line with its runs of spaces cut to one. */
const squeezed = (text: string) => text.split('\n').map((line) => line.trim().replace(/ {2,}/g, ' '));

describe('README: the RFT workflow, end to end', () => {
  const commands = shellCommands(markedBlock('workflow'));

  it('is the commands a user types, in the order of the workflow', () => {
    expect(commands.map((command) => command.split(' --')[0])).toEqual([
      'rewardkit data validate examples/contract-review/dataset.jsonl',
      'rewardkit data convert',
      'rewardkit data validate train.parquet',
      'rewardkit rollouts',
      'rewardkit plan',
      'rewardkit judge test',
      'rewardkit lab regress',
      'rewardkit score',
      'rewardkit rollouts',
      'rewardkit score',
      'rewardkit compare base.scored.jsonl tuned.scored.jsonl',
      'rewardkit view base.scored.jsonl tuned.scored.jsonl',
    ]);
  });

  it('examples/contract-review/dataset.jsonl is what build.ts writes from source/*.yaml', () => {
    expect(readFileSync(join(ROOT, 'examples/contract-review/dataset.jsonl'), 'utf8')).toBe(buildExample().dataset);
  });

  it('runs every command but the viewer to exit 0, with the figures the README quotes', { timeout: 240_000 }, async () => {
    for (const command of commands.slice(0, -1)) {
      const before = models.requests.length;
      const result = await run(command);
      result.requests = {};
      for (const request of models.requests.slice(before)) result.requests[request.model] = (result.requests[request.model] ?? 0) + 1;
      runs.push(result);
      expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    const [validate, convert, validateParquet, baseRollouts, plan, judgeTest, regress, baseScore, tunedRollouts, tunedScore, compare] =
      runs.map((result) => `${result.stdout}${result.stderr}`) as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];

    expect(validate).toContain('  rows               12 (12 without problems)\n');
    expect(validate).toContain('  reference answers  text 0, object 12, none 0\n');
    expect(convert).toContain('object reference answer → reward_model.ground_truth as JSON text: 12 rows');
    expect(validateParquet).toContain('  reference answers  text 12, object 0, none 0\n');

    for (const [output, file] of [
      [baseRollouts, 'base.rollouts.jsonl'],
      [tunedRollouts, 'tuned.rollouts.jsonl'],
    ] as const) {
      expect(output).toContain('  calls     48 (48 attempts)');
      const rows = lines(file).map((line) => JSON.parse(line) as { id: string; group_id: string; messages: Array<{ role: string }> });
      expect(rows.slice(0, 5).map((row) => [row.id, row.group_id])).toEqual([
        ['nda#0', 'nda'],
        ['nda#1', 'nda'],
        ['nda#2', 'nda'],
        ['nda#3', 'nda'],
        ['saas#0', 'saas'],
      ]);
      expect(rows.map((row) => row.messages.map((message) => message.role).join(','))).toEqual(Array(48).fill('system,user,assistant'));
    }

    expect(squeezed(plan)).toContain(
      `openai-compatible:qwen3-8b@${models.url} 970.7 1.896 24.8% 2,191,157.3 194,133.3 0.2968 2 min 02 s concurrency`,
    );
    expect(judgeTest).toContain(`judge review_quality (rubric, openai-compatible:qwen3-8b@${models.url}): PASS\n`);
    expect(regress).toContain('regress: 18/18 cases pass, 0 failed, 0 errored\n');

    expect(lines('base.scored.jsonl')).toHaveLength(48);
    expect(squeezed(baseScore)).toContain('gated 5');
    expect(squeezed(baseScore)).toContain('review_quality 0.703 (n=43)');
    expect(lines('tuned.scored.jsonl')).toHaveLength(48);
    expect(squeezed(tunedScore)).toContain('review_quality 0.885 (n=48)');
    expect(squeezed(tunedScore)).toContain(
      `openai-compatible:qwen3-8b@${models.url} 0 calls + 150 cached, 0 retries, 0 errors, 0 / 0 tokens, cost unknown (no price)`,
    );

    expect(compare).toContain('  prompts        12 paired · 0 only before · 0 only after · 0 without a reward on a side\n');
    expect(compare).toContain('  reward         before 0.6794 → after 0.9156 (mean of prompt means)\n');
    expect(readFileSync(join(dir, 'compare.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    // what each command asked the stand-ins: the policy 48 samples a run, the judge 91 distinct verdicts for the
    // baseline (30 more answered by the cache) and none for the checkpoint, whose reviews the cache already holds
    expect(runs.map((result) => result.requests)).toEqual([
      {},
      {},
      {},
      { base: 48 },
      {},
      { 'qwen3-8b': 8 },
      { 'qwen3-8b': 44 },
      { 'qwen3-8b': 91 },
      { tuned: 48 },
      {},
      {},
    ]);
  });

  it('serves the viewer the last command starts until Ctrl-C (SIGINT), then exits 0', { timeout: 60_000 }, async () => {
    expect(runs).toHaveLength(commands.length - 1);
    // a process group of its own, so Ctrl-C reaches the viewer however the shell started it
    const child = spawn('bash', ['-c', commands.at(-1)!], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    try {
      let url: string | undefined;
      for (let tries = 0; tries < 1200 && !url; tries += 1) {
        url = /rewardkit view: (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops\)/.exec(stdout)?.[1];
        if (!url) await new Promise((wait) => setTimeout(wait, 25));
      }
      expect(url, stderr).toBeDefined();
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const meta = (await (await fetch(`${url}api/meta`)).json()) as {
        mode: string;
        sides: Array<{ rows: number }>;
        pairs: Record<string, unknown>;
      };
      expect(meta.mode).toBe('compare');
      expect(meta.sides.map((side) => side.rows)).toEqual([48, 48]);
      expect(meta.pairs).toEqual({ pair_by: 'prompt', paired: 12, only_before: 0, only_after: 0, no_reward: 0 });
      const top = (await (await fetch(`${url}api/pairs?sort=delta&order=desc&limit=2`)).json()) as {
        pairs: Array<{ id: string; before_rows: number[]; after_rows: number[] }>;
      };
      expect(top.pairs.map((pair) => [pair.id, pair.before_rows, pair.after_rows])).toEqual([
        ['licensing#0', [20, 21, 22, 23], [20, 21, 22, 23]],
        ['saas#0', [4, 5, 6, 7], [4, 5, 6, 7]],
      ]);
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      runs.push({ command: commands.at(-1)!, code: 0, stdout, stderr });
      expect(stderr).toContain('rewardkit view: stopped (SIGINT)\n');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });

  it('printed every line of the README excerpt, in order (PORT: the stand-in servers)', () => {
    expect(runs).toHaveLength(commands.length);
    const ports = { judge: new URL(models.url).port, view: /127\.0\.0\.1:(\d+)\//.exec(runs.at(-1)!.stdout)![1]! };
    let at = 0;
    for (const line of markedBlock('workflow:output').trimEnd().split('\n')) {
      const wanted = line.startsWith('rewardkit view: ') ? line.replace('PORT', ports.view) : line.replaceAll('PORT', ports.judge);
      const found = runs.findIndex((result, index) => index >= at && `${result.stdout}${result.stderr}`.split('\n').includes(wanted));
      expect(found, `not printed by "${runs[at]!.command}" or a later command: ${wanted}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
  });

  it('compare exits 11 when the lower bound of the delta is below --min-delta 0.2', { timeout: 60_000 }, async () => {
    const strict = commands.find((command) => command.startsWith('rewardkit compare'))!.replace('--min-delta 0.05', '--min-delta 0.2');
    const result = await run(strict.replace(' --html compare.html', ''));
    expect(result.code).toBe(11);
    expect(result.stdout + result.stderr).toContain(
      "Gate --min-delta 0.2: failed: the lower bound of the mean delta's 95% CI (+0.1383) is below --min-delta 0.2.",
    );
  });
});
