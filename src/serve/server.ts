/**
 * The HTTP reward server (fastify): one reward spec served to trainers.
 *   POST /v1/score    native batch: {rows} → {results, spec}
 *   POST /get_reward  OpenRLHF remote reward model: {query, prompts, labels} → {rewards, scores, extra_logs}
 *   POST /v1/nova     the Nova RFT Lambda payload over HTTP (same code path as the Lambda handler)
 *   GET  /healthz     liveness/readiness (open; 503 while draining)
 *   GET  /metrics     Prometheus metrics
 * Stateless: every request carries all it needs, so replicas scale out behind any load balancer. Every
 * request has a deadline (rows unfinished by then get the neutral reward, flagged); errors are JSON
 * naming the field and what was expected.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createReward, type Reward, type RewardOptions } from '../reward.js';
import type { RewardResult } from '../result.js';
import { componentNameOf, type RewardSpec } from '../spec/schema.js';
import { createTokenCheck, type TokenCheck } from './auth.js';
import { neutralOf, scoreRows, startDeadline, type Deadline } from './deadline.js';
import { createServerLogger } from './logger.js';
import { novaSpecOf, scoreNovaEvent } from './nova-batch.js';
import { OpenRlhfRequestSchema } from './openrlhf-contract.js';
import { DEFAULT_END_TOKENS, openRlhfResponse, openRlhfRows } from './openrlhf-rows.js';
import { HttpError, parseBody } from './request-error.js';
import { summariseResults } from './result-summary.js';
import { ScoreRequestSchema, type ScoreResponse, type SpecInfo } from './score-contract.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';

export interface RewardServerOptions {
  spec: RewardSpec;
  /** Required on every route but /healthz when set (Bearer, or Basic with the token as password). */
  token?: string;
  /** Largest request body accepted, in bytes (default 50 MiB). */
  bodyLimitBytes?: number;
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
}

export interface RewardServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
  logger: Logger;
  /** Starts listening; resolves to the base URL (e.g. http://127.0.0.1:8080). */
  listen(port: number, host: string): Promise<string>;
  /** Graceful stop: refuse new requests, finish those in flight, then close. */
  close(): Promise<void>;
  readonly inFlight: number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 50 * 1024 * 1024;
export const DEFAULT_DEADLINE_MS = 150_000;
export const ROUTES = ['POST /v1/score', 'POST /get_reward', 'POST /v1/nova', 'GET /healthz', 'GET /metrics'];
const OPEN_ROUTES = new Set(['/healthz']);
const QUIET_ROUTES = new Set(['/healthz', '/metrics']);

interface RequestNotes {
  summary?: ReturnType<typeof summariseResults>;
}

export function createRewardServer(options: RewardServerOptions): RewardServer {
  const logger = options.logger ?? createServerLogger();
  const metrics = createServerMetrics();
  const rewardOptions: RewardOptions = {
    ...metrics.rewardHooks,
    ...(options.createModel ? { createModel: options.createModel } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    schedulers: new Map(), // one set of judge limits per model, shared by both readers below
  };
  const reward = createReward(options.spec, rewardOptions);
  // Nova and OpenRLHF rows are chat rows; a spec reading plain rows gets a Nova-reading twin for them
  const novaReward = options.spec.input.format === 'plain' ? createReward(novaSpecOf(options.spec), rewardOptions) : reward;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const graceMs = options.graceMs ?? 1000;
  const checkToken: TokenCheck | undefined = options.token ? createTokenCheck(options.token) : undefined;
  const info = specInfo(options.spec, reward);
  const notes = new WeakMap<FastifyRequest, RequestNotes>();
  const counted = new WeakSet<FastifyRequest>();
  let inFlight = 0;
  let draining = false;

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  // JSON only: without this, text/plain bodies would reach the routes as strings
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    inFlight++;
    metrics.inFlight.inc({ route: routeOf(request) });
    // counted once: when the reply is done, or when the connection closes first (the client hung up)
    reply.raw.once('close', () => done(request, reply));
    if (!checkToken || OPEN_ROUTES.has(routeOf(request))) return;
    if (!checkToken(request.headers.authorization)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="rewardkit"')
        .send(new HttpError(401, 'unauthorized', 'authorization: expected the header "Authorization: Bearer <token>" (the server\'s --token / REWARDKIT_TOKEN)').body);
    }
  });
  const done = (request: FastifyRequest, reply: FastifyReply) => {
    if (counted.has(request)) return;
    counted.add(request);
    inFlight--;
    const route = routeOf(request);
    metrics.inFlight.dec({ route });
    const seconds = reply.elapsedTime / 1000;
    metrics.requestDuration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, seconds);
    const line = { route, method: request.method, status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime), ...notes.get(request)?.summary };
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
    void reply.code(answer.statusCode).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    void reply.code(404).send(new HttpError(404, 'not_found', `no route ${request.method} ${path}; expected one of ${ROUTES.join(', ')}`).body);
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
    notes.set(request, { summary: summariseResults(results) });
    let warned = 0;
    for (const result of results) {
      if (result.reward !== null || !result.error || warned++ >= 10) continue;
      request.log.warn({ route, id: result.id, field: result.error.field, problem: result.error.message }, 'row not readable: flagged row_error');
    }
    if (options.logBodies) request.log.info({ route, rows, results }, 'bodies');
  }

  app.get('/healthz', async (_request, reply) => {
    const body = { status: draining ? 'draining' : 'ok', spec: info.name, judges: reward.judges.length, in_flight: Math.max(0, inFlight - 1) };
    return reply.code(draining ? 503 : 200).send(body);
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.post('/v1/score', async (request, reply): Promise<ScoreResponse> => {
    const body = parseBody(ScoreRequestSchema, request.body, 'body');
    const results = await withDeadline(reply, (deadline) => scoreRows(reward, body.rows, deadline, (index) => `row-${index}`));
    record(request, '/v1/score', body.rows, results);
    return { results: body.components ? results : results.map(({ components: _components, ...rest }) => rest), spec: info };
  });

  app.post('/v1/nova', async (request, reply) => {
    const batch = await withDeadline(reply, (deadline) => scoreNovaEvent(request.body, novaReward, deadline));
    if (batch.eventProblem && batch.results.length === 0) throw new HttpError(400, 'invalid_request', batch.eventProblem.replace(/; replied with \[\]$/, ''));
    if (batch.eventProblem) request.log.warn({ problem: batch.eventProblem }, 'unexpected event shape');
    record(request, '/v1/nova', request.body, batch.rewardResults);
    return batch.results;
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
    const results = rows.map((entry) => ('error' in entry ? entry.error : undefined));
    readable.forEach((entry, position) => {
      results[entry.index] = scored[position];
    });
    const complete = results as RewardResult[];
    record(request, '/get_reward', body, complete);
    return openRlhfResponse(complete, info.components, info.range, info.neutral);
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
    async close() {
      draining = true;
      await app.close();
    },
    get inFlight() {
      return inFlight;
    },
  };
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

export function specInfo(spec: RewardSpec, reward: Reward): SpecInfo {
  return {
    name: spec.name ?? null,
    range: [spec.aggregate.range[0], spec.aggregate.range[1]],
    neutral: neutralOf(reward),
    components: [...spec.checks.map((check) => componentNameOf(check)), ...reward.judges.map((judge) => judge.name)],
  };
}

/** Fastify's own request errors, as JSON naming what was expected. */
function knownError(error: Error & { code?: string; statusCode?: number }, bodyLimit: number): HttpError | undefined {
  if (error instanceof HttpError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'body_too_large', `body: expected at most ${bodyLimit} bytes (the server's --body-limit-mb); send smaller batches`);
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
