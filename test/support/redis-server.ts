/**
 * A real Redis for tests: Debian's `redis-server` (installed by .ci/run) started on a free loopback port, with no
 * persistence, in its own process. Tests can stop it (SIGTERM), kill it (SIGKILL), pause it (SIGSTOP, a "slow" Redis
 * that accepts connections but answers nothing) and start it again on the same port, to exercise rewardkit's fallback
 * to local limits and its reconnects.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './closed-port.js';

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Runs one command through redis-cli (e.g. ['FLUSHALL'], ['DBSIZE']) and returns its trimmed output. */
  cli(...args: string[]): string;
  /** SIGSTOP: the server keeps its socket but answers nothing until `resume`. */
  pause(): void;
  resume(): void;
  /** SIGKILL, without waiting for anything. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`/`stop`), empty. */
  restart(): Promise<void>;
  /** SIGTERM and wait for the process to exit. */
  stop(): Promise<void>;
}

/** Whether this machine has redis-server (CI installs it; a test file may skip with a clear message without it). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function waitUntilReady(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${log()}`);
    if (await pingOnce(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${log()}`);
}

/** Starts redis-server on a free loopback port; call `stop()` in afterAll. */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await closedPort());
  const dataDir = mkdtempSync(join(tmpdir(), 'rewardkit-redis-'));
  let child: ChildProcess;
  let output = '';
  const launch = async () => {
    output = '';
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'no',
        '--loglevel',
        'warning',
        // a replication sync (the failover test) writes an RDB file: into a scratch folder, not the working directory
        '--dir',
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    await waitUntilReady(port, child, () => output);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    cli: (...args) => {
      const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: async () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await waitForExit(child);
    },
    restart: async () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await waitForExit(child);
      await launch();
    },
    stop: async () => {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await waitForExit(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
