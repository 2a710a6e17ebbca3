/**
 * The process's link to the shared Redis (ioredis) and its health. Every shared operation goes through `attempt`,
 * which either reaches Redis within the command timeout or reports that it did not — it never throws and never
 * waits longer — so the caller takes its local path (its own cache and limits) instead.
 *
 * Health: commands are never queued while the connection is down (`enableOfflineQueue: false`) and each has a short
 * timeout (`commandTimeoutMs`). A lost or refused connection marks the link down at once; a command that timed out
 * on a live connection only falls back itself, and the link asks one PING to confirm: only when that times out too
 * (a paused or overloaded server, not one slow reply or a stalled event loop) is the link down. Down: ONE warning,
 * and from then on every operation skips Redis at once, until a background PING (every `probeIntervalMs`, once
 * ioredis has reconnected by itself) succeeds; then one "reconnected" line, and sharing resumes. An error reply
 * (e.g. OOM under `maxmemory` with `noeviction`) is not an outage: that operation falls back, and it is logged once
 * per operation and message — except READONLY (the node became a replica after a failover): ioredis then reconnects,
 * which finds the new primary behind the same endpoint (ElastiCache, Sentinel-fronted DNS).
 *
 * Owed writes (`deliver`): giving back a lease and storing a lease holder's verdict must not be lost to a blip, or
 * other processes would wait a whole lease and then pay for the call again. Those not delivered are kept — at most
 * `MAX_OWED`, the oldest dropped first (their leases expire by themselves) — and sent once the link is back.
 * Counters (up, outages, reconnects, fallbacks by operation) feed the server's /metrics.
 */
import { Redis } from 'ioredis';
import { redactedUrl } from './redis-url.js';
import { SHARED_OPERATIONS, type SharedOperation } from './shared-operations.js';

/** The answer of an operation, or `reached: false` when Redis was skipped or did not answer in time. */
export type Reached<T> = { reached: true; value: T } | { reached: false };

export type RedisLogLevel = 'warn' | 'info';

export interface RedisLinkOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… (TLS). */
  url: string;
  /** Longest a command may take before Redis counts as down (default 500 ms). */
  commandTimeoutMs?: number;
  /** How long `open` waits for the first connection before starting on the local path (default 2000 ms). */
  connectTimeoutMs?: number;
  /** How often a link that is down checks whether Redis answers again (default 1000 ms). */
  probeIntervalMs?: number;
  /** Where the outage warning and the reconnect line go (default: a line on stderr). */
  log?: (level: RedisLogLevel, line: string) => void;
}

export interface RedisLinkStats {
  up: boolean;
  /** Times the link went down (one warning each). */
  outages: number;
  /** Times it came back. */
  reconnects: number;
  /** Operations that took the local path, by operation. */
  fallbacks: Record<SharedOperation, number>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 500;
export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
export const DEFAULT_PROBE_INTERVAL_MS = 1000;
/** The most owed writes kept while Redis is down (see the header). */
export const MAX_OWED = 1000;
const NOT_REACHED: Reached<never> = { reached: false };

export class RedisLink {
  readonly client: Redis;
  /** The URL without its password, for log lines. */
  readonly where: string;
  private state: 'connecting' | 'up' | 'down' = 'connecting';
  private closed = false;
  private downSince = 0;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly counts = { outages: 0, reconnects: 0 };
  private readonly fallbacks = Object.fromEntries(SHARED_OPERATIONS.map((operation) => [operation, 0])) as Record<SharedOperation, number>;
  private readonly replyErrorsLogged = new Set<string>();
  private readonly log: (level: RedisLogLevel, line: string) => void;
  private readonly probeIntervalMs: number;
  private confirming = false;
  /** Writes to send once the link is back (see the header), oldest first. */
  private readonly owed: Array<{ operation: SharedOperation; command: (client: Redis) => Promise<unknown> }> = [];

  private constructor(options: RedisLinkOptions) {
    this.where = redactedUrl(options.url);
    this.log = options.log ?? ((_level, line) => process.stderr.write(`rewardkit: ${line}\n`));
    this.probeIntervalMs = options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    this.client = new Redis(options.url, {
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // a command caught by a lost connection fails at once (the caller falls back); nothing is resent later
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // ioredis reconnects by itself, forever, at most a second apart
      retryStrategy: (times) => Math.min(100 * times, 1000),
      keepAlive: 10_000,
      connectionName: 'rewardkit',
      // a failover left this connection on a replica: reconnect (to the endpoint's new primary); the command falls back
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    });
    // connection errors are reported through the link's state (one warning per outage), not as unhandled events
    this.client.on('error', () => {});
    this.client.on('close', () => {
      if (this.state === 'up') this.markDown('connection lost');
    });
    this.client.on('ready', () => {
      if (this.state !== 'up') void this.check();
    });
  }

  /** Connects, waiting up to the connect timeout; a Redis that does not answer by then leaves the link down (one warning). */
  static async open(options: RedisLinkOptions): Promise<RedisLink> {
    const link = new RedisLink(options);
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // a refused or reset connection is known at once: no need to wait the whole timeout
    const ready = await new Promise<true | string>((resolve) => {
      const settle = (result: true | string) => {
        clearTimeout(timer);
        link.client.off('ready', onReady);
        link.client.off('error', onError);
        link.client.off('end', onEnd);
        resolve(result);
      };
      const onReady = () => settle(true);
      const onError = (error: Error) => settle(error.message || String(error));
      const onEnd = () => settle('connection ended');
      const timer = setTimeout(() => settle(`no answer within ${connectTimeoutMs} ms`), connectTimeoutMs);
      link.client.once('ready', onReady);
      link.client.once('error', onError);
      link.client.once('end', onEnd);
    });
    if (ready === true && link.state === 'connecting') link.state = 'up';
    else if (ready !== true) link.markDown(ready);
    return link;
  }

  get up(): boolean {
    return this.state === 'up';
  }

  /**
   * Runs `command` against Redis when the link is up; otherwise, or when it fails or times out, counts a fallback for
   * `operation` and reports `reached: false` (a failure that is not an error reply also marks the link down).
   */
  async attempt<T>(operation: SharedOperation, command: (client: Redis) => Promise<T>): Promise<Reached<T>> {
    if (this.state !== 'up') {
      this.fallbacks[operation]++;
      return NOT_REACHED;
    }
    try {
      return { reached: true, value: await command(this.client) };
    } catch (error) {
      this.fallbacks[operation]++;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof Error && error.name === 'ReplyError') this.logReplyError(operation, message);
      else this.failed(message);
      return NOT_REACHED;
    }
  }

  /**
   * A write that must reach Redis eventually (see the header): sent now when the link is up, and kept to be sent
   * once it is back when it is down or the write is not answered (an error reply is not retried).
   */
  deliver(operation: SharedOperation, command: (client: Redis) => Promise<unknown>): void {
    if (this.closed) return;
    if (this.state !== 'up') return this.owe(operation, command);
    command(this.client).then(
      () => {},
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof Error && error.name === 'ReplyError') return this.logReplyError(operation, message);
        this.fallbacks[operation]++;
        this.owe(operation, command);
        this.failed(message);
      },
    );
  }

  /** Writes kept for when the link is back. */
  get owedCount(): number {
    return this.owed.length;
  }

  stats(): RedisLinkStats {
    return { up: this.state === 'up', ...this.counts, fallbacks: { ...this.fallbacks } };
  }

  /** Closes the connection at once (commands in flight fail, and their callers fall back). */
  close(): void {
    this.closed = true;
    this.state = 'down';
    clearInterval(this.probe);
    this.client.disconnect();
  }

  private owe(operation: SharedOperation, command: (client: Redis) => Promise<unknown>): void {
    if (this.owed.length >= MAX_OWED) this.owed.shift();
    this.owed.push({ operation, command });
  }

  /** A command failed without an error reply: a lost connection is an outage; a timeout is one only if a PING times out too. */
  private failed(reason: string): void {
    if (this.client.status !== 'ready') return this.markDown(reason);
    if (this.confirming || this.state !== 'up') return;
    this.confirming = true;
    this.client.ping().then(
      () => {
        this.confirming = false;
      },
      (error: unknown) => {
        this.confirming = false;
        this.markDown(`${reason}; then PING: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  private markDown(reason: string): void {
    if (this.state === 'down' || this.closed) return;
    this.state = 'down';
    this.downSince = performance.now();
    this.counts.outages++;
    this.log(
      'warn',
      `redis ${this.where} unreachable (${reason}): each process uses its own judge cache and limits until it answers again`,
    );
    this.startProbing();
  }

  private startProbing(): void {
    if (this.probe || this.closed) return;
    this.probe = setInterval(() => void this.check(), this.probeIntervalMs);
    this.probe.unref();
  }

  /** One PING once ioredis has a connection: success brings the link back up. */
  private async check(): Promise<void> {
    if (this.state === 'up' || this.closed || this.probing) return;
    if (this.client.status !== 'ready') {
      if (this.state === 'down') this.startProbing();
      return;
    }
    this.probing = true;
    try {
      await this.client.ping();
    } catch {
      if (this.state === 'down') this.startProbing();
      return;
    } finally {
      this.probing = false;
    }
    if (this.closed || this.up) return; // (open() may have marked it up meanwhile)
    clearInterval(this.probe);
    this.probe = undefined;
    const wasDown = this.state === 'down';
    this.state = 'up';
    for (const { operation, command } of this.owed.splice(0)) this.deliver(operation, command);
    if (!wasDown) return; // the first connection, before open() stopped waiting: nothing to report
    this.counts.reconnects++;
    const seconds = ((performance.now() - this.downSince) / 1000).toFixed(1);
    this.log('info', `redis ${this.where} reconnected after ${seconds} s: sharing the judge cache, budgets and calls in flight again`);
  }

  private logReplyError(operation: SharedOperation, message: string): void {
    const key = `${operation}\n${message}`;
    if (this.replyErrorsLogged.has(key)) return;
    this.replyErrorsLogged.add(key);
    this.log('warn', `redis ${this.where}: ${operation} failed (${message}); that operation uses the local path`);
  }
}
