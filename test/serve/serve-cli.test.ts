/**
 * `rewardkit serve` as a user runs it: help, flag errors with exit codes, and a real process that drains
 * on SIGTERM — stops accepting, finishes the request in flight, exits 0 — without ever logging its token.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startFakeJudge } from '../support/fake-judge-server.js';
import { useFakeJudge } from '../support/use-fake-judge.js';
import { probe, waitFor } from './support/in-process-server.js';
import { qaJudge } from './support/qa-judge.js';
import { spawnServer } from './support/spawned-server.js';
import { applyJudgeOverride, parseJudgeFlag } from '../../src/spec/judge-override.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { specHash } from '../../src/spec/spec-hash.js';
import { REWARDKIT_VERSION } from '../../src/version.js';

const SPEC = 'test/serve/fixtures/qa-spec.yaml';

const run = runCli;

const qa = qaJudge();
const judge = useFakeJudge(qa.script);

describe('rewardkit serve: usage', () => {
  it('--help lists the routes, the options and examples', async () => {
    const result = await run('serve', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: rewardkit serve --spec SPEC');
    expect(result.stdout).toContain('POST /get_reward  OpenRLHF remote reward model (--remote_rm_url http://HOST:PORT/get_reward)');
    expect(result.stdout).toContain('Examples:');
  });

  it('is listed in rewardkit --help', async () => {
    expect((await run('--help')).stdout).toContain('  serve      serve a reward spec over HTTP to trainers');
  });

  it.each([
    [['serve'], 2, 'serve: --spec is required'],
    [['serve', '--spec', SPEC, '--port', 'http'], 2, '--port: expected a port number 0–65535, got "http"'],
    [['serve', '--spec', SPEC, '--port', '70000'], 2, '--port: expected a port number 0–65535, got "70000"'],
    [['serve', '--spec', SPEC, '--deadline-ms', '0'], 2, '--deadline-ms: expected a positive whole number, got "0"'],
    [['serve', '--spec', SPEC, '--max-rows', '1.5'], 2, '--max-rows: expected a positive whole number, got "1.5"'],
    [['serve', '--spec', SPEC, '--max-rows-in-flight', '0'], 2, '--max-rows-in-flight: expected a positive whole number, got "0"'],
    [
      ['serve', '--spec', SPEC, '--max-body-mb-in-flight', 'lots'],
      2,
      '--max-body-mb-in-flight: expected a positive whole number, got "lots"',
    ],
    [['serve', '--spec', SPEC, '--body-timeout-ms', '0'], 2, '--body-timeout-ms: expected a positive whole number, got "0"'],
    [
      ['serve', '--spec', SPEC, '--neutral-warn-share', '50%'],
      2,
      '--neutral-warn-share: expected a share from 0 to 1 (e.g. 0.5), got "50%"',
    ],
    [
      ['serve', '--spec', SPEC, '--neutral-warn-share', '1.5'],
      2,
      '--neutral-warn-share: expected a share from 0 to 1 (e.g. 0.5), got "1.5"',
    ],
    [
      ['serve', '--spec', SPEC, '--neutral-warn-interval-s', '0'],
      2,
      '--neutral-warn-interval-s: expected a positive whole number, got "0"',
    ],
    [
      ['serve', '--spec', SPEC, '--log-level', 'loud'],
      2,
      '--log-level: expected one of fatal | error | warn | info | debug | trace | silent, got "loud"',
    ],
    [['serve', '--spec', SPEC, '--token', ' '], 2, '--token: expected a non-empty token'],
    [['serve', '--spec', SPEC, '--judge-base-url', 'http://x'], 2, '--judge-base-url needs --judge'],
    [['serve', '--spec', SPEC, '--frobnicate'], 2, "serve: Unknown option '--frobnicate'"],
    [['serve', '--spec', 'missing.yaml'], 3, 'missing.yaml  (spec): cannot read spec file: ENOENT'],
  ])('%j exits %i with a clear message', async (argv, code, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('    at ');
  });

  it('refuses to start, exit 5, when the judge is unreachable', async () => {
    const closed = await startFakeJudge();
    await closed.close();
    const result = await run('serve', '--spec', SPEC, '--judge', 'openai-compatible:fake', '--judge-base-url', closed.url);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`judge openai-compatible:fake@${closed.url} at ${closed.url} is not reachable (ECONNREFUSED)`);
    expect(result.stderr).toContain('--no-preflight');
  });

  it('a port already in use is exit 2 naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await run('serve', '--spec', SPEC, '--port', String(port), '--no-preflight', '--log-level', 'silent');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`serve: --port ${port}: address already in use on 127.0.0.1`);
    } finally {
      blocker.close();
    }
  });
});

describe('rewardkit serve: a real process', () => {
  it('serves a spec without judge_model when --judge names the judge (as score does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-serve-'));
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, readFileSync(SPEC, 'utf8').replace(/^judge_model:[^\n]*(\n {2}[^\n]*)*\n/m, ''));
    expect(readFileSync(spec, 'utf8')).not.toContain('judge_model');
    const server = await spawnServer(['--spec', spec, '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url]);
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect([health.status, ((await health.json()) as { judges: number }).judges]).toEqual([200, 1]);
    } finally {
      await server.stop();
    }
  });

  it('drains on SIGTERM: new requests get 503 "draining" on new connections, the request in flight is answered, exit 0; the token never logged', async () => {
    const token = 'spawned-token-9d2e';
    const server = await spawnServer(['--spec', SPEC, '--judge', 'openai-compatible:fake', '--judge-base-url', judge.url], {
      REWARDKIT_TOKEN: token,
    });
    try {
      const health = await fetch(`${server.url}/healthz`);
      // provenance: the spawned process reports the same spec hash as one computed here, and rewardkit's version
      const override = parseJudgeFlag('openai-compatible:fake', judge.url);
      const hash = specHash(applyJudgeOverride(loadSpec(SPEC, { defaultJudgeModel: override }).spec, override));
      expect([health.status, await health.json()]).toEqual([
        200,
        { status: 'ok', spec: 'qa', spec_hash: hash, rewardkit_version: REWARDKIT_VERSION, judges: 1, in_flight: 0 },
      ]);

      qa.closeGate();
      const pending = fetch(`${server.url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          rows: [{ id: 'in-flight', prompt: 'What is the capital of France?', response: 'Paris [gate]', reference: 'Paris' }],
          components: false,
        }),
      });
      pending.catch(() => {}); // awaited below; this only keeps an early failure from also being an unhandled rejection
      await waitFor(() => judge.requests.length === 1);
      server.process.kill('SIGTERM');
      await server.waitForLog('"msg":"draining: new requests get 503; finishing those in flight"');
      expect(await probe(`${server.url}/healthz`)).toBe('HTTP 503'); // a new connection, still accepted, turned away
      const late = await fetch(`${server.url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"rows": [{}]}',
      });
      expect([late.status, ((await late.json()) as { error: { code: string } }).error.code]).toEqual([503, 'draining']);

      qa.openGate();
      const response = await pending;
      expect(response.status).toBe(200);
      expect(
        ((await response.json()) as { results: Array<{ id: string; reward: number }> }).results.map((result) => [result.id, result.reward]),
      ).toEqual([['in-flight', 1]]);
      expect(await server.exited).toBe(0);
      expect(server.stdout).toContain('"msg":"stopped"');
      expect(server.stdout).toContain('"auth":"token required"');
      expect(server.stdout).not.toContain(token);
      expect(server.stdout).not.toContain('capital of France');
    } finally {
      await server.stop();
    }
  });
});
