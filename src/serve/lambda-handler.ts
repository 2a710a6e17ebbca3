/**
 * The Amazon Nova RFT reward Lambda (AWS's "Implementing reward functions" guide and the validator in
 * aws/nova-forge-sdk): a bare array of samples in, a bare array of results out, matched by id. Bundled by scripts/build-lambda.ts into dist/lambda/index.mjs (`handler`).
 *
 * No error ever escapes as a Lambda error (the platform would count the whole batch as failed): a bad
 * sample gets the neutral reward flagged `row_error`, an unusable configuration `config_error`, anything
 * unexpected `internal_error`. The deadline is the invocation's remaining time minus a safety margin;
 * judges still running then are aborted and their rows get the neutral reward flagged `deadline_exceeded`.
 * With REWARDKIT_REDIS_URL, every instance shares one judge cache, one budget per judge model and one call per
 * identical judgement through Redis (the connection lives as long as the instance; Redis down → local limits).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { pino, type Logger } from 'pino';
import type { Reward } from '../reward.js';
import { openReward, type OpenedReward } from '../open-reward.js';
import { REWARDKIT_VERSION } from '../version.js';
import {
  missingReferenceMessage,
  missingReferenceWarning,
  NeutralShareAlarm,
  neutralShareMessage,
  neutralShareOf,
} from './batch-warnings.js';
import { neutralOf, startDeadline } from './deadline.js';
import { configKey, DEFAULT_MARGIN_MS, readLambdaConfig, type LambdaConfig } from './lambda-config.js';
import { novaSpecOf, scoreNovaEvent, unscoredBatch, type NovaBatch } from './nova-batch.js';
import type { NovaResult } from './nova-contract.js';
import { countResults } from './result-counts.js';

/** Used when the handler is called without a Lambda context (the Lambda maximum). */
const NO_CONTEXT_REMAINING_MS = 900_000;
/** Neutral value when no spec could be loaded (the default range's middle). */
const FALLBACK_NEUTRAL = 0.5;
/** Row-level warnings logged per invocation, at most. */
const MAX_ROW_WARNINGS = 10;

type State = { key: string; logger: Logger; alarm: NeutralShareAlarm } & (
  { config: LambdaConfig; reward: Reward; neutral: number } | { config?: LambdaConfig; error: string }
);

let state: State | undefined;
/** The reward opened for the current configuration (closed when the configuration changes: its Redis connection). */
let opened: OpenedReward | undefined;

function bundleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * Loads the spec and builds the reward once per cold start (again only if the configuration changes): openReward with
 * the Lambda's own settings — the judge must be named (spec or REWARDKIT_JUDGE: no local judge here), no preflight
 * (a cold start must answer in time), no persistent cache.
 */
async function currentState(): Promise<State> {
  const key = configKey(process.env);
  if (state?.key === key) return state;
  let config: LambdaConfig | undefined;
  let logger = pino({
    level: process.env.REWARDKIT_LOG_LEVEL?.trim() || 'info',
    base: { service: 'rewardkit-lambda', rewardkit_version: REWARDKIT_VERSION },
  });
  opened?.close();
  opened = undefined;
  try {
    config = readLambdaConfig(process.env, bundleDir());
    logger = pino({ level: config.logLevel, base: { service: 'rewardkit-lambda', rewardkit_version: REWARDKIT_VERSION } });
    const redisLogger = logger;
    opened = await openReward({
      spec: config.specPath,
      judge: config.judge,
      judgeBaseUrl: config.judgeBaseUrl,
      concurrency: config.concurrency,
      defaultJudge: 'required',
      preflight: false,
      ...(config.redisUrl ? { redis: config.redisUrl } : {}),
      ...(config.redisPrefix ? { redisPrefix: config.redisPrefix } : {}),
      onRedisLog: (level, line) => redisLogger[level](line),
      rewardOptions: {
        onRetry: (event) =>
          logger.debug(
            { model: event.model, attempt: event.attempt, delay_ms: event.delayMs, kind: event.error.kind },
            'judge call retried',
          ),
      },
    });
    // samples are Nova chat rows: the served spec's Nova-reading twin, reporting the served spec's hash
    const reward = opened.derive(novaSpecOf(opened.spec));
    const alarm = new NeutralShareAlarm({ threshold: config.neutralWarnShare, intervalMs: config.neutralWarnIntervalMs });
    state = { key, logger, alarm, config, reward, neutral: neutralOf(reward) };
    // provenance on every line from here on: which spec and which rewardkit produced the rewards
    logger = logger.child({ spec_hash: reward.specHash });
    state = { ...state, logger };
    logger.info(
      {
        spec: config.specPath,
        judges: reward.judges.length,
        margin_ms: config.marginMs,
        redis: opened.sharedState ? `${opened.sharedState.up ? 'up' : 'down'}: ${opened.sharedState.link.where}` : 'off',
      },
      'reward ready',
    );
  } catch (error) {
    state = { key, logger, alarm: new NeutralShareAlarm(), ...(config ? { config } : {}), error: (error as Error).message };
    logger.error({ error: state.error }, 'reward not configured: every sample gets the neutral reward flagged config_error');
  }
  return state;
}

export async function handler(event: unknown, context?: Partial<Context>): Promise<NovaResult[]> {
  const started = performance.now();
  let current: State | undefined;
  try {
    current = await currentState();
    const marginMs = current.config?.marginMs ?? DEFAULT_MARGIN_MS;
    const remainingMs =
      typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : NO_CONTEXT_REMAINING_MS;
    let batch: NovaBatch;
    if ('error' in current) {
      current.logger.error({ error: current.error }, 'reward not configured');
      batch = unscoredBatch(event, FALLBACK_NEUTRAL, 'config_error', current.error);
    } else {
      const deadline = startDeadline(remainingMs - marginMs, marginMs / 2);
      try {
        batch = await scoreNovaEvent(event, current.reward, deadline);
      } finally {
        deadline.dispose();
      }
    }
    log(current.logger, current.alarm, batch, {
      remaining_ms: remainingMs,
      budget_ms: remainingMs - marginMs,
      duration_ms: Math.round(performance.now() - started),
      request_id: context?.awsRequestId,
    });
    return batch.results;
  } catch (error) {
    // Last resort — a bug, not an input problem: still answer in contract.
    const message = (error as Error)?.message ?? String(error);
    (current?.logger ?? pino()).error(
      { error: message },
      'unexpected error while scoring: every sample gets the neutral reward flagged internal_error',
    );
    const neutral = current && 'neutral' in current ? current.neutral : FALLBACK_NEUTRAL;
    try {
      return unscoredBatch(event, neutral, 'internal_error', message).results;
    } catch {
      return [];
    }
  }
}

function log(logger: Logger, alarm: NeutralShareAlarm, batch: NovaBatch, timing: Record<string, unknown>): void {
  if (batch.eventProblem) logger.error({ problem: batch.eventProblem }, 'unexpected event shape');
  let warned = 0;
  batch.rewardResults.forEach((result, index) => {
    if (result.reward !== null || !result.error || warned >= MAX_ROW_WARNINGS) return;
    warned++;
    logger.warn(
      { sample: index, id: result.id, field: result.error.field, problem: result.error.message },
      'sample not readable: neutral reward, flagged row_error',
    );
  });
  const neutralWarning = alarm.check(batch.rewardResults);
  if (neutralWarning) logger.warn(neutralWarning, neutralShareMessage(neutralWarning, 'REWARDKIT_NEUTRAL_WARN_SHARE'));
  const noReference = missingReferenceWarning(batch.rewardResults);
  if (noReference)
    logger.warn(noReference, missingReferenceMessage(noReference, 'send reference_answer in each sample (at the root or under metadata)'));
  // neutral_share on every line: a CloudWatch metric filter on it is the Lambda's gauge of constant rewards
  logger.info(
    { ...countResults(batch.rewardResults), neutral_share: round(neutralShareOf(batch.rewardResults).share), ...timing },
    'scored',
  );
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
