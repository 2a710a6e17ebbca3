/**
 * Group sessions: scoring a stream of rows when the spec has a group judge (`type: group`). Rows are added in
 * input order; each group judge sorts them into groups by `groupKey`, and a group is judged in one go (`runGroup`)
 * when it closes — `window` rows after its first row, or at `end()` (group-windows.ts, shared with the queue's chunk
 * planner). Everything else about a row (reading, checks,
 * gates, the other judges, composition) is the reward's own phases (row-phases.ts), so results match `score`'s.
 *
 * The window bounds how long a row waits for its group: a group spans at most `window` consecutive rows. Rows of a
 * group that arrive after its window has passed (or after a resume point, `noteEarlierRow`) are judged as a group of
 * their own and flagged `group_cut`. Gated, empty and unreadable rows are left out of the group call; they keep their
 * floor / empty reward / row error and a `skipped` group component (as `score` gives them).
 */
import { deadlineSignal } from './runtime/deadline-signal.js';
import type { RowContext } from './input/row-view.js';
import { isGroupJudge, type CallerFor, type GroupJudge, type Judge, type JudgeCaller } from './judges/judge.js';
import { GROUP_CUT, type ComponentResult, type RewardResult } from './result.js';
import { ConcurrencyLimiter } from './runtime/concurrency-limiter.js';
import { failedJudge, type PreparedRow, type RowPhases } from './row-phases.js';
import { GroupWindows } from './group-windows.js';

/** `score`'s default `--group-window`, in rows. */
export const DEFAULT_GROUP_WINDOW = 1024;

export interface GroupSessionOptions {
  /** Rows: a group closes `window` rows after its first row (default Infinity: groups close on `end()`). */
  window?: number;
  /** Aborts judge retries and waits (the caller's deadline); unfinished judges count as failed. */
  signal?: AbortSignal;
  /** Cache namespace of every judge call (ScoreOptions.cacheNamespace). */
  cacheNamespace?: string;
  /** Seeds the canonical slot order of every group call (lab noise --source permute). */
  groupOrderSeed?: string;
  /** Milliseconds for a group's call(s), from the moment the group closes; a row's other judges get as long from their start. */
  groupDeadlineMs?: number;
  /** Rows in prepare + row judges at once (default: the reward's suggestedRowConcurrency). */
  rowConcurrency?: number;
  /**
   * Called after each row's prepare and row judges, in its concurrency slot; a promise it returns is awaited before
   * the slot is freed (the server passes its loop yielder, so rows that need no I/O cannot hold the event loop).
   */
  afterRow?: () => Promise<void> | undefined;
}

export interface GroupSessionStats {
  /** Groups (parts of groups) judged, counted once per group judge. */
  groups: number;
  /** Rows in the groups judged (gated, empty and unreadable rows are not). */
  rows_in_groups: number;
  /** Of the groups judged, those that are the later part of a group cut by the window or a resume point. */
  cut: number;
}

export interface GroupSession {
  /** Adds the next input row; resolves (never rejects) once its row judges and its groups' judges are done. */
  add(row: unknown, options: { fallbackId: string }): Promise<RewardResult>;
  /** A row scored by an earlier run (score --resume): a later row of its group is flagged group_cut. Counts toward the window. */
  noteEarlierRow(row: unknown): void;
  /** An input row this run does not score (an unreadable line; a row --retry-errors keeps): counts toward the window. */
  skip(): void;
  /** No more rows: every open group is judged. */
  end(): void;
  readonly stats: GroupSessionStats;
}

/** What a session needs from its reward (reward.ts provides it). */
interface GroupEngine {
  readonly judges: readonly Judge[];
  readonly phases: RowPhases;
  readonly suggestedRowConcurrency: number;
  callerFor(modelKey: string, cacheNamespace: string | undefined, signal: AbortSignal | undefined): JudgeCaller;
  /** The callers of a panel judge's members (reward.ts). */
  callersFor?(cacheNamespace: string | undefined, signal: AbortSignal | undefined): CallerFor;
}

interface GroupOutcome {
  component: ComponentResult;
  /** The group call's deadline had fired (its failure is then a deadline). */
  aborted: boolean;
}

interface Member {
  context: RowContext;
  prepared: Promise<PreparedRow>;
  deliver(outcome: GroupOutcome): void;
}

interface Part {
  judge: GroupJudge;
  /** Session position of its first row. */
  first: number;
  /** The later part of a group cut by the window or a resume point. */
  cut: boolean;
  members: Member[];
}

export function createGroupSession(engine: GroupEngine, options: GroupSessionOptions = {}): GroupSession {
  const window = options.window ?? Infinity;
  if (window !== Infinity && !(Number.isInteger(window) && window >= 1)) {
    throw new Error(`group session: window must be a positive integer number of rows, got ${window}`);
  }
  const groupJudges = engine.judges.filter(isGroupJudge);
  const rowJudges = engine.judges.filter((judge) => !isGroupJudge(judge));
  const limiter = new ConcurrencyLimiter(options.rowConcurrency ?? engine.suggestedRowConcurrency);
  const { phases } = engine;
  const namespace = options.cacheNamespace;
  const stats: GroupSessionStats = { groups: 0, rows_in_groups: 0, cut: 0 };
  /** Groups by `judge index \0 key`: a group the window closes is judged. */
  const windows = new GroupWindows<Part>(window, (part) => void judgePart(part));
  let ended = false;

  const deadline = () => deadlineSignal(options.groupDeadlineMs, options.signal);

  function join(index: number, key: string, at: number, member: Omit<Member, 'deliver'>): { outcome: Promise<GroupOutcome>; cut: boolean } {
    const part = windows.partOf(`${index}\0${key}`, at, (cutFrom) => ({
      judge: groupJudges[index]!,
      first: at,
      cut: cutFrom !== undefined,
      members: [],
    }));
    let deliver!: (outcome: GroupOutcome) => void;
    const outcome = new Promise<GroupOutcome>((resolve) => (deliver = resolve));
    part.members.push({ ...member, deliver });
    return { outcome, cut: part.cut };
  }

  /** Judges one closed group: its members that passed their gates, in input order, in one runGroup. Never rejects. */
  async function judgePart(part: Part): Promise<void> {
    let judged: Member[] = [];
    try {
      const prepared = await Promise.all(part.members.map((member) => member.prepared));
      judged = part.members.filter((_, index) => 'pending' in prepared[index]!);
      if (judged.length === 0) return;
      stats.groups++;
      stats.rows_in_groups += judged.length;
      if (part.cut) stats.cut++;
      const signal = deadline();
      let components: ComponentResult[];
      try {
        const caller = engine.callerFor(part.judge.modelKey, namespace, signal);
        const orderSeed = options.groupOrderSeed === undefined ? {} : { orderSeed: options.groupOrderSeed };
        components = await part.judge.runGroup(
          judged.map((member) => member.context),
          caller,
          orderSeed,
        );
        if (components.length !== judged.length) {
          throw new Error(`group judge "${part.judge.name}" gave ${components.length} results for ${judged.length} rollouts`);
        }
      } catch (error) {
        components = judged.map(() => failedJudge(part.judge, error));
      }
      const aborted = signal?.aborted ?? false;
      const rows = part.members.length;
      judged.forEach((member, index) => member.deliver({ component: withGroupRows(components[index]!, rows), aborted }));
    } catch (error) {
      for (const member of judged) member.deliver({ component: failedJudge(part.judge, error), aborted: false });
    }
  }

  async function pace<T>(value: T): Promise<T> {
    const turn = options.afterRow?.();
    if (turn) await turn;
    return value;
  }

  async function scoreRow(row: unknown, fallbackId: string, at: number): Promise<RewardResult> {
    const read = phases.readRow(row, fallbackId);
    if ('done' in read) return read.done;
    const { context } = read;
    const keys = groupJudges.map((judge) => judge.groupKey(context));
    let settle!: (prepared: PreparedRow) => void;
    const prepared = new Promise<PreparedRow>((resolve) => (settle = resolve));
    const groups = keys.map((key, index) => join(index, key, at, { context, prepared }));
    const rowJudged = limiter.run(async () => {
      let ready: PreparedRow;
      try {
        ready = await phases.prepareContext(context);
      } catch (error) {
        ready = { done: phases.internalError(row, fallbackId, error) };
      }
      settle(ready);
      if ('done' in ready) return pace(undefined);
      const signal = deadline();
      const components = await phases.judgeRow(
        ready.pending,
        rowJudges,
        (judge) => engine.callerFor(judge.modelKey, namespace, signal),
        engine.callersFor?.(namespace, signal),
      );
      return pace({ components, aborted: signal?.aborted ?? false });
    });
    // a row already done (gated, empty, unreadable) never awaits rowJudged: mark its rejection (a throwing afterRow) handled
    rowJudged.catch(() => undefined);
    const ready = await prepared;
    if ('done' in ready) return ready.done;
    const [own, grouped] = await Promise.all([rowJudged, Promise.all(groups.map((group) => group.outcome))]);
    let nextRow = 0;
    let nextGroup = 0;
    const judged = engine.judges.map((judge) => (isGroupJudge(judge) ? grouped[nextGroup++]!.component : own!.components[nextRow++]!));
    const aborted = own!.aborted || grouped.some((outcome) => outcome.aborted);
    return phases.composeRow(ready.pending, judged, { aborted, flags: groups.some((group) => group.cut) ? [GROUP_CUT] : [] });
  }

  return {
    add(row, { fallbackId }) {
      if (ended) throw new Error('group session: add() after end()');
      const at = windows.advance();
      return scoreRow(row, fallbackId, at).catch((error: unknown) => phases.internalError(row, fallbackId, error));
    },
    noteEarlierRow(row) {
      if (ended) throw new Error('group session: noteEarlierRow() after end()');
      const at = windows.advance();
      try {
        const read = phases.readRow(row, `earlier-${at}`);
        if ('done' in read) return;
        groupJudges.forEach((judge, index) => windows.remember(`${index}\0${judge.groupKey(read.context)}`, at, undefined));
      } catch {
        // a row the earlier run could not score belongs to no group
      }
    },
    skip() {
      if (ended) throw new Error('group session: skip() after end()');
      windows.advance();
    },
    end() {
      if (ended) return;
      ended = true;
      for (const part of windows.closeAll()) void judgePart(part);
    },
    stats,
  };
}

/** `details.group.rows` counts every row of the group, also those left out of the call (gated, empty); the judge saw only the judged. */
function withGroupRows(component: ComponentResult, rows: number): ComponentResult {
  const group = component.details?.group;
  if (group === null || typeof group !== 'object') return component;
  return { ...component, details: { ...component.details, group: { ...group, rows } } };
}
