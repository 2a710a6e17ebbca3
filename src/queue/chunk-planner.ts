/**
 * Chunking: how `score --queue` cuts the input into chunks of about `--chunk-size` rows, each scored by one worker.
 * Without a group judge a chunk is the next N rows. With one (`type: group`), a chunk never splits a group: the
 * planner forms the groups with the group window of a local run's group session (group-windows.ts, with the same
 * `--group-window`) — each group judge's key of each row, a group closing once the window has passed its first row,
 * a later part of a key the window closed (or a --resume point saw) counted as cut — and a chunk takes whole groups
 * (rows tied by two group judges' groups go together), so a chunk may hold more than N rows and its rows need not be
 * adjacent in the input (results are still written in input order). Two parts of one group never share a chunk, and a
 * chunk carries a row of each earlier part it continues, which the worker notes first, so the cut part is flagged
 * `group_cut` as locally. With one group judge the groups, members and flags are a local run's; with several, a cut
 * part's row notes every judge's key, so a part of another judge that shares it may be flagged too.
 */
import { createRowContext, toRowView } from '../input/row-view.js';
import { isGroupJudge, type GroupJudge } from '../judges/judge.js';
import type { Reward } from '../reward.js';
import { GroupWindows } from '../group-windows.js';
import type { ChunkRow } from './chunk-job.js';

/** An input line as `score` reads it: a row, or a line that is not JSON (it counts toward the group window). */
export type InputLine = { line: number; value: unknown } | { line: number; error: string };

export interface PlannedChunk {
  /** In input order. */
  rows: ChunkRow[];
  /** Rows of earlier parts of the groups this chunk continues (to be noted before its rows). */
  earlier: unknown[];
}

export interface ChunkPlanner {
  /** The next row; returns the chunks it completed. */
  add(line: number, row: unknown): PlannedChunk[];
  /** An input line that is not a row (not JSON): counts toward the window; returns the chunks it completed. */
  skip(): PlannedChunk[];
  /** An input line before the --resume point (scored by the earlier run); only the last `window` matter. */
  noteEarlier(entry: InputLine): void;
  /** The input is done: every open group closes; returns the last chunks. */
  end(): PlannedChunk[];
}

export function createChunkPlanner(reward: Pick<Reward, 'spec' | 'judges'>, options: { chunkSize: number; window: number }): ChunkPlanner {
  const groupJudges = reward.judges.filter(isGroupJudge);
  return groupJudges.length === 0 ? rowChunks(options.chunkSize) : groupChunks(reward.spec, groupJudges, options);
}

/** No group judge: the next N rows. */
function rowChunks(chunkSize: number): ChunkPlanner {
  let rows: ChunkRow[] = [];
  const flush = (): PlannedChunk[] => {
    if (rows.length === 0) return [];
    const chunk = { rows, earlier: [] };
    rows = [];
    return [chunk];
  };
  return {
    add(line, row) {
      rows.push({ line, row });
      return rows.length >= chunkSize ? flush() : [];
    },
    skip: () => [],
    noteEarlier: () => {},
    end: flush,
  };
}

/** Rows tied together by shared groups: they go to one chunk once every group of theirs has closed. */
interface Unit {
  rows: ChunkRow[];
  parts: Part[];
  openParts: number;
  /** Rows of the earlier parts of its cut groups, by part id. */
  earlier: Map<string, unknown>;
}

interface Part {
  id: string;
  /** Session position of its first row. */
  first: number;
  unit: Unit;
  /** A member row (any: they share the key), noted when a later part of its key is cut. */
  sample: unknown;
}

function groupChunks(
  spec: Pick<Reward, 'spec'>['spec'],
  groupJudges: GroupJudge[],
  options: { chunkSize: number; window: number },
): ChunkPlanner {
  const { window, chunkSize } = options;
  /** Groups by `judge index \0 key`, as a local run forms them; a closed one is remembered with a row of it. */
  const windows = new GroupWindows<Part, unknown>(window, (part) => {
    if (--part.unit.openParts === 0) complete(part.unit);
    return part.sample;
  });
  const earlierRing: Array<{ row: unknown } | null> = [];
  let earlierSeen = 0;
  let replayed = false;

  let chunk: { rows: ChunkRow[]; ids: Set<string>; earlier: Map<string, unknown> } = { rows: [], ids: new Set(), earlier: new Map() };
  let done: PlannedChunk[] = [];
  const flush = () => {
    if (chunk.rows.length === 0) return;
    chunk.rows.sort((a, b) => a.line - b.line);
    done.push({ rows: chunk.rows, earlier: [...chunk.earlier.values()] });
    chunk = { rows: [], ids: new Set(), earlier: new Map() };
  };
  const take = (): PlannedChunk[] => {
    const taken = done;
    done = [];
    return taken;
  };

  /** A unit whose groups have all closed joins the chunk being built (a new one when it shares a group key with it). */
  const complete = (unit: Unit) => {
    const ids = unit.parts.map((part) => part.id);
    if (ids.some((id) => chunk.ids.has(id))) flush();
    chunk.rows.push(...unit.rows);
    for (const id of ids) chunk.ids.add(id);
    for (const [id, row] of unit.earlier) chunk.earlier.set(id, row);
    if (chunk.rows.length >= chunkSize) flush();
  };

  /** The row's key per group judge, or null for a row that belongs to no group (it cannot be read). */
  const keysOf = (row: unknown, fallbackId: string): string[] | null => {
    try {
      const context = createRowContext(toRowView(row, spec.input, fallbackId));
      return groupJudges.map((judge, index) => `${index}\0${judge.groupKey(context)}`);
    } catch {
      return null; // the worker gives it its row error, as a local run does
    }
  };

  /** Lines before the --resume point, noted as the local run notes them before its first new row. */
  const replay = () => {
    if (replayed) return;
    replayed = true;
    const kept = Math.min(earlierSeen, window);
    for (let index = earlierSeen - kept; index < earlierSeen; index++) {
      const entry = earlierRing[index % window]!;
      const at = windows.advance();
      if (entry === null) continue;
      const ids = keysOf(entry.row, `earlier-${at}`);
      for (const id of ids ?? []) windows.remember(id, at, entry.row);
    }
    earlierRing.length = 0;
  };

  return {
    add(line, row) {
      replay();
      const at = windows.advance();
      const ids = keysOf(row, `line-${line}`);
      if (ids === null) {
        complete({ rows: [{ line, row }], parts: [], openParts: 0, earlier: new Map() });
        return take();
      }
      // the row joins one group per group judge; the units of those groups become one
      const units = new Set<Unit>();
      for (const id of ids) {
        const part = windows.partOf(id, at, (cutFrom) => {
          const unit: Unit = { rows: [], parts: [], openParts: 1, earlier: new Map() };
          const opened: Part = { id, first: at, unit, sample: row };
          unit.parts.push(opened);
          if (cutFrom) unit.earlier.set(id, cutFrom.note);
          return opened;
        });
        units.add(part.unit);
      }
      const [unit, ...others] = units;
      for (const other of others) {
        unit!.rows.push(...other.rows);
        unit!.openParts += other.openParts;
        for (const part of other.parts) {
          part.unit = unit!;
          unit!.parts.push(part);
        }
        for (const [id, earlier] of other.earlier) unit!.earlier.set(id, earlier);
      }
      unit!.rows.push({ line, row });
      return take();
    },
    skip() {
      replay();
      windows.advance();
      return take();
    },
    noteEarlier(entry) {
      earlierRing[earlierSeen++ % window] = 'value' in entry ? { row: entry.value } : null;
    },
    end() {
      replay();
      for (const part of windows.closeAll()) if (--part.unit.openParts === 0) complete(part.unit);
      flush();
      return take();
    },
  };
}
