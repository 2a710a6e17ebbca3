/**
 * The group window, one implementation for the two places that form groups from a stream of rows — a local run's group
 * session (group-session.ts) and the queue's chunk planner (queue/chunk-planner.ts) — so both form exactly the same
 * groups. Rows take positions in input order (unreadable lines and rows before a --resume point too). A group — a
 * part of one, by id (`judge index \0 key`) — opens at its first row and closes once `window` positions have passed
 * that row, or at the end. A key whose part closed (or that a row before the --resume point had) within the last
 * `window` positions opens a *cut* part when it comes again: the later part of a group the window divided.
 */

/** A key's part closed (or seen before the resume point) at `at`, with what its owner noted about it. */
export interface ClosedPart<Note> {
  at: number;
  note: Note;
}

export class GroupWindows<Part extends { readonly first: number }, Note = undefined> {
  /** Open parts by id, in the order they opened (so by first row). */
  private readonly open = new Map<string, Part>();
  /** Ids whose part closed, or that an earlier run saw, oldest first. */
  private readonly recent = new Map<string, ClosedPart<Note>>();
  private position = 0;

  /**
   * `window`: positions (Infinity: parts close only at `closeAll`). `onClose` is told of each part the window closes,
   * in opening order, and returns what to remember of it (given to a cut part of the same id).
   */
  constructor(
    private readonly window: number,
    private readonly onClose: (part: Part, at: number) => Note,
  ) {}

  /** Takes the next position: closes every part whose window has passed it, and forgets ids closed a window ago. */
  advance(): number {
    const at = this.position++;
    for (const [id, part] of this.open) {
      if (part.first > at - this.window) break;
      this.open.delete(id);
      this.remember(id, at, this.onClose(part, at));
    }
    for (const [id, closed] of this.recent) {
      if (at - closed.at < this.window) break;
      this.recent.delete(id);
    }
    return at;
  }

  /**
   * The open part of `id` for a row at position `at`, opened by `opening` when there is none — told of the part of the
   * same id that closed within the window before (so the new one is cut), if any.
   */
  partOf(id: string, at: number, opening: (cutFrom: ClosedPart<Note> | undefined) => Part): Part {
    let part = this.open.get(id);
    if (!part) {
      const closed = this.recent.get(id);
      part = opening(closed !== undefined && at - closed.at < this.window ? closed : undefined);
      this.open.set(id, part);
    }
    return part;
  }

  /** Notes that `id` was seen at `at` without an open part (a row before the --resume point): a later part is cut. */
  remember(id: string, at: number, note: Note): void {
    this.recent.delete(id); // re-inserted last: the map stays ordered by position
    this.recent.set(id, { at, note });
  }

  /** The end of the input: every open part, in opening order, now closed. */
  closeAll(): Part[] {
    const parts = [...this.open.values()];
    this.open.clear();
    return parts;
  }
}
