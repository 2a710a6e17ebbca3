/**
 * The Lambda's configuration, read from environment variables once per cold start:
 *   REWARDKIT_SPEC                 spec file (absolute, or relative to the bundle's folder); default: the spec
 *                                  packaged beside the bundle by `npm run build:lambda -- --spec FILE`
 *   REWARDKIT_JUDGE                PROVIDER:MODEL override for every judge (as `--judge`)
 *   REWARDKIT_JUDGE_BASE_URL       the judge's base URL (as `--judge-base-url`)
 *   REWARDKIT_CONCURRENCY          judge calls in flight per judge model (as `--concurrency`)
 *   REWARDKIT_DEADLINE_MARGIN_MS   time kept back from the Lambda timeout (default 5000)
 *   REWARDKIT_LOG_LEVEL            pino level (default info)
 *   REWARDKIT_NEUTRAL_WARN_SHARE   warn when more than this share (0–1) of a batch is neutral (default 0.5)
 *   REWARDKIT_NEUTRAL_WARN_INTERVAL_S  at most one such warning per this many seconds (default 60)
 *   REWARDKIT_REDIS_URL            share the judge cache, calls in flight and judge budgets with every instance (and
 *                                  every `serve` replica) on this Redis, e.g. ElastiCache: redis://HOST:6379 or rediss://
 *   REWARDKIT_REDIS_PREFIX         the start of every Redis key (default rewardkit)
 */
import { RewardkitError } from '../rewardkit-error.js';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_NEUTRAL_WARN_INTERVAL_MS, DEFAULT_NEUTRAL_WARN_SHARE } from './batch-warnings.js';
import { redisPrefixProblem, redisUrlProblem } from '../runtime/shared/redis-url.js';

export interface LambdaConfig {
  specPath: string;
  judge?: string;
  judgeBaseUrl?: string;
  concurrency?: number;
  marginMs: number;
  logLevel: string;
  neutralWarnShare: number;
  neutralWarnIntervalMs: number;
  redisUrl?: string;
  redisPrefix?: string;
}

/** Written beside the bundle by the build when a spec is packaged. */
export const LAMBDA_MANIFEST = 'rewardkit-lambda.json';
export const DEFAULT_MARGIN_MS = 5000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const LAMBDA_CONFIG_ERROR = 'rewardkit.error.LambdaConfigError';
const LAMBDA_CONFIG_ERROR_SYMBOL = Symbol.for(LAMBDA_CONFIG_ERROR);

export class LambdaConfigError extends RewardkitError {
  private readonly [LAMBDA_CONFIG_ERROR_SYMBOL] = true;
  override name = 'LambdaConfigError';

  static override isInstance(error: unknown): error is LambdaConfigError {
    return RewardkitError.hasMarker(error, LAMBDA_CONFIG_ERROR);
  }
}

/** A cache key: the variables that decide the configuration. */
export function configKey(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(
    [
      'REWARDKIT_SPEC',
      'REWARDKIT_JUDGE',
      'REWARDKIT_JUDGE_BASE_URL',
      'REWARDKIT_CONCURRENCY',
      'REWARDKIT_DEADLINE_MARGIN_MS',
      'REWARDKIT_LOG_LEVEL',
      'REWARDKIT_NEUTRAL_WARN_SHARE',
      'REWARDKIT_NEUTRAL_WARN_INTERVAL_S',
      'REWARDKIT_REDIS_URL',
      'REWARDKIT_REDIS_PREFIX',
    ].map((name) => env[name] ?? null),
  );
}

export function readLambdaConfig(env: NodeJS.ProcessEnv, bundleDir: string): LambdaConfig {
  const logLevel = env.REWARDKIT_LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new LambdaConfigError(`REWARDKIT_LOG_LEVEL: expected one of ${LOG_LEVELS.join(' | ')}, got ${JSON.stringify(logLevel)}`);
  const marginMs = wholeNumber(env, 'REWARDKIT_DEADLINE_MARGIN_MS', 0) ?? DEFAULT_MARGIN_MS;
  const concurrency = wholeNumber(env, 'REWARDKIT_CONCURRENCY', 1);
  const neutralWarnShare = shareOf(env, 'REWARDKIT_NEUTRAL_WARN_SHARE') ?? DEFAULT_NEUTRAL_WARN_SHARE;
  const neutralWarnIntervalS = wholeNumber(env, 'REWARDKIT_NEUTRAL_WARN_INTERVAL_S', 1);
  const neutralWarnIntervalMs = neutralWarnIntervalS === undefined ? DEFAULT_NEUTRAL_WARN_INTERVAL_MS : neutralWarnIntervalS * 1000;
  const judge = env.REWARDKIT_JUDGE?.trim() || undefined;
  const judgeBaseUrl = env.REWARDKIT_JUDGE_BASE_URL?.trim() || undefined;
  if (judgeBaseUrl && !judge) throw new LambdaConfigError('REWARDKIT_JUDGE_BASE_URL needs REWARDKIT_JUDGE=PROVIDER:MODEL as well');
  const redisUrl = env.REWARDKIT_REDIS_URL?.trim() || undefined;
  const redisPrefix = env.REWARDKIT_REDIS_PREFIX?.trim() || undefined;
  const urlProblem = redisUrl === undefined ? undefined : redisUrlProblem(redisUrl);
  if (urlProblem) throw new LambdaConfigError(`REWARDKIT_REDIS_URL: ${urlProblem}`);
  const prefixProblem = redisPrefix === undefined ? undefined : redisPrefixProblem(redisPrefix);
  if (prefixProblem) throw new LambdaConfigError(`REWARDKIT_REDIS_PREFIX: ${prefixProblem}`);
  if (redisPrefix && !redisUrl) throw new LambdaConfigError('REWARDKIT_REDIS_PREFIX needs REWARDKIT_REDIS_URL as well');
  return {
    specPath: specPathOf(env, bundleDir),
    marginMs,
    logLevel,
    neutralWarnShare,
    neutralWarnIntervalMs,
    ...(judge ? { judge } : {}),
    ...(judgeBaseUrl ? { judgeBaseUrl } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    ...(redisPrefix ? { redisPrefix } : {}),
  };
}

function specPathOf(env: NodeJS.ProcessEnv, bundleDir: string): string {
  const fromEnv = env.REWARDKIT_SPEC?.trim();
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(bundleDir, fromEnv);
  const manifestPath = join(bundleDir, LAMBDA_MANIFEST);
  if (existsSync(manifestPath)) {
    let manifest: { spec?: unknown };
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { spec?: unknown };
    } catch (error) {
      throw new LambdaConfigError(`${LAMBDA_MANIFEST}: expected JSON written by the build, ${(error as Error).message}`);
    }
    if (typeof manifest.spec === 'string' && manifest.spec !== '') return resolve(bundleDir, manifest.spec);
    throw new LambdaConfigError(`${LAMBDA_MANIFEST}: expected a "spec" path, got ${JSON.stringify(manifest.spec)}`);
  }
  throw new LambdaConfigError(
    'no reward spec: set REWARDKIT_SPEC to the spec file (absolute, or relative to the bundle), or package one with "npm run build:lambda -- --spec FILE"',
  );
}

function shareOf(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new LambdaConfigError(`${name}: expected a share from 0 to 1 (e.g. 0.5), got ${JSON.stringify(raw)}`);
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new LambdaConfigError(`${name}: expected a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}
