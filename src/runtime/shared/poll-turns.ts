/**
 * Waiting for a shared limit (the budgets of shared-rate-budget.ts, the leases of shared-concurrency.ts) without
 * flooding Redis. A call asks at once while no other call of this process waits — so calls that find the limit open
 * never queue behind each other's round trips — and otherwise joins the process's queue: the caller at its head asks,
 * sleeps as long as Redis said (or until `wake`: a lease of this process was just given back), and asks again, first
 * in first out, as the local limits serve their waiters. However many of its calls wait, a process polls Redis with
 * one request at a time. A caller that gives up (its signal) while queued is told at once and leaves without asking;
 * one that gives up while its ask is in flight is told at once too, and when that ask then takes something (a lease,
 * budget) the value goes to `discard` (give the lease back, refund the budget) — never to nobody.
 *
 * Across processes, a process waits in the shared line of waiters (waiter-line.ts) with ONE place, whichever of its
 * callers asks: so its callers' order is this queue's alone, and a caller waiting here never holds up another process
 * from Redis. An ask that says wait holds the place; one that takes gives it up (the process goes to the back of the
 * line when it asks again: round-robin between processes). When the last caller of this process gives up — none
 * queued, no ask in flight — `leave` gives the place up at once rather than letting it expire.
 */

/** One ask: the answer, or how long to wait before asking again. */
export type PollAnswer<T> = { done: true; value: T } | { done: false; retryInMs: number };

export interface PollOptions<T> {
  /** The caller gives up. */
  signal?: AbortSignal | undefined;
  /** Gets a value that arrived after the caller gave up. */
  discard?: (value: T) => void;
}

export class PollTurns {
  private queue: Promise<void> = Promise.resolve();
  /** Callers in the queue (waiting, or asking at its head). */
  private queued = 0;
  private wakeSleeper: (() => void) | undefined;
  /** A wake with no one asleep (the head was asking): its next sleep ends at once. */
  private woken = false;
  /** Asks sent and not answered yet. */
  private asking = 0;
  /** The process holds a place in the shared line: the last answer said wait. */
  private inLine = false;

  /** `leave`: gives up the process's place in the shared line (see the header). */
  constructor(private readonly leave?: () => void) {}

  /** Asks until the answer is done: at once when no caller of this process waits, else in turn (see the header). */
  poll<T>(ask: () => Promise<PollAnswer<T>>, options: PollOptions<T> = {}): Promise<T> {
    const tracked = async (): Promise<PollAnswer<T>> => {
      this.asking++;
      try {
        const answer = await ask();
        // answers come back in the order the asks were sent (one connection): the last one says where the process is
        this.inLine = !answer.done;
        return answer;
      } finally {
        this.asking--;
      }
    };
    const polled = this.pollInTurn(tracked, options.signal, options.discard);
    // a side branch, so that the caller hears of its giving up no later than without a line
    polled.catch(() => this.leaveIfNoneWaits());
    return polled;
  }

  /** Ends the sleep of the caller at the head of the queue now (it asks again at once). */
  wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    else if (this.queued > 0) this.woken = true;
  }

  /** After a caller gave up or left the queue: the place goes once no caller of this process waits or asks. */
  private leaveIfNoneWaits(): void {
    if (!this.inLine || this.queued > 0 || this.asking > 0) return;
    this.inLine = false;
    this.leave?.();
  }

  private async pollInTurn<T>(
    ask: () => Promise<PollAnswer<T>>,
    signal: AbortSignal | undefined,
    discard: ((value: T) => void) | undefined,
  ): Promise<T> {
    if (signal?.aborted) throw signal.reason;
    if (this.queued === 0) {
      const answer = await ask();
      if (answer.done) return answer.value;
      if (signal?.aborted) throw signal.reason; // gave up during the ask: nothing taken, no queue
    }
    return this.inTurn(
      async () => {
        for (;;) {
          const answer = await ask();
          if (answer.done) return answer.value;
          await this.sleep(answer.retryInMs, signal);
        }
      },
      signal,
      discard,
    );
  }

  private inTurn<T>(task: () => Promise<T>, signal: AbortSignal | undefined, discard: ((value: T) => void) | undefined): Promise<T> {
    this.queued++;
    const turn = this.queue.then(() => {
      if (signal?.aborted) throw signal.reason; // gave up while queued: no ask
      return task();
    });
    const done = turn.then(
      () => {},
      () => {},
    );
    this.queue = done;
    void done.then(() => {
      this.queued--;
      this.leaveIfNoneWaits();
    });
    if (!signal) return turn;
    return new Promise<T>((resolve, reject) => {
      let gaveUp = false;
      const onAbort = () => {
        gaveUp = true;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      turn.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          if (gaveUp)
            discard?.(value); // taken after the caller left: given back, not lost
          else resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (this.woken) {
        this.woken = false;
        return resolve();
      }
      const wake = () => {
        done();
        resolve();
      };
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.wakeSleeper === wake) this.wakeSleeper = undefined;
      };
      const timer = setTimeout(wake, ms);
      const onAbort = () => {
        done();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wakeSleeper = wake;
    });
  }
}
