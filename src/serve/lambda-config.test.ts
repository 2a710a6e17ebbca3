import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKey, readLambdaConfig } from './lambda-config.js';

const bundleDir = mkdtempSync(join(tmpdir(), 'rewardkit-lambda-config-'));

describe('readLambdaConfig', () => {
  it('reads every variable, a relative spec path against the bundle folder', () => {
    expect(
      readLambdaConfig(
        {
          REWARDKIT_SPEC: 'spec/s.yaml',
          REWARDKIT_JUDGE: 'bedrock:m',
          REWARDKIT_JUDGE_BASE_URL: 'http://127.0.0.1:1/v1',
          REWARDKIT_CONCURRENCY: '8',
          REWARDKIT_DEADLINE_MARGIN_MS: '2000',
          REWARDKIT_LOG_LEVEL: 'warn',
          REWARDKIT_NEUTRAL_WARN_SHARE: '0.25',
          REWARDKIT_NEUTRAL_WARN_INTERVAL_S: '300',
          REWARDKIT_REDIS_URL: 'rediss://cache.abc123.use1.cache.amazonaws.com:6379',
          REWARDKIT_REDIS_PREFIX: 'team-a',
        },
        bundleDir,
      ),
    ).toEqual({
      specPath: join(bundleDir, 'spec/s.yaml'),
      judge: 'bedrock:m',
      judgeBaseUrl: 'http://127.0.0.1:1/v1',
      concurrency: 8,
      marginMs: 2000,
      logLevel: 'warn',
      neutralWarnShare: 0.25,
      neutralWarnIntervalMs: 300_000,
      redisUrl: 'rediss://cache.abc123.use1.cache.amazonaws.com:6379',
      redisPrefix: 'team-a',
    });
  });

  it('falls back to the packaged spec named in the manifest, with a 5 s margin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-lambda-manifest-'));
    writeFileSync(join(dir, 'rewardkit-lambda.json'), '{"spec": "spec/qa.yaml"}');
    expect(readLambdaConfig({}, dir)).toEqual({
      specPath: join(dir, 'spec/qa.yaml'),
      marginMs: 5000,
      logLevel: 'info',
      neutralWarnShare: 0.5,
      neutralWarnIntervalMs: 60_000,
    });
  });

  it.each([
    [
      {},
      'no reward spec: set REWARDKIT_SPEC to the spec file (absolute, or relative to the bundle), or package one with "npm run build:lambda -- --spec FILE"',
    ],
    [{ REWARDKIT_SPEC: 's', REWARDKIT_DEADLINE_MARGIN_MS: '-1' }, 'REWARDKIT_DEADLINE_MARGIN_MS: expected a whole number ≥ 0, got "-1"'],
    [{ REWARDKIT_SPEC: 's', REWARDKIT_CONCURRENCY: '0' }, 'REWARDKIT_CONCURRENCY: expected a whole number ≥ 1, got "0"'],
    [
      { REWARDKIT_SPEC: 's', REWARDKIT_LOG_LEVEL: 'chatty' },
      'REWARDKIT_LOG_LEVEL: expected one of fatal | error | warn | info | debug | trace | silent, got "chatty"',
    ],
    [
      { REWARDKIT_SPEC: 's', REWARDKIT_JUDGE_BASE_URL: 'http://x' },
      'REWARDKIT_JUDGE_BASE_URL needs REWARDKIT_JUDGE=PROVIDER:MODEL as well',
    ],
    [
      { REWARDKIT_SPEC: 's', REWARDKIT_NEUTRAL_WARN_SHARE: '60%' },
      'REWARDKIT_NEUTRAL_WARN_SHARE: expected a share from 0 to 1 (e.g. 0.5), got "60%"',
    ],
    [
      { REWARDKIT_SPEC: 's', REWARDKIT_NEUTRAL_WARN_INTERVAL_S: '0' },
      'REWARDKIT_NEUTRAL_WARN_INTERVAL_S: expected a whole number ≥ 1, got "0"',
    ],
    [
      { REWARDKIT_SPEC: 's', REWARDKIT_REDIS_URL: 'cache:6379' },
      'REWARDKIT_REDIS_URL: expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS), got "cache:6379"',
    ],
    [
      { REWARDKIT_SPEC: 's', REWARDKIT_REDIS_URL: 'redis://cache:6379', REWARDKIT_REDIS_PREFIX: 'a b' },
      'REWARDKIT_REDIS_PREFIX: expected a key prefix of 1–100 letters, digits and _ . - : { }, got "a b"',
    ],
    [{ REWARDKIT_SPEC: 's', REWARDKIT_REDIS_PREFIX: 'team-a' }, 'REWARDKIT_REDIS_PREFIX needs REWARDKIT_REDIS_URL as well'],
  ])('%j → %s', (env, message) => {
    expect(() => readLambdaConfig(env, bundleDir)).toThrow(message);
  });

  it('the cache key changes with any variable', () => {
    expect(configKey({ REWARDKIT_SPEC: 'a' })).not.toBe(configKey({ REWARDKIT_SPEC: 'a', REWARDKIT_JUDGE: 'x:y' }));
    expect(configKey({ REWARDKIT_SPEC: 'a' })).not.toBe(configKey({ REWARDKIT_SPEC: 'a', REWARDKIT_REDIS_URL: 'redis://c:6379' }));
    expect(configKey({ REWARDKIT_SPEC: 'a', REWARDKIT_REDIS_URL: 'redis://c:6379' })).not.toBe(
      configKey({ REWARDKIT_SPEC: 'a', REWARDKIT_REDIS_URL: 'redis://c:6379', REWARDKIT_REDIS_PREFIX: 'p' }),
    );
  });
});
