/**
 * Counting word n-grams, shared by BLEU, GLEU and ROUGE-N. An n-gram is keyed by its words joined with one space:
 * every tokenizer here splits on whitespace, so a word never contains a space and the key is unambiguous.
 */

/** How many times each n-gram of order `n` occurs in `tokens`, added into `into` (a new map by default). */
export function countNgrams(tokens: readonly string[], n: number, into: Map<string, number> = new Map()): Map<string, number> {
  for (let start = 0; start + n <= tokens.length; start++) {
    const key = tokens.slice(start, start + n).join(' ');
    into.set(key, (into.get(key) ?? 0) + 1);
  }
  return into;
}

/** Sum over n-grams of min(count in a, count in b): the clipped number of matches. */
export function overlapCount(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const [key, count] of a) total += Math.min(count, b.get(key) ?? 0);
  return total;
}

/** Total number of n-grams counted in `counts`. */
export function totalCount(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}
