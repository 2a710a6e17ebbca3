/**
 * Bearer-token authentication for the reward server. The token is compared in constant time (both sides
 * hashed to the same length first, so neither the content nor the length leaks through timing).
 * Accepted: `Authorization: Bearer TOKEN`, and `Authorization: Basic base64(ANY:TOKEN)` — what HTTP
 * clients send for a URL with credentials (`http://rk:TOKEN@host:port/get_reward`), the only way to give
 * a token to trainers such as OpenRLHF whose reward client sends no headers of its own.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenCheck = (authorization: string | undefined) => boolean;

export function createTokenCheck(token: string): TokenCheck {
  const expected = digest(token);
  return (authorization) => {
    const presented = presentedToken(authorization);
    // always compare, even without a token, so a missing header costs the same as a wrong one
    return timingSafeEqual(digest(presented ?? ''), expected) && presented !== undefined;
  };
}

/** The token carried by an Authorization header (Bearer, or the password of Basic), if any. */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^\s*(Bearer|Basic)\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return undefined;
  if (match[1]!.toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
