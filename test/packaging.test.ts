/**
 * The container packaging, checked without a Docker engine (none runs here, so the image is never built by the
 * tests): the Dockerfile's key facts (Node 20 on Debian bookworm slim, production dependencies, a non-root user, the
 * templates and schema where the code looks for them, a HEALTHCHECK on /healthz run by Node, serve's flags as serve
 * reads them), the .dockerignore allow-list holding everything the Dockerfile copies, the compose file (replicas,
 * Redis, the load balancer pointing at serve's port) and HAProxy's config; and the HEALTHCHECK's own script run by
 * node against a real `rewardkit serve` — 0 when it answers, 1 when it drains (503), is closed, or does not answer.
 * When the machine has them, `docker-compose config` and `haproxy -c` parse the files too.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { spawnServer } from './serve/support/spawned-server.js';
import { closedPort } from './support/closed-port.js';
import { startFakeJudge, type FakeJudge } from './support/fake-judge-server.js';
import { runCli } from './support/run-cli.js';
import { criteriaVerdict } from './support/test-spec.js';

const ROOT = resolve(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continued lines joined, comments left out. */
function dockerfile(): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of read('Dockerfile').split('\n')) {
    if (!pending && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const text = `${pending}${line.trim()}`;
    pending = '';
    const [keyword, ...rest] = text.split(' ');
    instructions.push({ keyword: keyword!.toUpperCase(), args: rest.join(' ') });
  }
  return instructions;
}

/** The instructions of the last stage (the image that runs). */
function runtimeStage(): Instruction[] {
  const all = dockerfile();
  const last = all.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  return all.slice(last);
}

const only = (instructions: Instruction[], keyword: string) => instructions.filter((instruction) => instruction.keyword === keyword);

/** The long flags `rewardkit serve --help` documents. */
async function serveFlags(): Promise<Set<string>> {
  const help = await runCli('serve', '--help');
  expect(help.code).toBe(0);
  return new Set(help.stdout.match(/--[a-z][a-z-]*/g));
}

describe('Dockerfile', () => {
  it('builds on Node 20, Debian bookworm slim, in every stage', () => {
    const all = dockerfile();
    expect(only(all, 'ARG').map((instruction) => instruction.args)).toContain('NODE_IMAGE=node:20-bookworm-slim');
    expect(only(all, 'FROM').map((instruction) => instruction.args)).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE}']);
  });

  it('compiles with the dev dependencies, then ships only the production ones and the built dist/', () => {
    const runs = only(dockerfile(), 'RUN').map((instruction) => instruction.args);
    const build = runs.findIndex((run) => run === 'npm run build');
    const production = runs.findIndex((run) => run.startsWith('npm ci --omit=dev'));
    expect(build).toBeGreaterThan(0);
    expect(production).toBeGreaterThan(build);
    expect(runs[production]).toContain('npm rebuild better-sqlite3'); // the native module, its install script skipped
    expect(only(runtimeStage(), 'COPY').map((instruction) => instruction.args)).toEqual([
      '--from=build /build/package.json ./package.json',
      '--from=build /build/node_modules ./node_modules',
      '--from=build /build/dist ./dist',
      'templates ./templates',
      'schema ./schema',
      'deploy/healthcheck.mjs ./deploy/healthcheck.mjs',
    ]);
  });

  it('puts the templates where the built code looks for them (two folders up from dist/spec/)', () => {
    const workdir = only(runtimeStage(), 'WORKDIR').at(-1)!.args;
    expect(workdir).toBe('/app');
    expect(read('src/spec/builtin-templates.ts')).toContain("new URL('../../templates/', import.meta.url)");
    expect(posix.resolve(workdir, 'dist/spec', '../../templates')).toBe(posix.resolve(workdir, './templates'));
  });

  it('runs as the non-root node user', () => {
    const stage = runtimeStage();
    const users = only(stage, 'USER').map((instruction) => instruction.args);
    expect(users).toEqual(['node']);
    const user = stage.findIndex((instruction) => instruction.keyword === 'USER');
    expect(user).toBeLessThan(stage.findIndex((instruction) => instruction.keyword === 'ENTRYPOINT'));
  });

  it('checks health with node on /healthz of the port it serves and exposes; rewardkit is the entry point', async () => {
    const stage = runtimeStage();
    expect(only(stage, 'HEALTHCHECK').map((instruction) => instruction.args)).toEqual([
      '--interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/deploy/healthcheck.mjs"]',
    ]);
    expect(read('deploy/healthcheck.mjs')).toContain("'http://127.0.0.1:8080/healthz'");
    expect(only(stage, 'EXPOSE').map((instruction) => instruction.args)).toEqual(['8080']);
    expect(only(stage, 'ENTRYPOINT').map((instruction) => JSON.parse(instruction.args) as unknown)).toEqual([['rewardkit']]);
    const cmd = JSON.parse(only(stage, 'CMD')[0]!.args) as string[];
    expect(cmd).toEqual(['serve', '--spec', '/spec/spec.yaml', '--host', '0.0.0.0', '--port', '8080']);
    const flags = await serveFlags();
    for (const flag of cmd.filter((arg) => arg.startsWith('--'))) expect(flags, flag).toContain(flag);
    // `rewardkit` on the PATH is the built CLI, an executable with a node shebang
    expect(only(stage, 'RUN').map((instruction) => instruction.args)).toContain(
      'chmod 0755 /app/dist/cli/bin.js && ln -s /app/dist/cli/bin.js /usr/local/bin/rewardkit',
    );
    expect(read('src/cli/bin.ts').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('copies nothing that .dockerignore leaves out of the build context, and no test file', () => {
    const lines = read('.dockerignore')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(lines[0]).toBe('*');
    const allowed = lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1).replace(/\/$/, ''));
    expect(lines).toContain('src/**/*.test.ts');
    const sources = only(dockerfile(), 'COPY')
      .map((instruction) => instruction.args.split(' '))
      .filter((args) => !args[0]!.startsWith('--from='))
      .flatMap((args) => args.slice(0, -1));
    expect(sources).toEqual([
      'package.json',
      'package-lock.json',
      'scripts/llama-gpu-builds-off',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
      'templates',
      'schema',
      'deploy/healthcheck.mjs',
    ]);
    for (const source of sources)
      expect(
        allowed.some((entry) => source === entry || source.startsWith(`${entry}/`)),
        source,
      ).toBe(true);
  });
});

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml')) as { services: Record<string, ComposeService> };
  const { rewardkit, redis, lb } = compose.services;

  it('runs at least two serve replicas of the image, each told where Redis is', async () => {
    expect(Object.keys(compose.services)).toEqual(['rewardkit', 'redis', 'lb']);
    expect(rewardkit!.deploy!.replicas).toBeGreaterThanOrEqual(2);
    expect(rewardkit!.image).toBe('rewardkit:local');
    expect(rewardkit!.environment!.REWARDKIT_REDIS_URL).toBe('redis://redis:6379');
    expect((await runCli('serve', '--help')).stdout).toContain('default $REWARDKIT_REDIS_URL');
    expect(rewardkit!.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    const command = rewardkit!.command!;
    expect(command.slice(0, 7)).toEqual(['serve', '--spec', '/spec/spec.yaml', '--host', '0.0.0.0', '--port', '8080']);
    const flags = await serveFlags();
    for (const flag of command.filter((arg) => arg.startsWith('--'))) expect(flags, flag).toContain(flag);
    // the spec folder is a volume at /spec
    expect(rewardkit!.volumes).toEqual(['${REWARDKIT_SPEC_DIR:-../examples/contract-review}:/spec:ro']);
  });

  it('has a redis:7 service and a load balancer publishing the port, pointing at serve’s port on the replicas', () => {
    expect(redis!.image).toBe('redis:7');
    expect(lb!.image).toMatch(/^haproxy:/);
    expect(lb!.volumes).toEqual(['./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    expect(lb!.ports).toEqual(['${REWARDKIT_PORT:-8080}:8080']);
    const servePort = rewardkit!.command![rewardkit!.command!.indexOf('--port') + 1];
    const config = read('deploy/haproxy.cfg');
    expect(config).toMatch(/^\s+bind :8080$/m);
    expect(config).toMatch(new RegExp(`^\\s+server-template replica \\d+ rewardkit:${servePort}$`, 'm'));
    expect(config).toMatch(/^\s+option httpchk GET \/healthz$/m);
  });

  const dockerCompose = (() => {
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.runIf(dockerCompose)('parses with docker-compose config (the token is required)', () => {
    const config = (env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(
          'docker-compose',
          ['-f', join(ROOT, 'deploy/compose.yaml'), 'config'],
          { env: { PATH: process.env.PATH!, ...env } },
          (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      );
    return Promise.all([config({ REWARDKIT_TOKEN: 't' }), config({})]).then(([withToken, without]) => {
      expect(withToken.code, withToken.stderr).toBe(0);
      expect(withToken.stdout).toContain('REWARDKIT_REDIS_URL: redis://redis:6379');
      expect(without.code).toBe(1);
      expect(without.stderr).toContain('set REWARDKIT_TOKEN to the bearer token trainers will send');
    });
  });

  const haproxy = (() => {
    try {
      execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.runIf(haproxy)('haproxy -c accepts deploy/haproxy.cfg', () => {
    expect(execFileSync('haproxy', ['-c', '-f', join(ROOT, 'deploy/haproxy.cfg')], { encoding: 'utf8' })).toContain(
      'Configuration file is valid',
    );
  });
});

describe('the HEALTHCHECK script, run by node', () => {
  let judge: FakeJudge;
  let spec: string;
  beforeAll(async () => {
    judge = await startFakeJudge((request) => ({
      content: criteriaVerdict({ correct: true }),
      ...(request.preflight ? {} : { delayMs: 2000 }),
    }));
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-packaging-'));
    spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'judges:\n  - {type: rubric, name: correct, criteria: [{id: correct, description: The answer is correct}]}\n');
  });
  afterAll(() => judge.close());

  const healthcheck = (env: Record<string, string>) =>
    new Promise<{ code: number; stderr: string }>((done) =>
      execFile(process.execPath, [join(ROOT, 'deploy/healthcheck.mjs')], { env: { ...process.env, ...env } }, (error, _stdout, stderr) =>
        done({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );

  it('exits 0 against a running rewardkit serve, 1 while it drains (503) and 1 once it is gone', { timeout: 60_000 }, async () => {
    const server = await spawnServer([
      '--spec',
      spec,
      '--judge',
      'openai-compatible:fake',
      '--judge-base-url',
      judge.url,
      '--log-level',
      'silent',
    ]);
    const url = `${server.url}/healthz`;
    try {
      expect(await healthcheck({ REWARDKIT_HEALTHCHECK_URL: url })).toEqual({ code: 0, stderr: '' });
      // a request in flight (the judge answers after 2 s) keeps the server draining after SIGTERM
      const inFlight = fetch(`${server.url}/v1/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows: [{ prompt: '2 + 2?', response: '4' }] }),
      });
      while (judge.requests.length === 0) await new Promise((wait) => setTimeout(wait, 20));
      server.process.kill('SIGTERM');
      await new Promise((wait) => setTimeout(wait, 300));
      expect(await healthcheck({ REWARDKIT_HEALTHCHECK_URL: url })).toEqual({ code: 1, stderr: `unhealthy: ${url} answered HTTP 503\n` });
      expect((await inFlight).status).toBe(200);
      expect(await server.exited).toBe(0);
      const gone = await healthcheck({ REWARDKIT_HEALTHCHECK_URL: url });
      expect(gone).toEqual({ code: 1, stderr: `unhealthy: ${url}: ECONNREFUSED\n` });
    } finally {
      await server.stop();
    }
  });

  it('exits 1 on a closed port, and on a server that does not answer within the timeout', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/healthz`;
    expect(await healthcheck({ REWARDKIT_HEALTHCHECK_URL: closed })).toEqual({ code: 1, stderr: `unhealthy: ${closed}: ECONNREFUSED\n` });
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    try {
      const hung = `http://127.0.0.1:${(silent.address() as { port: number }).port}/healthz`;
      expect(await healthcheck({ REWARDKIT_HEALTHCHECK_URL: hung, REWARDKIT_HEALTHCHECK_TIMEOUT_MS: '300' })).toEqual({
        code: 1,
        stderr: `unhealthy: ${hung}: no answer within 300 ms\n`,
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((closedServer) => silent.close(closedServer));
    }
  });
});
