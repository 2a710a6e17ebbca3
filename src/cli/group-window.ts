/**
 * `score` with a group judge: the rows stream through one group session (src/group-session.ts) whose
 * `--group-window` (rows) bounds how far apart the rows of one group may be. Owns the flag, the stream wrapper that
 * notes the rows before a `--resume` point and ends the session when the input is done (or Ctrl-C stopped reading),
 * the in-flight bound the window needs, and the summary line of groups judged and cut.
 */
import { DEFAULT_GROUP_WINDOW, type GroupSession, type Reward } from '../reward.js';
import type { RewardResult } from '../result.js';
import type { RewardSpec } from '../spec/schema.js';
import { positiveInteger } from './args.js';
import type { JsonlLine } from './read-jsonl.js';
import type { RetryRun } from './retry-errors.js';

export const GROUP_WINDOW_HELP = `  --group-window N        with a group judge (type: group): rows of one group are judged together when
                          they are at most N input rows apart (default ${DEFAULT_GROUP_WINDOW}); a group's rows further
                          on are judged as a group of their own and flagged group_cut`;

/** The --group-window value (rows), default DEFAULT_GROUP_WINDOW. */
export function groupWindowOf(value: string | undefined): number {
  return positiveInteger(value, '--group-window') ?? DEFAULT_GROUP_WINDOW;
}

/** True when the spec has a group judge (known before any reward is built, e.g. for --retry-errors planning). */
export function specJudgesGroups(spec: RewardSpec): boolean {
  return spec.judges.some((judge) => judge.type === 'group');
}

/** One `score` run's group session with its window: scoring, the input stream around it, and its summary. */
export class GroupedScoring {
  readonly session: GroupSession;
  /**
   * Rows in flight: a row waits for its group, so the open groups can hold the whole window, and only the rows beyond
   * it belong to closed groups being judged. With window + 1 a single group would be judged at a time; 4 × the
   * pointwise bound (2 rows per model slot) beyond it keeps every model slot busy when a call covers up to 8 rows.
   */
  readonly inFlight: number;
  /** Results held for output order: the window's rows and the usual buffer beyond them. */
  readonly maxBuffered: number;
  /** The last `window` lines before the --resume point (a ring; null for an unreadable line). */
  private readonly earlier: Array<{ row: unknown } | null> = [];
  private earlierSeen = 0;

  constructor(
    reward: Reward,
    readonly window: number,
    rowDeadlineMs: number | undefined,
  ) {
    this.session = reward.openGroupSession({ window, ...(rowDeadlineMs ? { groupDeadlineMs: rowDeadlineMs } : {}) });
    this.inFlight = window + 4 * reward.suggestedRowConcurrency;
    this.maxBuffered = this.inFlight + reward.suggestedRowConcurrency * 32;
  }

  /** Scores an input line's row (called in input order). */
  add(line: number, row: unknown): Promise<RewardResult> {
    return this.session.add(row, { fallbackId: `line-${line}` });
  }

  /** An input line that is not scored here (unreadable, or kept by --retry-errors): it counts toward the window. */
  skip(): void {
    this.session.skip();
  }

  /** How --retry-errors scores through this session: kept lines count toward the window, the session ends with the file. */
  retryParts(): Pick<RetryRun, 'score' | 'concurrency' | 'maxBuffered' | 'skip' | 'end'> {
    return {
      score: (row, line) => this.add(line, row),
      concurrency: this.inFlight,
      maxBuffered: this.maxBuffered,
      skip: () => this.skip(),
      end: () => this.session.end(),
    };
  }

  /** A line before the --resume point (scored by the earlier run): the last `window` of them are noted. */
  readonly noteEarlier = (entry: JsonlLine): void => {
    this.earlier[this.earlierSeen++ % this.window] = 'value' in entry ? { row: entry.value } : null;
  };

  /** The input as scored: earlier rows noted before the first new one, the session ended when the input stops. */
  async *stream<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
    let noted = false;
    const note = () => {
      if (noted) return;
      noted = true;
      const kept = Math.min(this.earlierSeen, this.window);
      for (let index = this.earlierSeen - kept; index < this.earlierSeen; index++) {
        const entry = this.earlier[index % this.window]!;
        if (entry === null) this.session.skip();
        else this.session.noteEarlierRow(entry.row);
      }
      this.earlier.length = 0;
    };
    let readToEnd = false;
    try {
      for await (const item of source) {
        note();
        yield item;
      }
      readToEnd = true;
    } finally {
      note();
      // a run that failed (an unwritable output, an unreadable input) sends no more paid calls for its open groups;
      // Ctrl-C ends the source normally, so the groups read so far are judged and written
      if (readToEnd) this.session.end();
    }
  }

  /** "groups: 12 judged (mean size 3.17), 0 cut by the window (1024 rows)", with advice when groups were cut. */
  summaryLine(): string {
    return groupsSummaryLine(this.session.stats, this.window);
  }
}

/** "groups: 12 judged (mean size 3.17), 0 cut by the window (1024 rows)": a local run's line, and a queued run's (summed over chunks). */
export function groupsSummaryLine(counts: { groups: number; rows_in_groups: number; cut: number }, window: number): string {
  const { groups, rows_in_groups: rows, cut } = counts;
  const mean = groups === 0 ? '' : ` (mean size ${Math.round((rows / groups) * 100) / 100})`;
  const advice = cut > 0 ? ': sort the input by group or raise --group-window' : '';
  return `groups: ${groups} judged${mean}, ${cut} cut by the window (${window} rows)${advice}`;
}
