/**
 * Ranking with ties: the average (fractional, "1 2.5 2.5 4") ranks that Spearman's rho is computed on,
 * identical to scipy.stats.rankdata(method='average').
 */

/** 1-based ranks; tied values all get the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end += 1;
    // Positions start..end-1 hold equal values: ranks start+1..end, averaged.
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i += 1) ranks[order[i]!] = rank;
    start = end;
  }
  return ranks;
}
