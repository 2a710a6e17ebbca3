/** analysePosition on five pairs judged in both orders: swap agreement, kappa, tie and first-slot rates, the sign test. */
import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../../result.js';
import { analysePosition, type Winner } from './position-analysis.js';

const settings = { resamples: 200, seed: 7 };

function pair(id: string, first: Winner, second: Winner): RewardResult {
  const score = (first === 'response' ? 1 : first === 'tie' ? 0.5 : 0) / 2 + (second === 'response' ? 1 : second === 'tie' ? 0.5 : 0) / 2;
  return {
    id,
    reward: score,
    neutral: false,
    gated_by: null,
    flags: [],
    metrics: {},
    components: [
      {
        name: 'pair',
        kind: 'judge',
        type: 'preference',
        score,
        weight: 1,
        status: 'scored',
        details: { per_order: { 'response-first': first, 'response-second': second } },
      },
    ],
  };
}

describe('analysePosition', () => {
  // r1 keeps "response" (slots A, B) · r2 and r6 pick slot A both times · r3 ties twice · r4 picks slot B both times · r5 is missing
  const result = analysePosition({
    source: { kind: 'scored', files: ['scored.jsonl'] },
    settings,
    judge: 'pair',
    ids: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'],
    lengths: null,
    lengthReason: 'no lengths',
    results: [
      pair('r1', 'response', 'response'),
      pair('r2', 'response', 'other'),
      pair('r3', 'tie', 'tie'),
      pair('r4', 'other', 'response'),
      undefined,
      pair('r6', 'response', 'other'),
    ],
  });

  it('counts rows, slots and the swap matrix', () => {
    expect(result.rows).toEqual({ total: 6, judged_both_orders: 5, excluded: { missing: 1 } });
    expect(result.per_row.map((row) => row.slots)).toEqual([['A', 'B'], ['A', 'A'], ['tie', 'tie'], ['B', 'B'], null, ['A', 'A']]);
    expect(result.swap_matrix).toEqual({
      labels: ['response', 'tie', 'other'],
      counts: [
        [1, 0, 2],
        [0, 1, 0],
        [1, 0, 0],
      ],
    });
    expect(result.slot_counts).toEqual({ response_first: { A: 3, B: 1, tie: 1 }, response_second: { A: 2, B: 2, tie: 1 } });
  });

  it('computes the statistics by hand', () => {
    // r1 and r3 keep their winner: 2 of 5.
    expect(result.statistics.swap_agreement.value).toBe(0.4);
    // po = 0.4; first-order marginals (response 3, tie 1, other 1), second (2, 1, 2): pe = (6 + 1 + 2) / 25 = 0.36;
    // kappa = (0.4 − 0.36) / (1 − 0.36) = 0.0625.
    expect(result.statistics.cohen_kappa_unweighted.value).toBeCloseTo(0.0625, 12);
    // 2 tie verdicts of 10.
    expect(result.statistics.tie_rate.value).toBe(0.2);
    // Decisive verdicts: A B, A A, B B, A A → 5 of 8 chose the first slot.
    expect(result.statistics.first_position_rate.value).toBe(0.625);
  });

  it('runs the exact sign test on the rows that followed the slot', () => {
    // 2 rows favour the first slot, 1 the second: two-sided p = 2 × P(X ≥ 2 | n = 3) = 2 × 4/8 = 1.
    expect(result.position_bias_test).toMatchObject({
      first_favoured_rows: 2,
      second_favoured_rows: 1,
      p_value: 1,
      favoured: 'first',
      significant: false,
    });
  });
});
