/**
 * The `--queue` URL: a redis:// or rediss:// URL with a host and at most a database number (checked before anything
 * connects, by the same rule as `--redis`: runtime/shared/redis-url.ts), and the same URL with its password hidden,
 * for messages and logs. Kept apart from the connection so `score` reads its flags without loading a Redis client.
 */
import { redisUrlProblem } from '../runtime/shared/redis-url.js';
import { QueueError } from './queue-error.js';

export { redactedUrl } from '../runtime/shared/redis-url.js';

/** Checks a --queue value (QueueError 'usage' naming the flag, the value and what was expected, otherwise). */
export function checkQueueUrl(value: string): string {
  const problem = redisUrlProblem(value);
  if (problem) throw new QueueError('usage', `--queue: ${problem}`);
  return value;
}
