/**
 * The prompt-pair list's query in the side-by-side view: filter by pairing status, sort by the reward delta or either
 * side's mean (prompts without one last), one page of the result; and the page of one prompt's rows in detail.
 */
import { z } from 'zod';
import { PAIR_STATUSES, type PromptPair, type ViewPairs } from './view-pairs.js';
import { DEFAULT_PAGE_ROWS, MAX_PAGE_ROWS, QueryProblem } from './row-query.js';

const count = (field: string, max: number) =>
  z
    .string()
    .refine((text) => /^\d+$/.test(text) && Number(text) <= max, { message: `${field}: expected a whole number from 0 to ${max}` })
    .transform(Number);

const PAIR_SORTS = ['order', 'delta', 'before', 'after'] as const;

export const PairQuerySchema = z.object({
  sort: z.enum(PAIR_SORTS, { message: `sort: expected one of ${PAIR_SORTS.join(', ')}` }).default('order'),
  order: z.enum(['asc', 'desc'], { message: 'order: expected "asc" or "desc"' }).default('asc'),
  status: z.enum(PAIR_STATUSES as [string, ...string[]], { message: `status: expected one of ${PAIR_STATUSES.join(', ')}` }).optional(),
  offset: count('offset', Number.MAX_SAFE_INTEGER).default(0),
  limit: count('limit', MAX_PAGE_ROWS).default(DEFAULT_PAGE_ROWS),
});

export type PairQuery = z.infer<typeof PairQuerySchema>;

export interface PairPage {
  total: number;
  matched: number;
  offset: number;
  pairs: PromptPair[];
}

/** One prompt's rows in detail, a page at a time: `offset` is the first row shown on each side. */
export const PairRowsQuerySchema = z.object({
  offset: count('offset', Number.MAX_SAFE_INTEGER).default(0),
});

export type PairRowsQuery = z.infer<typeof PairRowsQuerySchema>;

function parseQuery<Schema extends z.ZodObject>(schema: Schema, parameters: Record<string, unknown>): z.infer<Schema> | QueryProblem {
  const known = new Set(Object.keys(schema.shape));
  for (const [name, value] of Object.entries(parameters)) {
    if (!known.has(name)) return new QueryProblem(name, `${name}: not a query parameter; expected one of ${[...known].join(', ')}`);
    if (typeof value !== 'string') return new QueryProblem(name, `${name}: expected one value, got ${JSON.stringify(value)}`);
  }
  const parsed = schema.safeParse(parameters);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  return new QueryProblem(field, `${issue.message}, got ${JSON.stringify(parameters[field])}`);
}

export function parsePairQuery(parameters: Record<string, unknown>): PairQuery | QueryProblem {
  return parseQuery(PairQuerySchema, parameters);
}

/** The page of a prompt's rows; an offset past the rows of both sides is refused (0 is always a page). */
export function parsePairRowsQuery(parameters: Record<string, unknown>, pair: PromptPair): PairRowsQuery | QueryProblem {
  const query = parseQuery(PairRowsQuerySchema, parameters);
  if (query instanceof QueryProblem) return query;
  const rows = Math.max(pair.before_rows.length, pair.after_rows.length);
  if (query.offset > 0 && query.offset >= rows)
    return new QueryProblem(
      'offset',
      `offset: expected a whole number below ${rows} (the most rows of this prompt on a side), got "${query.offset}"`,
    );
  return query;
}

export function queryPairs(view: ViewPairs, query: PairQuery): PairPage {
  const matched = view.pairs.filter((pair) => query.status === undefined || pair.status === query.status);
  const key = (pair: PromptPair): number =>
    query.sort === 'order'
      ? pair.k
      : ((query.sort === 'delta' ? pair.delta : query.sort === 'before' ? pair.before_mean : pair.after_mean) ?? NaN);
  const direction = query.order === 'asc' ? 1 : -1;
  matched.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? a.k - b.k : 1) : -1;
    return x === y ? a.k - b.k : (x - y) * direction;
  });
  return {
    total: view.pairs.length,
    matched: matched.length,
    offset: query.offset,
    pairs: matched.slice(query.offset, query.offset + query.limit),
  };
}
