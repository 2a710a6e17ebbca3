/**
 * Redis settings as rewardkit takes them (`--redis`, `--redis-prefix`, `--queue`, `REWARDKIT_REDIS_URL`): what is
 * wrong with a URL or a key prefix, checked before anything connects, and the URL with its password hidden, for
 * messages and logs. No Redis client is loaded here, so whatever only reads its settings (every command and the
 * Lambda without --redis) does not load one.
 */

/** The start of every shared key unless `--redis-prefix` says otherwise. */
export const DEFAULT_REDIS_PREFIX = 'rewardkit';

/** What is wrong with a key prefix (undefined when it is fine). */
export function redisPrefixProblem(prefix: string): string | undefined {
  if (/^[A-Za-z0-9_.:{}-]{1,100}$/.test(prefix)) return undefined;
  return `expected a key prefix of 1–100 letters, digits and _ . - : { }, got ${JSON.stringify(prefix)}`;
}

/** The URL as messages and logs show it: the password replaced by ***. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** What is wrong with a Redis URL (undefined when it is one): a redis:// or rediss:// URL with a host and at most a database number. */
export function redisUrlProblem(url: string): string | undefined {
  const expected = 'expected a URL redis://[user:password@]host:port[/db] (or rediss://… for TLS)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // shown as given unless it may hold a password
    return `${expected}, got ${url.includes('@') ? 'a value that is not a URL' : JSON.stringify(url)}`;
  }
  // an "@" that is not read as credentials may still be a password: not shown
  const shown = url.includes('@') && !parsed.password && !parsed.username ? 'a value that is not a URL' : JSON.stringify(redactedUrl(url));
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `${expected}, got ${shown}`;
  if (!parsed.hostname) return `${expected}, got ${shown} (no host)`;
  if (!/^\/?(\d+)?$/.test(parsed.pathname)) return `${expected}, got ${shown} (the path must be a database number)`;
  return undefined;
}
