/**
 * `rewardkit worker`: takes chunks of `score --queue` runs from a Redis queue and scores them (src/queue/) until
 * SIGTERM/SIGINT, then finishes the chunks in flight and exits 0. Its flags say how it scores (cache, Redis shared
 * state, an optional judge of its own) and how it holds chunks (how many at once, lock and stalled-check timing).
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { judgeOverrideOf, openJudgeCache, openRewardSharedState, DEFAULT_CACHE_PATH } from '../open-reward.js';
import { DEFAULT_LOCK_DURATION_MS, DEFAULT_STALLED_INTERVAL_MS, MAX_STALLED_COUNT } from '../queue/queue-worker.js';
import { QueueError } from '../queue/queue-error.js';
import { DEFAULT_QUEUE_NAME, queueNameProblem } from '../queue/queue-keys.js';
import { checkQueueUrl, redactedUrl } from '../queue/queue-url.js';
import type { JudgeCache, SharedState } from '../reward-resources.js';
import type { JudgeOverride } from '../spec/judge-override.js';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { untilSignalled } from './signals.js';
import {
  CACHE_POLICY_HELP,
  cliErrorOf,
  PRICES_AND_CACHE_POLICY_FLAGS,
  pricesAndCachePolicyOf,
  REDIS_FLAGS,
  REDIS_HELP,
  redisSettingsOf,
} from './reward-flags.js';
import type { CommandIo } from './score-command.js';

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_IDLE_CLOSE_MS = 60_000;

export const WORKER_HELP = `Usage: rewardkit worker --queue redis://HOST:6379 [options]

Takes chunks of "rewardkit score --queue" runs from the queue and scores them, until SIGTERM or Ctrl-C (the
chunks in flight are finished first, then it exits 0). Run as many as you like, on any machine that reaches
the Redis. A run's spec, judge, concurrency, prices, cache namespace and row deadline come with the run; the
judge's credentials do not: each worker reads its own (OPENAI_API_KEY, ANTHROPIC_API_KEY,
OPENAI_COMPATIBLE_API_KEY, the AWS credential chain for bedrock, or the spec's api_key_env).

Options:
  --queue URL             the queue's Redis: redis://HOST:6379 (rediss:// for TLS)                 (required)
  --queue-name NAME       the queue (default ${DEFAULT_QUEUE_NAME}; the producers' --queue-name)
  --concurrency N         chunks scored at once (default ${DEFAULT_CONCURRENCY}); a run's judge calls in flight per judge
                          model are capped by its spec (or score --concurrency) in each worker
  --judge PROVIDER:MODEL  replace every judge model of every run this worker scores (e.g. a judge server on
  --judge-base-url URL    this machine); its rows then carry this worker's spec_hash and judge model
  --cache FILE            this worker's judge cache (default ${DEFAULT_CACHE_PATH}), for the runs
                          that did not say --no-cache
  --no-cache              no persistent cache here (identical calls in flight are still shared)
${CACHE_POLICY_HELP}
${REDIS_HELP}
  --no-preflight          do not check a run's judges before its first chunk here
  --lock-duration-ms N    a chunk stays this worker's for N ms without a renewal (renewed every N/2; default
                          ${DEFAULT_LOCK_DURATION_MS}): a killed worker's chunk goes to another one after at most N ms
                          plus --stalled-interval-ms
  --stalled-interval-ms N how often this worker looks for chunks of dead workers (default ${DEFAULT_STALLED_INTERVAL_MS}); a chunk
                          put back ${MAX_STALLED_COUNT} times fails the run instead of killing more workers
  --idle-close-ms N       close a run's reward after N ms without a chunk of it (default ${DEFAULT_IDLE_CLOSE_MS})
  --quiet                 no line per chunk
  -h, --help              this help

Examples:
  # on each scoring machine
  OPENAI_COMPATIBLE_API_KEY=… rewardkit worker --queue redis://queue.internal:6379 --concurrency 8
  # anywhere: enqueue, and write the results in input order as the workers finish chunks
  rewardkit score --spec spec.yaml --input rollouts.jsonl --output scored.jsonl --queue redis://queue.internal:6379 \\
      --judge openai-compatible:qwen3-8b --judge-base-url http://judge.internal:8000/v1

Exit codes: 0 stopped by SIGTERM/SIGINT after finishing its chunks · 2 bad usage, the queue's Redis
            unreachable, or the cache cannot be opened`;

const FLAGS = {
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  concurrency: { type: 'string' },
  judge: { type: 'string' },
  'judge-base-url': { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  ...PRICES_AND_CACHE_POLICY_FLAGS,
  ...REDIS_FLAGS,
  'no-preflight': { type: 'boolean' },
  'lock-duration-ms': { type: 'string' },
  'stalled-interval-ms': { type: 'string' },
  'idle-close-ms': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function workerCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags('worker', () => parseArgs({ args: argv, options: FLAGS, strict: true }));
  if (values.help) {
    io.stdout.write(`${WORKER_HELP}\n`);
    return EXIT.ok;
  }
  const usage = (message: string) => new CliError(`worker: ${message}`, EXIT.usage);
  if (!values.queue)
    throw usage('--queue is required (the Redis of the queue, e.g. redis://127.0.0.1:6379)\nRun "rewardkit worker --help" for usage.');
  try {
    checkQueueUrl(values.queue);
  } catch (error) {
    throw QueueError.isInstance(error) ? usage(error.message) : error;
  }
  const queueName = values['queue-name'] ?? DEFAULT_QUEUE_NAME;
  const nameProblem = queueNameProblem(queueName);
  if (nameProblem) throw usage(`--queue-name: ${nameProblem}`);
  if (values.prices !== undefined) throw usage('--prices travels with each run: give it to "score --queue"');
  if (values.cache && values['no-cache']) throw usage('use either --cache FILE or --no-cache');
  const judgeOverride = workerJudgeOverride(values.judge, values['judge-base-url']);
  const concurrency = positiveInteger(values.concurrency, '--concurrency') ?? DEFAULT_CONCURRENCY;
  const lockDurationMs = positiveInteger(values['lock-duration-ms'], '--lock-duration-ms') ?? DEFAULT_LOCK_DURATION_MS;
  const stalledIntervalMs = positiveInteger(values['stalled-interval-ms'], '--stalled-interval-ms') ?? DEFAULT_STALLED_INTERVAL_MS;
  const idleCloseMs = positiveInteger(values['idle-close-ms'], '--idle-close-ms') ?? DEFAULT_IDLE_CLOSE_MS;
  const { cachePolicy } = pricesAndCachePolicyOf(values);
  const redis = redisSettingsOf(values);
  const name = `${hostname()}:${process.pid}`;
  const log = (line: string) => io.stderr.write(`rewardkit worker ${name}: ${line}\n`);

  const [{ startQueueWorker }, { RunRewards }, { openConnection }] = await Promise.all([
    import('../queue/queue-worker.js'),
    import('../queue/run-rewards.js'),
    import('../queue/queue-connection.js'),
  ]);
  let cache: JudgeCache | undefined;
  if (!values['no-cache']) {
    try {
      cache = await openJudgeCache(values.cache ?? DEFAULT_CACHE_PATH, cachePolicy);
    } catch (error) {
      throw cliErrorOf('worker', error, {
        notDone: 'no chunk was scored',
        advice: '',
        cacheHint: 'use --cache FILE elsewhere, or --no-cache',
      });
    }
  }
  // one shared state for every run this worker scores: one connection, one owner of its leases and calls in flight
  let shared: SharedState | undefined;
  if (redis.redis) {
    shared = await openRewardSharedState(redis.redis, { cachePolicy, ...(redis.redisPrefix ? { redisPrefix: redis.redisPrefix } : {}) });
  }
  const connection = openConnection(values.queue);
  const runs = new RunRewards({
    redis: connection.redis,
    queueName,
    ...(judgeOverride ? { judgeOverride } : {}),
    ...(cache ? { cache } : {}),
    preflight: !values['no-preflight'],
    idleCloseMs,
    resources: {
      cachePolicy,
      ...(shared ? { redis: shared } : {}),
    },
    log,
  });
  let worker;
  try {
    worker = await startQueueWorker({
      url: values.queue,
      queueName,
      concurrency,
      lockDurationMs,
      stalledIntervalMs,
      name,
      runs,
      log,
      verbose: !values.quiet,
    });
  } catch (error) {
    await runs.closeAll();
    await connection.close();
    cache?.close();
    shared?.close();
    throw QueueError.isInstance(error) ? usage(error.message) : error;
  }
  log(
    `taking chunks from queue ${queueName} at ${redactedUrl(values.queue)}, ${concurrency} at a time (lock ${lockDurationMs} ms, ` +
      `stalled check every ${stalledIntervalMs} ms); SIGTERM or Ctrl-C finishes the chunks in flight and stops`,
  );
  const signal = await untilSignalled();
  log(`${signal}: finishing the chunks in flight (again to quit now)`);
  process.once(signal === 'SIGTERM' ? 'SIGINT' : 'SIGTERM', () => process.exit(EXIT.interrupted));
  process.once(signal, () => process.exit(EXIT.interrupted));
  await worker.close();
  await connection.close();
  cache?.close();
  shared?.close();
  log('stopped');
  return EXIT.ok;
}

/** The worker's --judge / --judge-base-url (openReward's reading of them), a usage error when wrong. */
function workerJudgeOverride(judge: string | undefined, baseUrl: string | undefined): JudgeOverride | undefined {
  try {
    return judgeOverrideOf(judge, baseUrl);
  } catch (error) {
    throw new CliError(`worker: ${(error as Error).message}`, EXIT.usage);
  }
}
