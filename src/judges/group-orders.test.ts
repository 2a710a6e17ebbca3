/** Slots, orders and chunks of the group judge, with exact arrays. */
import { describe, expect, it } from 'vitest';
import { canonicalUnits, orderPermutations, splitChunks } from './group-orders.js';

describe('orderPermutations', () => {
  it('gives the identity, its reversal, then rotations left by ⌊(k−1)·m/(N−1)⌋', () => {
    expect(orderPermutations(5, 4)).toEqual([
      [0, 1, 2, 3, 4],
      [4, 3, 2, 1, 0],
      [1, 2, 3, 4, 0],
      [3, 4, 0, 1, 2],
    ]);
    expect(orderPermutations(4, 3)).toEqual([
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [2, 3, 0, 1],
    ]);
  });

  it('drops duplicate orders: 3 slots under 8 orders give 4, 2 slots at most 2, 1 slot 1', () => {
    expect(orderPermutations(3, 8)).toEqual([
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ]);
    expect(orderPermutations(2, 4)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(orderPermutations(1, 2)).toEqual([[0]]);
    expect(orderPermutations(6, 1)).toEqual([[0, 1, 2, 3, 4, 5]]);
  });
});

describe('splitChunks', () => {
  const units = (count: number) => Array.from({ length: count }, (_, index) => index);

  it('keeps a group that fits in one chunk without anchors', () => {
    expect(splitChunks(units(8), 8, 2)).toEqual({ anchors: [], chunks: [units(8)] });
  });

  it('splits 12 rollouts into 2 chunks of 7 sharing the first 2 as anchors', () => {
    expect(splitChunks(units(12), 8, 2)).toEqual({
      anchors: [0, 1],
      chunks: [
        [0, 1, 2, 3, 4, 5, 6],
        [0, 1, 7, 8, 9, 10, 11],
      ],
    });
  });

  it('makes parts of near-equal size, the first ones larger', () => {
    const split = splitChunks(units(21), 8, 2);
    expect(split.anchors).toEqual([0, 1]);
    expect(split.chunks.map((chunk) => chunk.length)).toEqual([7, 7, 7, 6]);
    expect(split.chunks[3]).toEqual([0, 1, 17, 18, 19, 20]);
    expect(splitChunks(units(5), 3, 1).chunks).toEqual([
      [0, 1, 2],
      [0, 3, 4],
    ]);
  });
});

describe('canonicalUnits', () => {
  it('gives identical rollouts one unit listing every member, ordered by sha256(seed + NUL + text)', () => {
    // sha256("\0y") = 3553…, sha256("\0x") = 3c7e…, sha256("\0z") = 473e… (sha256sum)
    expect(canonicalUnits(['x', 'y', 'x', 'z'])).toEqual([
      { text: 'y', members: [1] },
      { text: 'x', members: [0, 2] },
      { text: 'z', members: [3] },
    ]);
  });

  it('does not depend on the input order; another seed gives another order', () => {
    expect(canonicalUnits(['z', 'x', 'y']).map((unit) => unit.text)).toEqual(['y', 'x', 'z']);
    // sha256("s\0x") = 49b2…, sha256("s\0y") = 84d0…, sha256("s\0z") = e09d…
    expect(canonicalUnits(['z', 'x', 'y'], 's').map((unit) => unit.text)).toEqual(['x', 'y', 'z']);
  });
});
