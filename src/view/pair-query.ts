/**
 * The prompt-pair list's query in the side-by-side view: filter by pairing status, sort by the reward delta or either
 * side's mean (prompts without one last), one page of the result.
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

export function parsePairQuery(parameters: Record<string, unknown>): PairQuery | QueryProblem {
  const known = new Set(Object.keys(PairQuerySchema.shape));
  for (const [name, value] of Object.entries(parameters)) {
    if (!known.has(name)) return new QueryProblem(name, `${name}: not a query parameter; expected one of ${[...known].join(', ')}`);
    if (typeof value !== 'string') return new QueryProblem(name, `${name}: expected one value, got ${JSON.stringify(value)}`);
  }
  const parsed = PairQuerySchema.safeParse(parameters);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  return new QueryProblem(field, `${issue.message}, got ${JSON.stringify(parameters[field])}`);
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
