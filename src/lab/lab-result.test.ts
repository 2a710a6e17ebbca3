/** The statistic shape every lab command writes, and the last line of defence against NaN. */
import { describe, expect, it } from 'vitest';
import { defined, undefinedStatistic } from './statistics/index.js';
import { estimate, estimatePaired, toJson } from './lab-result.js';

describe('estimate', () => {
  it('attaches the bootstrap CI to a defined statistic', () => {
    const result = estimate([1, 2, 3, 4, 5], (sample) => defined(sample.reduce((sum, x) => sum + x, 0) / sample.length), {
      resamples: 200,
      seed: 3,
    });
    expect(result.value).toBe(3);
    expect(result.value !== null && result.ci95 !== null && result.ci95[0] <= 3 && result.ci95[1] >= 3).toBe(true);
  });

  it('passes an undefined statistic through with its reason, and says why a CI is withheld', () => {
    expect(estimate([1, 2], () => undefinedStatistic('constant'))).toEqual({ value: null, reason: 'constant' });
    expect(estimate([7], (sample) => defined(sample[0]!))).toEqual({
      value: 7,
      ci95: null,
      ci95_reason: 'fewer than 2 items: nothing to resample',
    });
    expect(() => estimatePaired([1], [1, 2], () => defined(1))).toThrow(RangeError);
  });
});

describe('toJson', () => {
  it('refuses to write a non-finite number', () => {
    expect(toJson({ a: { value: 1, ci95: [0, 2] } })).toBe(
      '{\n  "a": {\n    "value": 1,\n    "ci95": [\n      0,\n      2\n    ]\n  }\n}\n',
    );
    expect(() => toJson({ value: Number.NaN })).toThrow(/non-finite number NaN at "value"/);
    expect(() => toJson({ nested: [Infinity] })).toThrow(/non-finite/);
  });
});
