/** mulberry32: reproducible from its seed, uniform on [0, 1), and sensitive to the seed. */
import { describe, expect, it } from 'vitest';
import { mulberry32, randomIndex } from './prng.js';

describe('mulberry32', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
  });

  it('stays in [0, 1) and is roughly uniform (10 deciles of 100 000 draws within 3%)', () => {
    const random = mulberry32(7);
    const deciles = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const u = random();
      if (!(u >= 0 && u < 1)) outside += 1;
      else deciles[Math.floor(u * 10)]! += 1;
    }
    expect(outside).toBe(0);
    for (const count of deciles) expect(Math.abs(count - 10_000)).toBeLessThan(300);
  });

  it('reduces seeds to 32 bits and tolerates non-finite seeds', () => {
    expect(mulberry32(1)()).toBe(mulberry32(1 + 2 ** 32)());
    expect(Number.isFinite(mulberry32(Number.NaN)())).toBe(true);
  });

  it('randomIndex stays within [0, n)', () => {
    const random = mulberry32(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i += 1) seen.add(randomIndex(random, 7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
