/**
 * A real redis-server for one test file (redis-server.ts): started before its tests, stopped after them and, unless
 * `flushBeforeEach: false`, emptied before each test. The value returned stands for the server from the first test on.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startRedisServer, type RedisServer } from './redis-server.js';

export function useRedisServer(options: { flushBeforeEach?: boolean } = {}): RedisServer {
  let server: RedisServer | undefined;
  const started = (): RedisServer => {
    if (!server) throw new Error('the test redis-server is not started yet: use it inside a test or a hook');
    return server;
  };
  beforeAll(async () => {
    server = await startRedisServer();
  }, 30_000);
  afterAll(() => server?.stop());
  if (options.flushBeforeEach ?? true) beforeEach(() => void started().cli('FLUSHALL'));
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    cli: (...args) => started().cli(...args),
    pause: () => started().pause(),
    resume: () => started().resume(),
    kill: () => started().kill(),
    restart: () => started().restart(),
    stop: () => started().stop(),
  };
}
