/**
 * The HTTP reward server (fastify): one reward spec served to trainers.
 *   POST /v1/score    native batch: {rows} → {results, spec}
 *   POST /get_reward  OpenRLHF remote reward model: {query, prompts, labels} → {rewards, scores, extra_logs}
 *   POST /v1/nova     the Nova RFT Lambda payload over HTTP (same code path as the Lambda handler)
 *   GET  /healthz     liveness/readiness (open; 503 while draining; with Redis, whether it answers — never a 503 for that)
 *   GET  /metrics     Prometheus metrics
 * Stateless: every request carries all it needs, so replicas scale out behind any load balancer. Every
 * request has a deadline (rows unfinished by then get the neutral reward, flagged); errors are JSON
 * naming the field and what was expected. One bad-but-legal request cannot knock it over: bodies are
 * received under limits (json-body.ts: rows per request, a shared budget of bytes and rows in flight, a body
 * timeout), long batches yield to the event loop (runtime/loop-yield.ts), big replies stream (json-reply.ts), and the
 * drain answers new requests 503 until those in flight are done. Batches a trainer cannot learn from are
 * logged (batch-warnings.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createReward, type Reward, type RewardOptions } from '../reward.js';
import type { OpenedReward } from '../open-reward.js';
import { createSchedulerRegistry } from '../reward-resources.js';
import { REWARDKIT_VERSION } from '../version.js';
import type { RewardResult } from '../result.js';
import { componentNameOf, type RewardSpec } from '../spec/schema.js';
import { createTokenCheck, type TokenCheck } from './auth.js';
import {
  missingReferenceMessage,
  missingReferenceWarning,
  NeutralShareAlarm,
  neutralShareMessage,
  neutralShareOf,
} from './batch-warnings.js';
import { neutralOf, scoreRows, startDeadline, type Deadline } from './deadline.js';
import { receiveJsonBody, tooManyRowsError } from './json-body.js';
import { jsonArrayReply, jsonObjectReply } from './json-reply.js';
import { mapYielding } from '../runtime/loop-yield.js';
import { createServerLogger } from './logger.js';
import { novaSpecOf, samplesOf, scoreNovaEvent } from './nova-batch.js';
import { OpenRlhfRequestSchema } from './openrlhf-contract.js';
import { DEFAULT_END_TOKENS, openRlhfResponse, openRlhfRows } from './openrlhf-rows.js';
import { RequestBudget, type BudgetTicket } from './request-budget.js';
import { HttpError, parseBody } from './request-error.js';
import { countResults } from './result-counts.js';
import { ScoreRequestSchema, type ScoreResponse, type SpecInfo } from './score-contract.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';

export interface RewardServerOptions {
  spec: RewardSpec;
  /** Required on every route but /healthz when set (Bearer, or Basic with the token as password). */
  token?: string;
  /** Largest request body accepted, in bytes (default 50 MiB). */
  bodyLimitBytes?: number;
  /** Most rows (items of any top-level array of the body) per request (default 10,000); more → 413 `too_many_rows`. */
  maxRows?: number;
  /** Rows held by all requests at once (default 50,000); a request that would pass it → 429 with Retry-After. */
  maxRowsInFlight?: number;
  /** Body bytes held by all requests at once (default 100 MiB); a request that would pass it → 429 with Retry-After. */
  maxBytesInFlight?: number;
  /** Time to receive a whole request body (default 60 s); slower → 408 `body_timeout`, connection closed. */
  bodyTimeoutMs?: number;
  /** Retry-After of a 429, in seconds (default 5). */
  retryAfterSeconds?: number;
  /** Warn (rate-limited) when more than this share of a batch's rewards is the neutral fallback (default 0.5; 1: never). */
  neutralWarnShare?: number;
  /** At most one neutral-share warning per this many milliseconds (default 60 s). */
  neutralWarnIntervalMs?: number;
  /** Time budget of one request (default 150 s, under OpenRLHF's 180 s client timeout). */
  deadlineMs?: number;
  /** How long after the deadline unfinished rows are answered without waiting (default 1 s). */
  graceMs?: number;
  /** Log request rows and results (off by default: rollouts may be sensitive and are large). */
  logBodies?: boolean;
  logger?: Logger;
  /** End tokens stripped from OpenRLHF responses (default DEFAULT_END_TOKENS). */
  endTokens?: readonly string[];
  /** Passed to createReward (tests: custom judge models). */
  createModel?: RewardOptions['createModel'];
  /** A persistent judge cache shared by every request (identical judgements across training steps are reused). */
  cache?: RewardOptions['cache'];
  /**
   * The reward as openReward built it from `spec` (with `metrics.rewardHooks`); a plain-row spec's Nova-reading twin is
   * derived from it. Without it, the server builds its own from `spec`, `cache` and `createModel`.
   */
  opened?: Pick<OpenedReward, 'reward' | 'derive'> & Partial<Pick<OpenedReward, 'sharedState'>>;
  /** The metrics the server exposes on /metrics (default: a fresh set); give the ones whose hooks `opened` was built with. */
  metrics?: ServerMetrics;
}

export interface RewardServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
  logger: Logger;
  /** Starts listening; resolves to the base URL (e.g. http://127.0.0.1:8080). */
  listen(port: number, host: string): Promise<string>;
  /** Graceful stop: answer new requests 503 "draining" (the listener stays open), finish those in flight, then close. */
  close(): Promise<void>;
  readonly inFlight: number;
  /** SHA-256 of the served spec (provenance: on /healthz, /v1/score and every result). */
  readonly specHash: string;
}

export const DEFAULT_BODY_LIMIT_BYTES = 50 * 1024 * 1024;
export const DEFAULT_DEADLINE_MS = 150_000;
export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_MAX_ROWS_IN_FLIGHT = 50_000;
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 100 * 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 60_000;
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
export const ROUTES = ['POST /v1/score', 'POST /get_reward', 'POST /v1/nova', 'GET /healthz', 'GET /metrics'];
const OPEN_ROUTES = new Set(['/healthz']);
/** Requests turned away before any scoring, counted in rewardkit_requests_rejected_total by this code. */
const REFUSALS = new Set(['too_many_rows', 'busy', 'body_timeout', 'body_too_large', 'draining']);
/** Where each route's rows keep their reference, for the warning about a request without any. */
const REFERENCE_HINTS: Record<string, string> = {
  '/get_reward': 'OpenRLHF sends labels only when --label_key names the dataset field that holds the reference',
  '/v1/nova': 'send reference_answer in each sample (at the root or under metadata)',
  '/v1/score':
    "send each row's reference (plain rows: the field the spec's input.reference names; chat rows: reference_answer; verl: ground_truth)",
};
const QUIET_ROUTES = new Set(['/healthz', '/metrics']);

interface RequestNotes {
  counts?: ReturnType<typeof countResults>;
}

/** The reward of a server given no `opened`: built from its spec, cache and createModel, with the metrics' hooks. */
function ownReward(options: RewardServerOptions, metrics: ServerMetrics): NonNullable<RewardServerOptions['opened']> {
  const rewardOptions: RewardOptions = {
    ...metrics.rewardHooks,
    ...(options.createModel ? { createModel: options.createModel } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    schedulers: createSchedulerRegistry(), // one set of judge limits per model, shared by both readers
  };
  const reward = createReward(options.spec, rewardOptions);
  return { reward, derive: (spec) => createReward(spec, { ...rewardOptions, specHash: reward.specHash }) };
}

export function createRewardServer(options: RewardServerOptions): RewardServer {
  const logger = options.logger ?? createServerLogger();
  const metrics = options.metrics ?? createServerMetrics();
  const opened = options.opened ?? ownReward(options, metrics);
  const reward = opened.reward;
  // Nova and OpenRLHF rows are chat rows; a spec reading plain rows gets a Nova-reading twin for them
  // (same cache, schedulers and hooks), reporting the served spec's hash, not its twin's
  const novaReward = options.spec.input.format === 'plain' ? opened.derive(novaSpecOf(options.spec)) : reward;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const graceMs = options.graceMs ?? 1000;
  const checkToken: TokenCheck | undefined = options.token ? createTokenCheck(options.token) : undefined;
  const info = specInfo(options.spec, reward);
  const notes = new WeakMap<FastifyRequest, RequestNotes>();
  const counted = new WeakSet<FastifyRequest>();
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const bodyLimits = {
    bodyLimitBytes: bodyLimit,
    maxRows,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    retryAfterSeconds: options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
  };
  const budget = new RequestBudget({
    maxBytes: options.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT,
    maxRows: options.maxRowsInFlight ?? DEFAULT_MAX_ROWS_IN_FLIGHT,
  });
  const tickets = new WeakMap<FastifyRequest, BudgetTicket>();
  metrics.watchBudget(() => ({ bytes: budget.bytesInFlight, rows: budget.rowsInFlight }));
  const neutralAlarm = new NeutralShareAlarm({
    ...(options.neutralWarnShare === undefined ? {} : { threshold: options.neutralWarnShare }),
    ...(options.neutralWarnIntervalMs === undefined ? {} : { intervalMs: options.neutralWarnIntervalMs }),
  });
  let inFlight = 0;
  let draining = false;
  /** Requests accepted before the drain began and not yet answered: the drain waits for them. */
  const accepted = new WeakSet<FastifyRequest>();
  let acceptedInFlight = 0;
  let drained: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  const app = Fastify({
    // pino's Logger and fastify's logger type differ in generics only; without the cast the app's type does not fit FastifyInstance
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  // JSON only: without this, text/plain bodies would reach the routes as strings
  app.removeContentTypeParser('text/plain');
  // a JSON body is received under the limits of json-body.ts (size, rows, shared budget, time), then parsed by fastify's secure parser
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', async (request: FastifyRequest, payload: IncomingMessage) => {
    const ticket = budget.open();
    tickets.set(request, ticket);
    const { text } = await receiveJsonBody(payload, ticket, bodyLimits);
    return new Promise<unknown>((resolve, reject) => {
      void parseJson(request, text, (error, body) => (error ? reject(error) : resolve(body)));
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    inFlight++;
    metrics.inFlight.inc({ route: routeOf(request) });
    // counted once: when the reply is done, or when the connection closes first (the client hung up)
    reply.raw.once('close', () => done(request, reply));
    if (draining) {
      if (routeOf(request) === '/healthz') return; // answers 503 "draining" itself
      metrics.rejected.inc({ route: routeOf(request), reason: 'draining' });
      return reply
        .code(503)
        .header('connection', 'close')
        .header('retry-after', String(bodyLimits.retryAfterSeconds))
        .send(
          new HttpError(503, 'draining', 'server: shutting down, finishing the requests in flight; send this request to another replica')
            .body,
        );
    }
    accepted.add(request);
    acceptedInFlight++;
    if (!checkToken || OPEN_ROUTES.has(routeOf(request))) return;
    if (!checkToken(request.headers.authorization)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="rewardkit"')
        .send(
          new HttpError(
            401,
            'unauthorized',
            'authorization: expected the header "Authorization: Bearer <token>" (the server\'s --token / REWARDKIT_TOKEN)',
          ).body,
        );
    }
  });
  const done = (request: FastifyRequest, reply: FastifyReply) => {
    if (counted.has(request)) return;
    counted.add(request);
    inFlight--;
    tickets.get(request)?.release();
    if (accepted.delete(request) && --acceptedInFlight === 0) drained?.();
    const route = routeOf(request);
    metrics.inFlight.dec({ route });
    const seconds = reply.elapsedTime / 1000;
    metrics.requestDuration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, seconds);
    const line = {
      route,
      method: request.method,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime),
      ...notes.get(request)?.counts,
    };
    if (QUIET_ROUTES.has(route) && reply.statusCode < 400) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  };
  app.addHook('onSend', async (_request, reply, payload) => {
    // while draining, a keep-alive connection must not outlive its last reply, or the close would wait for it
    if (draining) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => done(request, reply));

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const known = knownError(error, bodyLimit);
    if (!known) request.log.error({ err: error }, 'unexpected error');
    const answer = known ?? new HttpError(500, 'internal_error', `internal error; see the server log for request ${request.id}`);
    if (answer.headers) void reply.headers(answer.headers);
    if (REFUSALS.has(answer.code)) metrics.rejected.inc({ route: routeOf(request), reason: answer.code });
    void reply.code(answer.statusCode).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    void reply
      .code(404)
      .send(new HttpError(404, 'not_found', `no route ${request.method} ${path}; expected one of ${ROUTES.join(', ')}`).body);
  });

  /** Runs scoring under the request's deadline; a client that hangs up aborts its judges. */
  async function withDeadline<T>(reply: FastifyReply, work: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline = startDeadline(deadlineMs, graceMs);
    const onClose = () => {
      if (reply.raw.writableFinished) return;
      reply.log.info({ route: routeOf(reply.request) }, 'client closed the connection before the reply: its judge calls are aborted');
      deadline.abort('the client closed the connection');
    };
    reply.raw.once('close', onClose);
    try {
      return await work(deadline);
    } finally {
      deadline.dispose();
    }
  }

  function record(request: FastifyRequest, route: string, rows: unknown, results: RewardResult[]): void {
    metrics.observeResults(route, results);
    metrics.neutralShare.observe({ route }, neutralShareOf(results).share);
    notes.set(request, { counts: countResults(results) });
    let warned = 0;
    for (const result of results) {
      if (result.reward !== null || !result.error || warned++ >= 10) continue;
      request.log.warn(
        { route, id: result.id, field: result.error.field, problem: result.error.message },
        'row not readable: flagged row_error',
      );
    }
    const neutralWarning = neutralAlarm.check(results);
    if (neutralWarning) request.log.warn({ route, ...neutralWarning }, neutralShareMessage(neutralWarning, '--neutral-warn-share'));
    const noReference = missingReferenceWarning(results);
    if (noReference)
      request.log.warn(
        { route, ...noReference },
        missingReferenceMessage(noReference, REFERENCE_HINTS[route] ?? REFERENCE_HINTS['/v1/score']!),
      );
    if (options.logBodies) request.log.info({ route, rows, results }, 'bodies');
  }

  app.get('/healthz', async (_request, reply) => {
    const body = {
      status: draining ? 'draining' : 'ok',
      spec: info.name,
      spec_hash: info.spec_hash,
      rewardkit_version: info.rewardkit_version,
      judges: reward.judges.length,
      in_flight: Math.max(0, inFlight - 1),
      // Redis down is not a reason to restart a replica: it scores on its own cache and limits meanwhile
      ...(opened.sharedState ? { redis: opened.sharedState.up ? 'up' : 'down' } : {}),
    };
    return reply.code(draining ? 503 : 200).send(body);
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.post('/v1/score', async (request, reply) => {
    const body = parseBody(ScoreRequestSchema, request.body, 'body');
    const results = await withDeadline(reply, (deadline) => scoreRows(reward, body.rows, deadline, (index) => `row-${index}`));
    record(request, '/v1/score', body.rows, results);
    const response: ScoreResponse = {
      results: body.components ? results : await mapYielding(results, ({ components: _components, ...rest }) => rest),
      spec: info,
    };
    return sendJson(reply, jsonObjectReply(response, 'results'));
  });

  app.post('/v1/nova', async (request, reply) => {
    // a JSON-encoded array (hand-made invocations) is decoded here, after the body's own row count
    if (typeof request.body === 'string') {
      const decoded = samplesOf(request.body).samples.length;
      if (decoded > maxRows) throw tooManyRowsError('', decoded, maxRows);
    }
    const batch = await withDeadline(reply, (deadline) => scoreNovaEvent(request.body, novaReward, deadline));
    if (batch.eventProblem && batch.results.length === 0)
      throw new HttpError(400, 'invalid_request', batch.eventProblem.replace(/; replied with \[\]$/, ''));
    if (batch.eventProblem) request.log.warn({ problem: batch.eventProblem }, 'unexpected event shape');
    record(request, '/v1/nova', request.body, batch.rewardResults);
    return sendJson(reply, jsonArrayReply('', batch.results, ''));
  });

  app.post('/get_reward', async (request, reply) => {
    const body = parseBody(OpenRlhfRequestSchema, request.body, 'body');
    const rows = openRlhfRows(body, options.endTokens ?? DEFAULT_END_TOKENS);
    const readable = rows.flatMap((entry, index) => ('row' in entry ? [{ index, row: entry.row }] : []));
    const scored = await withDeadline(reply, (deadline) =>
      scoreRows(
        novaReward,
        readable.map((entry) => entry.row),
        deadline,
        (index) => `query-${readable[index]!.index}`,
      ),
    );
    const results: Array<RewardResult | undefined> = rows.map((entry) =>
      'error' in entry ? { ...entry.error, spec_hash: reward.specHash } : undefined,
    );
    readable.forEach((entry, position) => {
      results[entry.index] = scored[position];
    });
    const complete = results as RewardResult[];
    record(request, '/get_reward', body, complete);
    const promptMatches = rows.map((entry) => ('row' in entry ? entry.promptMatch : undefined));
    return openRlhfResponse(complete, info.components, info.range, info.neutral, promptMatches);
  });

  return {
    app,
    metrics,
    logger,
    async listen(port, host) {
      await app.listen({ port, host });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    },
    close() {
      // new requests get 503 "draining" while the listener stays open; it closes once those accepted before are answered
      closing ??= (async () => {
        draining = true;
        if (acceptedInFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        await app.close();
      })();
      return closing;
    },
    get inFlight() {
      return inFlight;
    },
    specHash: reward.specHash,
  };
}

/** Sends a JSON text or a stream of JSON text (json-reply.ts) as is. */
function sendJson(reply: FastifyReply, payload: string | Readable): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(payload);
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

export function specInfo(spec: RewardSpec, reward: Reward): SpecInfo {
  return {
    name: spec.name ?? null,
    spec_hash: reward.specHash,
    rewardkit_version: REWARDKIT_VERSION,
    range: [spec.aggregate.range[0], spec.aggregate.range[1]],
    neutral: neutralOf(reward),
    components: [...spec.checks.map((check) => componentNameOf(check)), ...reward.judges.map((judge) => judge.name)],
  };
}

/** Fastify's own request errors, as JSON naming what was expected. */
function knownError(error: Error & { code?: string; statusCode?: number }, bodyLimit: number): HttpError | undefined {
  if (HttpError.isInstance(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(
        413,
        'body_too_large',
        `body: expected at most ${bodyLimit} bytes (the server's --body-limit-mb); send smaller batches`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'content-type: expected application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'invalid_json', 'body: expected a JSON document, got an empty body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'invalid_json', `body: expected valid JSON (${error.message})`);
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new HttpError(400, 'invalid_json', `body: expected valid JSON (${error.message})`);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpError(error.statusCode, 'bad_request', `request: ${error.message}`);
  }
  return undefined;
}
