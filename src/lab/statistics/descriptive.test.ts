/** mean / std / median / histogram against the Python and numpy documentation examples. */
import { describe, expect, it } from 'vitest';
import { histogram, mean, median, std } from './descriptive.js';

describe('mean, std, median', () => {
  it('matches the Python statistics module documentation examples', () => {
    // Python docs, statistics.mean: mean([1, 2, 3, 4, 4]) → 2.8
    expect(mean([1, 2, 3, 4, 4])).toEqual({ value: 2.8, ci95: null });
    // Python docs, statistics.stdev: stdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]) → 1.0810874155219827
    expect(std([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]).value).toBeCloseTo(1.0810874155219827, 15);
    // Python docs, statistics.pstdev: pstdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]) → 0.986893273527251
    expect(std([1.5, 2.5, 2.5, 2.75, 3.25, 4.75], { ddof: 0 }).value).toBeCloseTo(0.986893273527251, 15);
    // Python docs, statistics.median: median([1, 3, 5]) → 3, median([1, 3, 5, 7]) → 4.0
    expect(median([1, 3, 5]).value).toBe(3);
    expect(median([1, 3, 5, 7]).value).toBe(4);
  });

  it('matches numpy.std documentation: np.std([[1, 2], [3, 4]]) → 1.1180339887498949', () => {
    expect(std([1, 2, 3, 4], { ddof: 0 }).value).toBeCloseTo(1.1180339887498949, 15);
  });

  it('skips missing values and says why when nothing is left', () => {
    expect(mean([1, null, 3, Number.NaN]).value).toBe(2);
    expect(mean([])).toEqual({ value: null, reason: 'no values' });
    expect(mean([null, null]).value).toBeNull();
    expect(std([5]).value).toBeNull();
    expect(std([5], { ddof: 0 }).value).toBe(0);
    expect(median([]).value).toBeNull();
  });

  it('keeps precision with a large offset (two-pass mean)', () => {
    expect(std([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]).value).toBeCloseTo(Math.sqrt(30), 9);
  });
});

describe('histogram', () => {
  it('matches numpy.histogram documentation examples', () => {
    // numpy docs: np.histogram([1, 2, 1], bins=[0, 1, 2, 3]) → (array([0, 2, 1]), array([0, 1, 2, 3]))
    expect(histogram([1, 2, 1], { edges: [0, 1, 2, 3] })).toMatchObject({ counts: [0, 2, 1], edges: [0, 1, 2, 3] });
    // numpy docs: np.histogram([[1, 2, 1], [1, 0, 1]], bins=[0, 1, 2, 3]) → (array([1, 4, 1]), …)
    expect(histogram([1, 2, 1, 1, 0, 1], { edges: [0, 1, 2, 3] }).counts).toEqual([1, 4, 1]);
  });

  it('follows numpy for default ranges: data [min, max], constant data ± 0.5, empty data [0, 1]', () => {
    // Checked with numpy 2.4: np.histogram([5, 5, 5], bins=2) → ([0, 3], [4.5, 5, 5.5]); np.histogram([], bins=3) → [0, 0, 0] over [0, 1].
    expect(histogram([5, 5, 5], { bins: 2 })).toMatchObject({ counts: [0, 3], edges: [4.5, 5, 5.5] });
    const empty = histogram([], { bins: 3 });
    expect(empty.counts).toEqual([0, 0, 0]);
    expect(empty.edges[0]).toBe(0);
    expect(empty.edges[3]).toBe(1);
  });

  it('puts the maximum in the last (closed) bin and counts missing and out-of-range values', () => {
    const h = histogram([1, 2, 3, 4, 5, null, Number.NaN, 9], { range: [1, 5], bins: 4 });
    expect(h.counts).toEqual([1, 1, 1, 2]);
    expect(h.missing).toBe(2);
    expect(h.outOfRange).toBe(1);
  });

  it('bins a 1–5 judge scale with half-integer edges', () => {
    const h = histogram([1, 1, 2, 5, 5, 5], { edges: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5] });
    expect(h.counts).toEqual([2, 1, 0, 0, 3]);
  });

  it('rejects invalid bin specifications', () => {
    expect(() => histogram([1], { bins: 0 })).toThrow(RangeError);
    expect(() => histogram([1], { edges: [1] })).toThrow(RangeError);
    expect(() => histogram([1], { edges: [2, 1] })).toThrow(RangeError);
  });
});
