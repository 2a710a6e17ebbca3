/**
 * Connections to the queue's Redis (ioredis, as BullMQ needs them: commands wait for a reconnect instead of failing,
 * `maxRetriesPerRequest: null`), and the first PING that tells an unreachable Redis apart before any work starts.
 */
import { Redis } from 'ioredis';
import { QueueError } from './queue-error.js';
import { redactedUrl } from './queue-url.js';

/** How long the first PING may take before the queue counts as unreachable. */
const FIRST_PING_MS = 5_000;

export interface QueueConnection {
  readonly redis: Redis;
  /** The last connection error seen (for messages), if any. */
  readonly lastError: () => string | undefined;
  close(): Promise<void>;
}

/** A new connection; `ready` first PINGs it (QueueError 'connection' when Redis does not answer within 5 s). */
export function openConnection(url: string): QueueConnection {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  let lastError: string | undefined;
  // without a listener ioredis prints every reconnect failure; BullMQ and our commands wait for the reconnect
  redis.on('error', (error: Error) => (lastError = error.message));
  return {
    redis,
    lastError: () => lastError,
    close: async () => {
      if (redis.status !== 'ready') return redis.disconnect(); // QUIT would wait for a reconnect
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

/** PINGs the connection: a QueueError 'connection' naming the URL at the first connection error, or with no answer within 5 s. */
async function checkReachable(connection: QueueConnection, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((error: Error) => void) | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), FIRST_PING_MS)));
  const failed = new Promise<Error>((resolve) => connection.redis.once('error', (onError = resolve)));
  try {
    const answer = await Promise.race([connection.redis.ping().catch((error: Error) => error), failed, timeout]);
    if (answer === 'PONG') return;
    const why = answer instanceof Error ? answer.message : (connection.lastError() ?? `no answer within ${FIRST_PING_MS / 1000} s`);
    throw new QueueError('connection', `cannot reach the queue's Redis at ${redactedUrl(url)}: ${why}`);
  } finally {
    clearTimeout(timer);
    if (onError) connection.redis.off('error', onError);
  }
}

/** A new connection that has answered its first PING; closed again, and the QueueError thrown, when it does not. */
export async function openReachableConnection(url: string): Promise<QueueConnection> {
  const connection = openConnection(url);
  try {
    await checkReachable(connection, url);
    return connection;
  } catch (error) {
    await connection.close();
    throw error;
  }
}
