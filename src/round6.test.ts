import { describe, expect, it } from 'vitest';
import { round6 } from './round6.js';

describe('round6', () => {
  it('rounds to six decimals', () => {
    expect([round6(2 / 3), round6(0.1234565), round6(-1 / 3), round6(1), round6(0)]).toEqual([0.666667, 0.123457, -0.333333, 1, 0]);
  });

  it('keeps what has six decimals or fewer as it is', () => {
    expect([round6(0.75), round6(0.000001), round6(0.0000004)]).toEqual([0.75, 0.000001, 0]);
  });
});
