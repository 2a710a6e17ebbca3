/**
 * The one six-decimal rounding of every number rewardkit reports (rewards, component scores, shares, deltas):
 * enough to compare runs, short enough to read. A leaf: it imports nothing, so every layer may use it.
 */

/** Rounds to six decimals (half away from zero for positives, as Math.round does). */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
