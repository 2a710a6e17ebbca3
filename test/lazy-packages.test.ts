/**
 * The Redis client (ioredis) and the queue engine (BullMQ) load only when something uses them: not for a library user
 * of createReward / openReward, not for any command's start-up, not for the Lambda's cold start without a Redis URL
 * (importing ioredis costs ~0.2 s of CPU). Each module is imported in a fresh process and the packages' files counted.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function packagesLoadedBy(modulePath: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'test/support/loaded-packages.ts', modulePath, 'ioredis', 'bullmq'],
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, number>),
    ),
  );
}

describe('packages loaded only when used', () => {
  it.each([
    'src/index.ts',
    'src/reward.ts',
    'src/open-reward.ts',
    'src/serve/lambda-handler.ts',
    'src/cli/main.ts',
    'src/cli/score-command.ts',
  ])(
    '%s loads neither ioredis nor bullmq',
    async (modulePath) => {
      expect(await packagesLoadedBy(modulePath)).toEqual({ ioredis: 0, bullmq: 0 });
    },
    30_000,
  );

  it('the shared state does load ioredis (the check sees it)', async () => {
    const counts = await packagesLoadedBy('src/runtime/shared/shared-state.ts');
    expect(counts.ioredis).toBeGreaterThan(10);
    expect(counts.bullmq).toBe(0);
  }, 30_000);
});
