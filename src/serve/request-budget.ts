/**
 * The server's budget for work held at once across requests: body bytes (what a parsed batch costs in
 * memory, roughly) and rows (what it costs in judge calls and results). A request takes its share while its
 * body arrives and holds it until its reply is out; a request that would pass either limit is turned away
 * (HTTP 429 with Retry-After) instead of pushing the process towards an out-of-memory crash. A request
 * always fits when nothing else is held, so one batch larger than the budget is served alone, never starved.
 */

export interface BudgetLimits {
  maxBytes: number;
  maxRows: number;
}

/** One request's share. `take*` returns false (and takes nothing) when the budget cannot hold it. */
export interface BudgetTicket {
  takeBytes(bytes: number): boolean;
  takeRows(rows: number): boolean;
  /** Gives everything back (idempotent). */
  release(): void;
}

export class RequestBudget {
  private bytes = 0;
  private rows = 0;

  constructor(readonly limits: BudgetLimits) {}

  get bytesInFlight(): number {
    return this.bytes;
  }

  get rowsInFlight(): number {
    return this.rows;
  }

  open(): BudgetTicket {
    let heldBytes = 0;
    let heldRows = 0;
    let released = false;
    const fits = (held: number, total: number, amount: number, max: number) => total - held === 0 || total + amount <= max;
    return {
      takeBytes: (amount) => {
        if (released || !fits(heldBytes, this.bytes, amount, this.limits.maxBytes)) return false;
        heldBytes += amount;
        this.bytes += amount;
        return true;
      },
      takeRows: (amount) => {
        if (released || !fits(heldRows, this.rows, amount, this.limits.maxRows)) return false;
        heldRows += amount;
        this.rows += amount;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.bytes -= heldBytes;
        this.rows -= heldRows;
      },
    };
  }
}
