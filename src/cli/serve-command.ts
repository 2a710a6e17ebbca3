/**
 * `rewardkit serve`: runs the HTTP reward server (src/serve/server.ts) for one spec until SIGTERM/SIGINT,
 * then drains — answers new requests 503 "draining", finishes the requests in flight, closes, exits 0.
 */
import { parseArgs } from 'node:util';
import { openReward, type OpenedReward } from '../open-reward.js';
import { createServerLogger, LOG_LEVELS } from '../serve/logger.js';
import { createServerMetrics } from '../serve/server-metrics.js';
import { DEFAULT_NEUTRAL_WARN_INTERVAL_MS, DEFAULT_NEUTRAL_WARN_SHARE } from '../serve/batch-warnings.js';
import {
  createRewardServer,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_BYTES_IN_FLIGHT,
  DEFAULT_MAX_ROWS,
  DEFAULT_MAX_ROWS_IN_FLIGHT,
  ROUTES,
} from '../serve/server.js';
import { parseFlags, positiveInteger } from './args.js';
import { CliError, EXIT } from './exit-codes.js';
import { untilSignalled } from './signals.js';
import {
  CACHE_POLICY_HELP,
  cliErrorOf,
  PRICES_AND_CACHE_POLICY_FLAGS,
  PRICES_HELP,
  pricesAndCachePolicyOf,
  REDIS_FLAGS,
  REDIS_HELP,
  redisSettingsOf,
  type OpenFailureWording,
} from './reward-flags.js';
import type { CommandIo } from './score-command.js';

export const SERVE_HELP = `Usage: rewardkit serve --spec SPEC [--port 8080] [--host 127.0.0.1] [options]

Serves one reward spec over HTTP to RL trainers until SIGTERM/SIGINT, then drains (answers new requests
503 "draining", finishes the requests in flight, closes) and exits 0. The server is stateless: run as many
replicas as needed — with --redis they share one judge cache, one budget per judge model and one call per
identical judgement.

Routes:
  POST /v1/score    native batch: {"rows": [...]} → {"results": [...], "spec": {...}}
  POST /get_reward  OpenRLHF remote reward model (--remote_rm_url http://HOST:PORT/get_reward)
  POST /v1/nova     the Amazon Nova RFT Lambda payload over HTTP: [samples] → [results]
  GET  /healthz     liveness/readiness (no token needed; 503 while draining)
  GET  /metrics     Prometheus metrics

Options:
  --spec FILE             reward spec (YAML or JSON)                                    (required)
  --port N                port to listen on; 0 picks a free one                        (default 8080)
  --host ADDR             address to bind; 0.0.0.0 for every interface                (default 127.0.0.1)
  --judge PROVIDER:MODEL  use this judge for every judge in the spec; PROVIDER is one of
                          openai-compatible | openai | bedrock | anthropic | local | ollama
                          (just "local": the default local model). Without --judge, a judge the
                          spec gives no model uses the local judge (llama.cpp in the process)
  --judge-base-url URL    the judge's API base URL (e.g. http://127.0.0.1:8000/v1)
  --concurrency N         judge calls in flight per judge model (overrides the spec)
  --cache FILE            a persistent judge cache (SQLite): identical judgements across training
                          steps are answered from it (off by default; dedup in flight is always on)
${CACHE_POLICY_HELP}
${PRICES_HELP}
${REDIS_HELP}
  --token TOKEN           require "Authorization: Bearer TOKEN" (or Basic with TOKEN as password)
                          on every route but /healthz; prefer the REWARDKIT_TOKEN variable, which
                          other users of the machine cannot read in the process list
  --body-limit-mb N       largest request body, in MiB                                  (default ${DEFAULT_BODY_LIMIT_BYTES / 1024 / 1024})
  --max-rows N            most rows per request (items of any top-level array of the body);
                          more → 413 too_many_rows, refused before parsing              (default ${DEFAULT_MAX_ROWS})
  --max-rows-in-flight N  rows held by all requests at once; a request that would pass it
                          → 429 busy with Retry-After                                   (default ${DEFAULT_MAX_ROWS_IN_FLIGHT})
  --max-body-mb-in-flight N
                          request body MiB held by all requests at once; over → 429     (default ${DEFAULT_MAX_BYTES_IN_FLIGHT / 1024 / 1024})
  --body-timeout-ms N     time to receive a whole request body; slower → 408            (default ${DEFAULT_BODY_TIMEOUT_MS})
  --deadline-ms N         time budget per request; rows not finished by then get the neutral
                          reward, flagged deadline_exceeded                             (default ${DEFAULT_DEADLINE_MS})
  --drain-timeout-ms N    on SIGTERM, how long to wait for requests in flight      (default deadline + 10000)
  --neutral-warn-share X  log a warning when more than this share (0–1) of a batch's rewards is
                          the neutral fallback, naming the most common judge error      (default ${DEFAULT_NEUTRAL_WARN_SHARE})
  --neutral-warn-interval-s N
                          at most one such warning per N seconds                        (default ${DEFAULT_NEUTRAL_WARN_INTERVAL_MS / 1000})
  --log-bodies            also log request rows and results (off: rollouts are never logged)
  --log-level LEVEL       ${LOG_LEVELS.join(' | ')}                  (default info)
  --no-preflight          start even if a judge is unreachable or has no API key
  -h, --help              this help

Logs are JSON lines on stdout (pino). The token is never logged.

Examples:
  REWARDKIT_TOKEN=s3cret rewardkit serve --spec examples/contract-review/spec.yaml --port 8080 \\
      --judge openai-compatible:qwen3-8b --judge-base-url http://127.0.0.1:8000/v1
  curl -s -H "Authorization: Bearer s3cret" -H "Content-Type: application/json" \\
      -d '{"rows": [{"prompt": "2+2?", "response": "4", "reference": "4"}]}' http://127.0.0.1:8080/v1/score

Exit codes: 0 stopped by SIGTERM/SIGINT after draining · 1 drain timed out or internal error ·
            2 bad usage (also: port in use) · 3 invalid spec · 5 judge unreachable`;

const FLAGS = {
  spec: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  judge: { type: 'string' },
  'judge-base-url': { type: 'string' },
  concurrency: { type: 'string' },
  cache: { type: 'string' },
  ...PRICES_AND_CACHE_POLICY_FLAGS,
  ...REDIS_FLAGS,
  token: { type: 'string' },
  'body-limit-mb': { type: 'string' },
  'max-rows': { type: 'string' },
  'max-rows-in-flight': { type: 'string' },
  'max-body-mb-in-flight': { type: 'string' },
  'body-timeout-ms': { type: 'string' },
  'neutral-warn-share': { type: 'string' },
  'neutral-warn-interval-s': { type: 'string' },
  'deadline-ms': { type: 'string' },
  'drain-timeout-ms': { type: 'string' },
  'log-bodies': { type: 'boolean' },
  'log-level': { type: 'string' },
  'no-preflight': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function serveCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseFlags('serve', () => parseArgs({ args: argv, options: FLAGS, strict: true }));
  if (values.help) {
    io.stdout.write(`${SERVE_HELP}\n`);
    return EXIT.ok;
  }
  if (!values.spec)
    throw new CliError('serve: --spec is required (the reward spec file)\nRun "rewardkit serve --help" for usage.', EXIT.usage);
  if (values['judge-base-url'] && !values.judge)
    throw new CliError('serve: --judge-base-url needs --judge PROVIDER:MODEL as well', EXIT.usage);
  const port = portOf(values.port);
  const host = values.host ?? '127.0.0.1';
  const concurrency = positiveInteger(values.concurrency, '--concurrency');
  const { prices, cachePolicy } = pricesAndCachePolicyOf(values);
  const redis = redisSettingsOf(values);
  const bodyLimitMb = positiveInteger(values['body-limit-mb'], '--body-limit-mb');
  const maxRows = positiveInteger(values['max-rows'], '--max-rows') ?? DEFAULT_MAX_ROWS;
  const maxRowsInFlight = positiveInteger(values['max-rows-in-flight'], '--max-rows-in-flight') ?? DEFAULT_MAX_ROWS_IN_FLIGHT;
  const maxBodyMbInFlight = positiveInteger(values['max-body-mb-in-flight'], '--max-body-mb-in-flight');
  const bodyTimeoutMs = positiveInteger(values['body-timeout-ms'], '--body-timeout-ms') ?? DEFAULT_BODY_TIMEOUT_MS;
  const neutralWarnShare = shareOf(values['neutral-warn-share'], '--neutral-warn-share') ?? DEFAULT_NEUTRAL_WARN_SHARE;
  const neutralWarnIntervalS = positiveInteger(values['neutral-warn-interval-s'], '--neutral-warn-interval-s');
  const deadlineMs = positiveInteger(values['deadline-ms'], '--deadline-ms') ?? DEFAULT_DEADLINE_MS;
  const drainTimeoutMs = positiveInteger(values['drain-timeout-ms'], '--drain-timeout-ms') ?? deadlineMs + 10_000;
  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new CliError(`--log-level: expected one of ${LOG_LEVELS.join(' | ')}, got ${JSON.stringify(logLevel)}`, EXIT.usage);
  const token = values.token ?? process.env.REWARDKIT_TOKEN;
  if (token !== undefined && token.trim() === '')
    throw new CliError(`${values.token !== undefined ? '--token' : 'REWARDKIT_TOKEN'}: expected a non-empty token`, EXIT.usage);
  // the server's metrics see every judge call: their hooks go into the reward
  const metrics = createServerMetrics();
  const logger = io.stdout === process.stdout ? createServerLogger(logLevel) : createServerLogger(logLevel, io.stdout);
  let opened: OpenedReward;
  try {
    opened = await openReward({
      spec: values.spec,
      judge: values.judge,
      judgeBaseUrl: values['judge-base-url'],
      concurrency,
      prices,
      preflight: !values['no-preflight'],
      ...(values.cache ? { cache: values.cache } : {}),
      cachePolicy,
      ...redis,
      onRedisLog: (level, line) => logger[level](line),
      rewardOptions: metrics.rewardHooks,
    });
  } catch (error) {
    throw cliErrorOf('serve', error, OPEN_FAILURE);
  }
  const { spec } = opened;
  if (opened.sharedState) metrics.watchSharedState(opened.sharedState);
  const server = createRewardServer({
    spec,
    opened,
    metrics,
    ...(token ? { token } : {}),
    ...(bodyLimitMb ? { bodyLimitBytes: bodyLimitMb * 1024 * 1024 } : {}),
    maxRows,
    maxRowsInFlight,
    ...(maxBodyMbInFlight ? { maxBytesInFlight: maxBodyMbInFlight * 1024 * 1024 } : {}),
    bodyTimeoutMs,
    neutralWarnShare,
    ...(neutralWarnIntervalS ? { neutralWarnIntervalMs: neutralWarnIntervalS * 1000 } : {}),
    deadlineMs,
    logBodies: values['log-bodies'] === true,
    logger,
  });
  let url: string;
  try {
    url = await server.listen(port, host);
  } catch (error) {
    opened.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`serve: --port ${port}: address already in use on ${host}; pick another port (or 0 for any free one)`, EXIT.usage);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(`serve: --host ${host}: not an address of this machine (${code})`, EXIT.usage);
    throw error;
  }
  logger.info(
    {
      url,
      routes: ROUTES,
      spec: values.spec,
      auth: token ? 'token required' : 'none',
      deadline_ms: deadlineMs,
      body_limit_bytes: bodyLimitMb ? bodyLimitMb * 1024 * 1024 : DEFAULT_BODY_LIMIT_BYTES,
      max_rows: maxRows,
      max_rows_in_flight: maxRowsInFlight,
      max_body_bytes_in_flight: maxBodyMbInFlight ? maxBodyMbInFlight * 1024 * 1024 : DEFAULT_MAX_BYTES_IN_FLIGHT,
      body_timeout_ms: bodyTimeoutMs,
      neutral_warn_share: neutralWarnShare,
      log_bodies: values['log-bodies'] === true,
      redis: opened.sharedState ? `${opened.sharedState.link.where} (prefix ${opened.sharedState.prefix})` : 'off',
    },
    'listening',
  );
  io.stderr.write(
    `rewardkit serve: listening on ${url} (spec ${spec.name}, ${token ? 'token required' : 'no authentication'}); SIGTERM or Ctrl-C drains and stops\n`,
  );
  if (!token && !isLoopback(host))
    logger.warn({ host }, 'serving without authentication on a non-loopback address: set REWARDKIT_TOKEN or --token');

  const signal = await untilSignalled();
  logger.info({ signal, in_flight: server.inFlight }, 'draining: new requests get 503; finishing those in flight');
  process.once(signal === 'SIGTERM' ? 'SIGINT' : 'SIGTERM', () => {
    logger.warn('second signal: stopping without waiting for requests in flight');
    process.exit(EXIT.internal);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    server.close().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), drainTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (!timedOut) opened.close();
  const code = timedOut ? EXIT.internal : EXIT.ok;
  if (timedOut)
    logger.error(
      { drain_timeout_ms: drainTimeoutMs, in_flight: server.inFlight },
      'drain timed out: stopping with requests still in flight',
    );
  else logger.info('stopped');
  io.stderr.write(`rewardkit serve: ${timedOut ? 'drain timed out, stopping' : 'stopped'}\n`);
  logger.flush();
  // idle keep-alive sockets to the judge may linger a few seconds; nothing is left to do
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}

/** What `serve` says when opening the reward fails (src/cli/reward-flags.ts). */
const OPEN_FAILURE: OpenFailureWording = {
  notDone: 'the server was not started',
  advice:
    'Start the judge server, point at another judge with --judge PROVIDER:MODEL --judge-base-url URL, or start anyway with --no-preflight.',
  cacheHint: 'use --cache FILE elsewhere, or leave out --cache',
};

function shareOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const share = Number(value);
  if (value.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1)
    throw new CliError(`${flag}: expected a share from 0 to 1 (e.g. 0.5), got ${JSON.stringify(value)}`, EXIT.usage);
  return share;
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new CliError(`--port: expected a port number 0–65535, got ${JSON.stringify(value)}`, EXIT.usage);
  return port;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
