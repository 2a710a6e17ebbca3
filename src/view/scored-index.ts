/**
 * A `rewardkit score` output file read once, streamed, into what the row list needs — per row its id, reward, flags
 * and each component's score and status, and the byte range of its line — while the full record (rationales,
 * details, judge calls with their raw replies) stays on disk and is read by offset when a row is opened.
 */
import type { ComponentStatus } from '../result.js';
import { forEachLine, readLineAt } from './line-offsets.js';
import { ViewError } from './view-error.js';

export const COMPONENT_STATUSES: readonly ComponentStatus[] = ['scored', 'undetermined', 'skipped', 'error'];
/** The status code of a component the row does not have. */
const ABSENT = -1;

export interface IndexedRow {
  /** 0-based position among the file's rows: the row's number in the API. */
  n: number;
  /** 1-based line in the scored file. */
  line: number;
  /** The input line score read the row from (its `line` field); null when absent. */
  inputLine: number | null;
  id: string;
  reward: number | null;
  neutral: boolean;
  gatedBy: string | null;
  flags: readonly string[];
  /** Per component of the index (`ScoredIndex.components`, same order): its score, NaN when null or absent. */
  scores: number[];
  /** Per component: the index of its status in COMPONENT_STATUSES, -1 when the row has no such component. */
  statuses: number[];
  offset: number;
  length: number;
}

export interface ScoredIndex {
  path: string;
  rows: IndexedRow[];
  /** Component names in the order they first appear. */
  components: string[];
  /** Every flag found, sorted, with how many rows carry it. */
  flags: Array<{ flag: string; rows: number }>;
  /** A last line without a newline that is not a whole record (a file still being written): left out. */
  partialLastLine: number | null;
}

/** Reads `path` (`what` names it in errors, e.g. "SCORED.jsonl"). Stops at the first line that is not score output. */
export async function indexScoredFile(path: string, what: string): Promise<ScoredIndex> {
  const rows: IndexedRow[] = [];
  const components: string[] = [];
  const componentIndex = new Map<string, number>();
  const flagCounts = new Map<string, number>();
  const interned = new Map<string, string>();
  const intern = (text: string) => interned.get(text) ?? (interned.set(text, text), text);
  const noFlags: readonly string[] = Object.freeze([]);
  let partialLastLine: number | null = null;
  try {
    await forEachLine(path, (bytes, span) => {
      if (bytes.length === 0) return;
      const text = bytes.toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        if (text.trim() === '') return;
        if (!span.complete) {
          partialLastLine = span.line;
          return;
        }
        throw new ViewError('input', `${what} ${path}:${span.line}: not valid JSON (${(error as Error).message})`);
      }
      const record = scoreRecordOf(value);
      if (typeof record === 'string') throw new ViewError('input', `${what} ${path}:${span.line}: ${record}`);
      const width = components.length;
      const scores: number[] = new Array<number>(width).fill(NaN);
      const statuses: number[] = new Array<number>(width).fill(ABSENT);
      for (const component of record.components) {
        let index = componentIndex.get(component.name);
        if (index === undefined) {
          index = components.length;
          components.push(component.name);
          componentIndex.set(component.name, index);
        }
        scores[index] = component.score ?? NaN;
        statuses[index] = COMPONENT_STATUSES.indexOf(component.status);
      }
      for (const flag of record.flags) flagCounts.set(flag, (flagCounts.get(flag) ?? 0) + 1);
      rows.push({
        n: rows.length,
        line: span.line,
        inputLine: record.line,
        id: record.id,
        reward: record.reward,
        neutral: record.neutral,
        gatedBy: record.gatedBy === null ? null : intern(record.gatedBy),
        flags: record.flags.length === 0 ? noFlags : record.flags.map(intern),
        scores,
        statuses,
        offset: span.offset,
        length: span.length,
      });
    });
  } catch (error) {
    if (ViewError.isInstance(error)) throw error;
    throw new ViewError(
      'input',
      `${what} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (rows.length === 0) throw new ViewError('input', `${what} ${path}: the file has no rows (expected the output of rewardkit score)`);
  // rows read before a component first appeared lack its slot
  for (const row of rows) {
    for (let index = row.scores.length; index < components.length; index += 1) {
      row.scores.push(NaN);
      row.statuses.push(ABSENT);
    }
  }
  const flags = [...flagCounts].map(([flag, count]) => ({ flag, rows: count })).sort((a, b) => a.flag.localeCompare(b.flag));
  return { path, rows, components, flags, partialLastLine };
}

/** The full record of a row, read from disk. */
export async function readScoredRecord(index: ScoredIndex, row: IndexedRow): Promise<Record<string, unknown>> {
  return JSON.parse(await readLineAt(index.path, row.offset, row.length)) as Record<string, unknown>;
}

interface ScoreRecord {
  line: number | null;
  id: string;
  reward: number | null;
  neutral: boolean;
  gatedBy: string | null;
  flags: string[];
  components: Array<{ name: string; score: number | null; status: ComponentStatus }>;
}

/** The fields the index keeps, or what is wrong with the line. */
function scoreRecordOf(value: unknown): ScoreRecord | string {
  const expected =
    'expected a rewardkit score result (an object with "id", "reward" and "components"; write it with rewardkit score --output)';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${expected}, got ${describe(value)}`;
  const record = value as Record<string, unknown>;
  if (typeof record.id !== 'string') return `"id": ${expected}, got ${describe(record.id)}`;
  if (!(record.reward === null || (typeof record.reward === 'number' && Number.isFinite(record.reward))))
    return `"reward": expected a number or null, got ${describe(record.reward)}`;
  if (!Array.isArray(record.components)) return `"components": ${expected}, got ${describe(record.components)}`;
  const components: ScoreRecord['components'] = [];
  for (const [position, item] of record.components.entries()) {
    const component = (item ?? {}) as Record<string, unknown>;
    if (typeof component.name !== 'string') return `"components[${position}].name": expected a string, got ${describe(component.name)}`;
    const status = COMPONENT_STATUSES.includes(component.status as ComponentStatus) ? (component.status as ComponentStatus) : null;
    if (status === null)
      return `"components[${position}].status": expected one of ${COMPONENT_STATUSES.join(', ')}, got ${describe(component.status)}`;
    const score = typeof component.score === 'number' && Number.isFinite(component.score) ? component.score : null;
    components.push({ name: component.name, score, status });
  }
  const flags = Array.isArray(record.flags) ? record.flags.filter((flag): flag is string => typeof flag === 'string') : [];
  return {
    line: typeof record.line === 'number' && Number.isInteger(record.line) ? record.line : null,
    id: record.id,
    reward: record.reward,
    neutral: record.neutral === true,
    gatedBy: typeof record.gated_by === 'string' ? record.gated_by : null,
    flags,
    components,
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
