/**
 * A second thread for `rewardkit compare` on large files: it reads the after side while the main thread reads the
 * before side, and shares the bootstrap's resamples with the main thread (compare-bootstrap.ts) — the results are
 * exactly those of one thread (the sides are read by the same code; a block of resamples is what a single pass draws
 * there). Where no worker thread can start, every job runs in the calling thread.
 *
 * The worker is compare-worker.js next to this module; run from the TypeScript sources (tsx, vitest) the worker
 * registers tsx first, as a worker thread does not inherit the main thread's module hooks on Node 20.
 */
import { Worker } from 'node:worker_threads';
import { LabError } from '../lab-error.js';
import { readComparedSide, type SideOptions } from './compare-inputs.js';
import type { ComparedSide } from './compared-side.js';
import type { SharedResamples } from './shared-resamples.js';
import { sideFromMessage, type SideData, type ThreadJob, type ThreadReply } from './compare-thread-messages.js';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class CompareThread {
  private readonly worker: Worker | null;
  /** True once the worker has loaded; false when it could not start (jobs then run in the calling thread). */
  private readonly ready: Promise<boolean>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor() {
    let worker: Worker | null = null;
    try {
      worker = startWorker();
    } catch {
      worker = null;
    }
    this.worker = worker;
    if (!worker) {
      this.ready = Promise.resolve(false);
      return;
    }
    this.ready = new Promise<boolean>((resolve) => {
      let started = false;
      worker.on('message', (message: { ready: true } | ThreadReply) => {
        if ('ready' in message) {
          started = true;
          resolve(true);
          return;
        }
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(message.error.lab ? new LabError(message.error.lab, message.error.message) : new Error(message.error.message));
      });
      const stop = (error: Error) => {
        if (!started) resolve(false);
        this.failure = error;
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
      };
      worker.on('error', stop);
      worker.on('exit', (code) => stop(new Error(`compare's helper thread stopped (exit code ${code})`)));
    });
  }

  /** Reads one side (in the helper thread when it runs). */
  async readSide(options: SideOptions): Promise<ComparedSide> {
    if (!(await this.ready)) return readComparedSide(options);
    return sideFromMessage((await this.run({ kind: 'read-side', options })) as SideData);
  }

  /** Waits until the helper thread has started (true) or could not (false). */
  started(): Promise<boolean> {
    return this.ready;
  }

  /**
   * Has the helper thread take bootstrap blocks (compare-bootstrap.ts) until none is left; resolves to how many it
   * computed. Call it after `started()` resolved true: the job is then posted before this returns, so the calling
   * thread can do other work meanwhile.
   */
  takeBlocks(shared: SharedResamples): Promise<number> {
    return this.run({ kind: 'take-blocks', shared }) as Promise<number>;
  }

  async close(): Promise<void> {
    if (this.worker) await this.worker.terminate();
  }

  private run(job: ThreadJob): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.worker) return Promise.reject(new Error("compare's helper thread did not start"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, job });
    });
  }
}

function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./compare-worker.js', here));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./compare-worker.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, {
    eval: true,
  });
}
