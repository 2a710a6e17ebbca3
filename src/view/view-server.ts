/**
 * The viewer's HTTP server (fastify, the project's server stack), bound to 127.0.0.1: the page, its script and style,
 * and the JSON API the page reads —
 *   GET /api/meta              the files, their row counts, component names and flags, the pairing counts
 *   GET /api/rows?side=&…      one page of a side's rows, filtered and sorted (row-query.ts)
 *   GET /api/rows/:n?side=     one row's detail (row-detail.ts)
 *   GET /api/pairs?…           the side-by-side view's prompt pairs (pair-query.ts)
 *   GET /api/pairs/:k?offset=  one prompt's rows on both sides, in detail: MAX_PAIR_ROWS a side from offset
 * A bad query gets 400 with `{error: {field, message}}` naming the parameter, the value found and what was expected.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { parsePairQuery, parsePairRowsQuery, queryPairs } from './pair-query.js';
import { rowDetail, type RowDetail } from './row-detail.js';
import { parseRowQuery, QueryProblem, queryRows } from './row-query.js';
import type { ViewPairs } from './view-pairs.js';
import { VIEW_CSP, viewPage } from './view-page.js';
import type { ViewSide } from './view-side.js';

/** The most rows of one prompt a pair's detail opens per side at a time (GRPO groups are 4–16); `offset` pages on. */
export const MAX_PAIR_ROWS = 16;

export interface ViewServerOptions {
  sides: ViewSide[];
  pairs: ViewPairs | null;
}

export interface ViewServer {
  app: FastifyInstance;
  /** Starts listening on 127.0.0.1; resolves to the page's URL. */
  listen(port: number): Promise<string>;
  close(): Promise<void>;
}

export function createViewServer(options: ViewServerOptions): ViewServer {
  const page = viewPage();
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const { sides, pairs } = options;

  const problem = (reply: FastifyReply, status: number, field: string, message: string) =>
    reply.code(status).send({ error: { field, message } });
  const sideOf = (query: Record<string, unknown>): ViewSide | QueryProblem => {
    const name = query.side;
    if (name === undefined) return sides[0]!;
    const side = sides.find((candidate) => candidate.name === name);
    return side ?? new QueryProblem('side', `side: expected one of ${sides.map((s) => s.name).join(', ')}, got ${JSON.stringify(name)}`);
  };
  const rowNumber = (text: string, count: number, what: string): number | QueryProblem => {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    return Number.isSafeInteger(n) && n < count
      ? n
      : new QueryProblem(what, `${what}: expected a whole number from 0 to ${count - 1}, got ${JSON.stringify(text)}`);
  };

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', VIEW_CSP).send(page.html),
  );
  app.get('/view.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(page.css));
  app.get('/view.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(page.js));

  app.get('/api/meta', (_request, reply) =>
    reply.send({
      mode: pairs ? 'compare' : 'single',
      sides: sides.map((side) => ({
        name: side.name,
        scored: side.index.path,
        input: side.inputs?.path ?? null,
        spec: side.renderer !== null,
        rows: side.index.rows.length,
        components: side.index.components,
        flags: side.index.flags,
        partial_last_line: side.index.partialLastLine,
      })),
      pairs: pairs ? { pair_by: pairs.pairBy, ...pairs.counts } : null,
    }),
  );

  app.get('/api/rows', async (request, reply) => {
    const { side: _side, ...parameters } = request.query as Record<string, unknown>;
    const side = sideOf(request.query as Record<string, unknown>);
    if (side instanceof QueryProblem) return problem(reply, 400, side.field, side.message);
    const query = parseRowQuery(parameters);
    if (query instanceof QueryProblem) return problem(reply, 400, query.field, query.message);
    const page = queryRows(side.index, query);
    if (page instanceof QueryProblem) return problem(reply, 400, page.field, page.message);
    return page;
  });

  app.get('/api/rows/:n', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const side = sideOf(query);
    if (side instanceof QueryProblem) return problem(reply, 400, side.field, side.message);
    const n = rowNumber((request.params as { n: string }).n, side.index.rows.length, 'n');
    if (n instanceof QueryProblem) return problem(reply, 404, n.field, n.message);
    return rowDetail(side, side.index.rows[n]!);
  });

  app.get('/api/pairs', async (request, reply) => {
    if (!pairs) return problem(reply, 404, 'pairs', 'pairs: only in the side-by-side view (rewardkit view BEFORE.jsonl AFTER.jsonl)');
    const query = parsePairQuery(request.query as Record<string, unknown>);
    if (query instanceof QueryProblem) return problem(reply, 400, query.field, query.message);
    return queryPairs(pairs, query);
  });

  app.get('/api/pairs/:k', async (request, reply) => {
    if (!pairs) return problem(reply, 404, 'pairs', 'pairs: only in the side-by-side view (rewardkit view BEFORE.jsonl AFTER.jsonl)');
    const k = rowNumber((request.params as { k: string }).k, pairs.pairs.length, 'k');
    if (k instanceof QueryProblem) return problem(reply, 404, k.field, k.message);
    const pair = pairs.pairs[k]!;
    const query = parsePairRowsQuery(request.query as Record<string, unknown>, pair);
    if (query instanceof QueryProblem) return problem(reply, 400, query.field, query.message);
    const details = async (side: ViewSide, rows: number[]): Promise<RowDetail[]> =>
      Promise.all(rows.slice(query.offset, query.offset + MAX_PAIR_ROWS).map((n) => rowDetail(side, side.index.rows[n]!)));
    const [before, after] = await Promise.all([details(sides[0]!, pair.before_rows), details(sides[1]!, pair.after_rows)]);
    return { pair, offset: query.offset, rows_per_page: MAX_PAIR_ROWS, before, after };
  });

  app.setNotFoundHandler((request, reply) =>
    problem(reply, 404, 'path', `path: no such page or API route: ${request.method} ${request.url}`),
  );

  return {
    app,
    async listen(port) {
      await app.listen({ port, host: '127.0.0.1' });
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      return `http://127.0.0.1:${bound}/`;
    },
    close: () => app.close(),
  };
}
