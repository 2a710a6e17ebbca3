/**
 * The row list's query — filter by reward range, flag, id and component status; sort by line, reward or a component's
 * score; one page of the result — read from the URL's query string (a zod schema at the boundary) and applied to a
 * scored file's index. Rows with no value for the sort key (a null reward, a component that did not score) always
 * come last, whichever the order.
 */
import { z } from 'zod';
import { COMPONENT_STATUSES, type IndexedRow, type ScoredIndex } from './scored-index.js';

export const DEFAULT_PAGE_ROWS = 100;
export const MAX_PAGE_ROWS = 1000;

const finite = (field: string) =>
  z
    .string()
    .refine((text) => text.trim() !== '' && Number.isFinite(Number(text)), { message: `${field}: expected a number` })
    .transform(Number);
const count = (field: string, max: number) =>
  z
    .string()
    .refine((text) => /^\d+$/.test(text) && Number(text) <= max, { message: `${field}: expected a whole number from 0 to ${max}` })
    .transform(Number);

export const RowQuerySchema = z.object({
  sort: z.string().default('line'),
  order: z.enum(['asc', 'desc'], { message: 'order: expected "asc" or "desc"' }).default('asc'),
  min: finite('min').optional(),
  max: finite('max').optional(),
  flag: z.string().min(1).optional(),
  /** A substring of the id (case-insensitive). */
  id: z.string().min(1).optional(),
  component: z.string().min(1).optional(),
  status: z
    .enum(COMPONENT_STATUSES as [string, ...string[]], { message: `status: expected one of ${COMPONENT_STATUSES.join(', ')}` })
    .optional(),
  offset: count('offset', Number.MAX_SAFE_INTEGER).default(0),
  limit: count('limit', MAX_PAGE_ROWS).default(DEFAULT_PAGE_ROWS),
});

export type RowQuery = z.infer<typeof RowQuerySchema>;

/** A query the index cannot answer: the parameter, the value found and what was expected. */
export class QueryProblem {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

/** One row in the list. */
export interface RowSummary {
  n: number;
  line: number;
  id: string;
  reward: number | null;
  neutral: boolean;
  gated_by: string | null;
  flags: readonly string[];
  components: Array<{ name: string; score: number | null; status: string }>;
}

export interface RowPage {
  /** Rows in the file. */
  total: number;
  /** Rows that pass the filter. */
  matched: number;
  offset: number;
  rows: RowSummary[];
}

/** Parses a query string's parameters (unknown ones are refused: a typo must not silently show every row). */
export function parseRowQuery(parameters: Record<string, unknown>): RowQuery | QueryProblem {
  const known = new Set(Object.keys(RowQuerySchema.shape));
  for (const name of Object.keys(parameters))
    if (!known.has(name)) return new QueryProblem(name, `${name}: not a query parameter; expected one of ${[...known].join(', ')}`);
  for (const [name, value] of Object.entries(parameters))
    if (typeof value !== 'string') return new QueryProblem(name, `${name}: expected one value, got ${JSON.stringify(value)}`);
  const parsed = RowQuerySchema.safeParse(parameters);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  return new QueryProblem(field, `${issue.message}, got ${JSON.stringify(parameters[field])}`);
}

/** The page of rows the query asks for. */
export function queryRows(index: ScoredIndex, query: RowQuery): RowPage | QueryProblem {
  const key = sortKey(index, query.sort);
  if (key instanceof QueryProblem) return key;
  let component: number | null = null;
  if (query.component !== undefined) {
    component = index.components.indexOf(query.component);
    if (component < 0)
      return new QueryProblem(
        'component',
        `component: expected one of ${quoted(index.components)}, got ${JSON.stringify(query.component)}`,
      );
  }
  const status = query.status === undefined ? null : COMPONENT_STATUSES.indexOf(query.status as (typeof COMPONENT_STATUSES)[number]);
  const idPart = query.id?.toLowerCase();
  const matched = index.rows.filter((row) => {
    if (query.min !== undefined && (row.reward === null || row.reward < query.min)) return false;
    if (query.max !== undefined && (row.reward === null || row.reward > query.max)) return false;
    if (query.flag !== undefined && !row.flags.includes(query.flag)) return false;
    if (idPart !== undefined && !row.id.toLowerCase().includes(idPart)) return false;
    if (component !== null) {
      if (row.statuses[component]! < 0) return false;
      if (status !== null && row.statuses[component] !== status) return false;
    } else if (status !== null && !row.statuses.includes(status)) return false;
    return true;
  });
  const direction = query.order === 'asc' ? 1 : -1;
  // each row's key computed once (a comparator calling `key` would compute it ~2·log2(n) times per row)
  const keys = Float64Array.from(matched, key);
  const order = Uint32Array.from(matched.keys());
  order.sort((i, j) => {
    const x = keys[i]!;
    const y = keys[j]!;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? i - j : 1) : -1;
    return x === y ? i - j : (x - y) * direction;
  });
  return {
    total: index.rows.length,
    matched: matched.length,
    offset: query.offset,
    rows: Array.from(order.subarray(query.offset, query.offset + query.limit), (position) => summaryOf(index, matched[position]!)),
  };
}

export function summaryOf(index: ScoredIndex, row: IndexedRow): RowSummary {
  const components: RowSummary['components'] = [];
  row.statuses.forEach((status, position) => {
    if (status < 0) return;
    const score = row.scores[position]!;
    components.push({ name: index.components[position]!, score: Number.isNaN(score) ? null : score, status: COMPONENT_STATUSES[status]! });
  });
  return {
    n: row.n,
    line: row.line,
    id: row.id,
    reward: row.reward,
    neutral: row.neutral,
    gated_by: row.gatedBy,
    flags: row.flags,
    components,
  };
}

/** The number a row sorts by (NaN: no value, sorted last). */
function sortKey(index: ScoredIndex, sort: string): ((row: IndexedRow) => number) | QueryProblem {
  if (sort === 'line') return (row) => row.line;
  if (sort === 'reward') return (row) => row.reward ?? NaN;
  if (sort.startsWith('component:')) {
    const position = index.components.indexOf(sort.slice('component:'.length));
    if (position >= 0) return (row) => row.scores[position]!;
  }
  return new QueryProblem(
    'sort',
    `sort: expected line, reward or component:NAME with NAME one of ${quoted(index.components)}, got ${JSON.stringify(sort)}`,
  );
}

function quoted(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}
