/**
 * Where the rollouts of a group sit in the group judge's calls (pure): identical rollouts share one slot, the slots
 * get a canonical order (by hash, so the input order does not matter and a reshuffled re-run hits the cache), a group
 * larger than `max_group` is split into chunks that share anchor rollouts, and each chunk is judged in up to `orders`
 * permutations: as given, reversed, then rotations.
 */
import { createHash } from 'node:crypto';

/** One slot: a distinct rollout text and the members (indexes into the group) that gave it. */
export interface GroupUnit {
  text: string;
  members: number[];
}

/**
 * The group's distinct rollouts in canonical order: members with identical text share one unit, units sorted by
 * sha256(orderSeed + '\0' + text) — independent of input order; another `orderSeed` gives another order.
 */
export function canonicalUnits(texts: readonly string[], orderSeed = ''): GroupUnit[] {
  const byText = new Map<string, GroupUnit>();
  texts.forEach((text, index) => {
    const unit = byText.get(text);
    if (unit) unit.members.push(index);
    else byText.set(text, { text, members: [index] });
  });
  const hashOf = (text: string) => createHash('sha256').update(`${orderSeed}\0${text}`).digest('hex');
  return [...byText.values()]
    .map((unit) => ({ unit, hash: hashOf(unit.text) }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
    .map(({ unit }) => unit);
}

/**
 * Up to `orders` distinct permutations of `size` slots, each as `permutation[slot] = index of the unit shown there`:
 * the identity, its reversal, then the identity rotated left by ⌊(k−1)·size/(orders−1)⌋ for k = 2 … orders−1.
 * Duplicates are dropped, so 2 slots give at most 2 orders and 1 slot gives 1.
 */
export function orderPermutations(size: number, orders: number): number[][] {
  const identity = Array.from({ length: size }, (_, index) => index);
  const candidates = [identity, [...identity].reverse()];
  for (let k = 2; k < orders; k += 1) {
    const shift = Math.floor(((k - 1) * size) / (orders - 1));
    candidates.push(identity.map((slot) => (slot + shift) % size));
  }
  const seen = new Set<string>();
  return candidates.slice(0, Math.max(1, orders)).filter((permutation) => {
    const key = permutation.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Splits units into calls of at most `maxGroup`. A group that fits is one chunk without anchors. Otherwise the first
 * `anchors` units are shown in every chunk and the rest are split into ⌈rest / (maxGroup − anchors)⌉ parts of
 * near-equal size (the first parts one larger when it does not divide); each chunk is the anchors, then its part.
 */
export function splitChunks<T>(units: readonly T[], maxGroup: number, anchors: number): { anchors: T[]; chunks: T[][] } {
  if (units.length <= maxGroup) return { anchors: [], chunks: [[...units]] };
  const shared = units.slice(0, anchors);
  const rest = units.slice(anchors);
  const count = Math.ceil(rest.length / (maxGroup - anchors));
  const base = Math.floor(rest.length / count);
  const larger = rest.length % count;
  const chunks: T[][] = [];
  let start = 0;
  for (let index = 0; index < count; index += 1) {
    const size = base + (index < larger ? 1 : 0);
    chunks.push([...shared, ...rest.slice(start, start + size)]);
    start += size;
  }
  return { anchors: shared, chunks };
}
