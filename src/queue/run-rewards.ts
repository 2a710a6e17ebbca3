/**
 * A worker's opened rewards, one per queued run: the first chunk of a run reads its run description from Redis,
 * rebuilds the spec in a folder of the worker's own (run-description.ts), applies the worker's --judge if it has one and
 * opens the reward through openLoadedReward — the path every face takes (preflight, the worker's judge cache unless
 * the run said --no-cache, the run's cache namespace). Later chunks of the run reuse it; every chunk first checks the
 * run key still exists (a producer that stopped or died leaves none: its chunks are dropped, not scored for nobody).
 * A run with no chunk for `idleCloseMs` is closed, and so is every run when the worker stops.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { openLoadedReward, OpenRewardError, type OpenedReward, type RewardResourceOptions } from '../open-reward.js';
import type { JudgeCache } from '../reward-resources.js';
import { applyJudgeOverride, type JudgeOverride } from '../spec/judge-override.js';
import { QueueError } from './queue-error.js';
import { runKeys } from './queue-keys.js';
import { parseRunDescription, rebuildRunSpec, type RunDescription } from './run-description.js';

export interface RunRewardsOptions {
  redis: Redis;
  queueName: string;
  /** The worker's --judge: replaces every judge model of every run it scores. */
  judgeOverride?: JudgeOverride;
  /** The worker's judge cache, for the runs that did not say --no-cache (shared by them; closed by the caller). */
  cache?: JudgeCache;
  /** False (worker --no-preflight): no run is preflighted here; else as its producer said. */
  preflight: boolean;
  /** A run with no chunk in flight for this long is closed. */
  idleCloseMs: number;
  /** More resources for every run's reward (e.g. shared state in Redis). */
  resources?: Omit<RewardResourceOptions, 'cache' | 'cacheNamespace' | 'preflight' | 'onPreflightWarning'>;
  log: (line: string) => void;
}

export interface OpenRun {
  readonly runId: string;
  readonly description: RunDescription;
  readonly opened: OpenedReward;
}

interface Entry {
  opening: Promise<OpenRun>;
  inFlight: number;
  lastUsed: number;
  folder: string;
}

export class RunRewards {
  private readonly runs = new Map<string, Entry>();
  private readonly root = mkdtempSync(join(tmpdir(), 'rewardkit-worker-'));
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: RunRewardsOptions) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(options.idleCloseMs, 10_000));
    this.sweeper.unref();
  }

  /** Runs `work` with the run's reward (opened on first use). A QueueError when the run is gone or cannot be opened here. */
  async use<T>(runId: string, work: (run: OpenRun) => Promise<T>): Promise<T> {
    const entry = await this.enter(runId);
    try {
      return await work(await entry.opening);
    } finally {
      entry.inFlight--;
      entry.lastUsed = Date.now();
    }
  }

  /** The run's entry, counted in flight (so no sweep closes it); created, and its reward opening, on a run's first chunk. */
  private async enter(runId: string): Promise<Entry> {
    const key = runKeys(this.options.queueName, runId).run;
    const known = this.runs.get(runId);
    if (known) {
      known.inFlight++;
      if ((await this.options.redis.exists(key)) === 1) return known;
      known.inFlight--;
      throw gone(runId);
    }
    const text = await this.options.redis.get(key);
    if (text === null) throw gone(runId);
    const opened = this.runs.get(runId); // another chunk of the run started opening it meanwhile
    if (opened) {
      opened.inFlight++;
      return opened;
    }
    const folder = join(this.root, runId.replace(/[^\w-]/g, '_'));
    const entry: Entry = { opening: this.open(runId, text, folder), inFlight: 1, lastUsed: Date.now(), folder };
    this.runs.set(runId, entry);
    // a run that cannot be opened is tried again by its next chunk (the producer stops at the first failure)
    entry.opening.catch(() => {
      if (this.runs.get(runId) === entry) this.runs.delete(runId);
      rmSync(folder, { recursive: true, force: true });
    });
    return entry;
  }

  /** Closes every run (waiting for none: call it once no chunk is in flight). */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.runs.keys()].map((runId) => this.close(runId)));
    rmSync(this.root, { recursive: true, force: true });
  }

  private async open(runId: string, text: string, folder: string): Promise<OpenRun> {
    const description = parseRunDescription(text);
    mkdirSync(folder, { recursive: true });
    const rebuilt = rebuildRunSpec(description, folder);
    const spec = this.options.judgeOverride ? applyJudgeOverride(rebuilt, this.options.judgeOverride) : rebuilt;
    const { scoring } = description;
    let opened: OpenedReward;
    try {
      opened = await openLoadedReward(
        { path: `queue run ${runId}`, spec },
        {
          ...this.options.resources,
          preflight: this.options.preflight && scoring.preflight,
          onPreflightWarning: (line) => this.options.log(`run ${runId}: ${line}`),
          ...(scoring.cache && this.options.cache ? { cache: this.options.cache } : {}),
          ...(scoring.cache_namespace ? { cacheNamespace: scoring.cache_namespace } : {}),
        },
      );
    } catch (error) {
      if (!OpenRewardError.isInstance(error)) throw error;
      if (error.kind === 'judge_unreachable') throw new QueueError('judge_unreachable', `cannot reach the judge:\n${error.problems}`);
      throw new QueueError(error.kind === 'cache' ? 'cache' : 'spec', error.message);
    }
    const override = this.options.judgeOverride ? ` (judges replaced by this worker's --judge: spec hash ${opened.reward.specHash})` : '';
    this.options.log(
      `run ${runId} from ${description.producer}: opened, spec hash ${description.spec_hash.slice(0, 12)}…, judge ${opened.judgeModels.join(', ') || '(none)'}${override}`,
    );
    return { runId, description, opened };
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [runId, entry] of this.runs) {
      if (entry.inFlight === 0 && now - entry.lastUsed >= this.options.idleCloseMs) await this.close(runId);
    }
  }

  private async close(runId: string): Promise<void> {
    const entry = this.runs.get(runId);
    if (!entry) return;
    this.runs.delete(runId);
    try {
      (await entry.opening).opened.close();
      this.options.log(`run ${runId}: closed`);
    } catch {
      // it never opened
    }
    rmSync(entry.folder, { recursive: true, force: true });
  }
}

function gone(runId: string): QueueError {
  return new QueueError('run_gone', `run ${runId} has no producer any more (its run key is gone): chunk dropped`);
}
