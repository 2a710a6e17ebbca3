/**
 * One model call shared by every identical request in flight: a judge prompt (model-scheduler.ts), or the texts of
 * an embedding call (embedding-calls.ts).
 */
import type { JudgeReply } from '../models/judge-model.js';
import type { ComponentError } from '../result.js';
import type { CallOutcome } from './call-judge.js';

/**
 * One model call shared by every identical request in flight. Each waiter may bring its own deadline: a
 * waiter whose deadline passes stops waiting at once (a timeout outcome), and the call itself is aborted
 * only when every waiter has given up — a waiter without a deadline keeps it going.
 */
export class SharedCall<Reply = JudgeReply> {
  readonly done: Promise<CallOutcome<Reply>>;
  private readonly controller = new AbortController();
  private waiters = 0;
  private patient = 0;
  /** The last failed attempt of the call so far (it is being retried). */
  private lastFailure: ComponentError | undefined;
  private attempts = 0;

  constructor(
    run: (signal: AbortSignal, onFailedAttempt: (error: ComponentError) => void) => Promise<CallOutcome<Reply>>,
    private readonly deadlineError: (lastFailure: ComponentError | undefined) => ComponentError,
  ) {
    this.done = run(this.controller.signal, (error) => {
      this.lastFailure = error;
      this.attempts++;
    });
  }

  private gaveUp(): CallOutcome<Reply> {
    return { ok: false, error: this.deadlineError(this.lastFailure), attempts: this.attempts, latencyMs: 0 };
  }

  join(signal: AbortSignal | undefined): Promise<CallOutcome<Reply>> {
    if (!signal) {
      this.patient++;
      return this.done;
    }
    if (signal.aborted) return Promise.resolve(this.gaveUp());
    this.waiters++;
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters--;
        if (this.waiters === 0 && this.patient === 0) this.controller.abort(signal.reason);
        resolve(this.gaveUp());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void this.done.then((outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  }
}
