/**
 * Every metric of this folder against the values the Python reference libraries computed for the checked-in
 * corpus (scripts/similarity-reference/: make_pairs.py made the pairs, compute_expected.py the values).
 */
import { describe, expect, it } from 'vitest';
import { readCorpusFile as readJsonl, type Pair } from '../../../test/support/similarity-corpus.js';
import { sentenceBleu } from './bleu.js';
import { fuzzyMatch } from './fuzzy-match.js';
import { sentenceGleu } from './gleu.js';
import { rougeL, rougeN } from './rouge.js';

const TOLERANCE = 1e-6;

const pairs = readJsonl<Pair>('pairs.jsonl');
const expected = new Map(readJsonl<Record<string, number> & { id: string }>('expected.jsonl').map((row) => [row.id, row]));

const METRICS: Record<string, (hypothesis: string, reference: string) => number> = {
  fuzzy_match: (h, r) => fuzzyMatch(h, r, 'ratio'),
  fuzzy_token_sort_ratio: (h, r) => fuzzyMatch(h, r, 'token_sort_ratio'),
  fuzzy_token_set_ratio: (h, r) => fuzzyMatch(h, r, 'token_set_ratio'),
  bleu: sentenceBleu,
  gleu: sentenceGleu,
  rouge_1: (h, r) => rougeN(h, r, 1),
  rouge_2: (h, r) => rougeN(h, r, 2),
  rouge_3: (h, r) => rougeN(h, r, 3),
  rouge_4: (h, r) => rougeN(h, r, 4),
  rouge_5: (h, r) => rougeN(h, r, 5),
  rouge_l: rougeL,
};

describe('similarity metrics against the Python reference corpus', () => {
  it('has 240 pairs, each with expected values', () => {
    expect(pairs).toHaveLength(240);
    expect(pairs.filter((pair) => !expected.has(pair.id))).toEqual([]);
  });

  for (const [metric, score] of Object.entries(METRICS)) {
    it(`${metric} is within ${TOLERANCE} of the reference on every pair`, () => {
      const misses: string[] = [];
      let maxError = 0;
      for (const pair of pairs) {
        const want = expected.get(pair.id)?.[metric];
        if (typeof want !== 'number') throw new Error(`expected.jsonl has no ${metric} for ${pair.id}`);
        const got = score(pair.hypothesis, pair.reference);
        const error = Math.abs(got - want);
        maxError = Math.max(maxError, error);
        if (!(error <= TOLERANCE)) misses.push(`${pair.id}: got ${got}, want ${want}`);
      }
      expect(misses).toEqual([]);
      expect(maxError).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
