/**
 * `rewardkit view` as a user runs it: help and flag errors with exit codes, a run in process that prints the URL and
 * closes when told to stop, and a real process that serves until Ctrl-C (SIGINT), then closes and exits 0.
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runViewCommand } from '../../src/cli/view-command.js';
import { runCli } from '../support/run-cli.js';
import { ROLLOUTS, SPEC, writeViewFixture, type ViewFixture } from './support/view-fixture.js';

let fixture: ViewFixture;
beforeAll(async () => {
  fixture = await writeViewFixture();
}, 60_000);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

describe('rewardkit view: usage', () => {
  it('--help shows the usage and is listed in rewardkit --help', async () => {
    const help = await runCli('view', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: rewardkit view SCORED.jsonl [--input ROLLOUTS.jsonl] [--spec SPEC] [--port P]');
    expect((await runCli('--help')).stdout).toContain('  view       browse scored rows in a local web viewer');
  });

  it('refuses bad usage with exit 2, a missing file with exit 4 and a bad spec with exit 3', async () => {
    expect(await runCli('view')).toMatchObject({
      code: 2,
      stderr:
        'view: expected one scored file (SCORED.jsonl) or two (BEFORE.jsonl AFTER.jsonl), got none\nRun "rewardkit view --help" for usage.\n',
    });
    expect(await runCli('view', 'a.jsonl', '--before-input', 'b.jsonl')).toMatchObject({ code: 2 });
    expect(await runCli('view', 'a.jsonl', 'b.jsonl', '--before-input', 'x.jsonl')).toMatchObject({
      code: 2,
      stderr: 'view: give both --before-input and --after-input, or neither\n',
    });
    expect(await runCli('view', fixture.scored, '--port', '70000')).toMatchObject({
      code: 2,
      stderr: 'view: --port: expected a whole number from 0 to 65535, got "70000"\n',
    });
    const missing = await runCli('view', '/nonexistent/scored.jsonl');
    expect(missing).toMatchObject({ code: 4, stderr: 'view: SCORED.jsonl /nonexistent/scored.jsonl: cannot read the file (ENOENT)\n' });
    expect((await runCli('view', fixture.scored, '--spec', ROLLOUTS)).code).toBe(3);
  });
});

describe('rewardkit view: running', () => {
  it('prints the URL, serves the file, and closes when stopped', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    let stop: (signal: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const running = runViewCommand([fixture.scored, '--input', ROLLOUTS, '--spec', SPEC], { stdout, stderr }, () => stopped);
    let url: string | undefined;
    for (let tries = 0; tries < 400 && !url; tries += 1) {
      url = /rewardkit view: (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops\)/.exec(stdout.text)?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(url, stderr.text).toBeDefined();
    expect(stderr.text).toContain(`scored: ${fixture.scored}: 38 rows\n`);
    const rows = (await (await fetch(`${url}api/rows?flag=gated`)).json()) as { matched: number };
    expect(rows.matched).toBe(3);
    stop('SIGINT');
    expect(await running).toBe(0);
    expect(stderr.text).toContain('rewardkit view: stopped (SIGINT)\n');
    await expect(fetch(`${url}api/meta`)).rejects.toThrow();
  }, 30_000);

  it('runs as a process until Ctrl-C, then exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'view', fixture.scored, fixture.afterScored], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /rewardkit view: (\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
    const meta = (await (await fetch(`${url}api/meta`)).json()) as { mode: string; pairs: Record<string, unknown> };
    expect(meta.mode).toBe('compare');
    // without the inputs, rows pair by id: the after run's ids all differ
    expect(meta.pairs).toEqual({ pair_by: 'id', paired: 0, only_before: 38, only_after: 35, no_reward: 0 });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('rewardkit view: stopped (SIGINT)');
  }, 30_000);
});
