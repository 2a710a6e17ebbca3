/**
 * The one source of randomness in the statistics core: mulberry32, a small seeded 32-bit PRNG, so
 * every bootstrap interval is reproducible from its seed. Not for cryptography.
 */

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger's public-domain generator): 32 bits of state, period 2^32.
 * The seed is reduced to an unsigned 32-bit integer, so 1 and 1 + 2^32 give the same stream.
 */
export function mulberry32(seed: number): Random {
  let state = Math.trunc(Number.isFinite(seed) ? seed : 0) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}
