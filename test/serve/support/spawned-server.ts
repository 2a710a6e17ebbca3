/**
 * Runs `rewardkit serve` as a real process (`node --import tsx src/cli/bin.ts serve …`) on 127.0.0.1 with
 * a free port, and waits for its "listening on URL" line on stderr to learn the URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedServer {
  url: string;
  process: ChildProcess;
  /** stdout so far (JSON log lines). */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves when a log line containing `text` has been written. */
  waitForLog(text: string): Promise<void>;
  stop(): Promise<number | null>;
}

export async function spawnServer(args: string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  let announce: ((url: string) => void) | undefined;
  const announced = new Promise<string>((resolve) => {
    announce = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.filter((candidate) => stdout.includes(candidate.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /rewardkit serve: listening on (\S+)/.exec(stderr);
    if (match) announce?.(match[1]!);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = (text: string) =>
    stdout.includes(text)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ text, resolve });
          void exited.then((code) =>
            reject(new Error(`server exited (${code}) before logging ${JSON.stringify(text)}:\n${stdout}\n${stderr}`)),
          );
        });
  const early = exited.then((code) => {
    throw new Error(`server exited (${code}) before listening:\n${stdout}\n${stderr}`);
  });
  early.catch(() => {}); // only matters if it wins the race below
  const url = await Promise.race([announced, early]);
  return {
    url,
    process: child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitForLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
