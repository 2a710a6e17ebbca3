/** Hand-checked values for each similarity metric and its building blocks (tokenizers, LCS, n-gram counts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sentenceBleu, tokenize13a } from './bleu.js';
import { fuzzyMatch, fuzzyRatio, tokenSetRatio, tokenSortRatio } from './fuzzy-match.js';
import { sentenceGleu } from './gleu.js';
import { lcsLength } from './lcs.js';
import { rougeL, rougeN, rougeTokens } from './rouge.js';
import { whitespaceTokens } from './tokenize.js';

describe('whitespaceTokens', () => {
  it('splits on runs of Python whitespace and drops empty pieces', () => {
    expect(whitespaceTokens('  a  b\tc\n')).toEqual(['a', 'b', 'c']);
    expect(whitespaceTokens('')).toEqual([]);
    expect(whitespaceTokens(' \t\n ')).toEqual([]);
  });

  it("uses Python's whitespace set, not the regex \\s: U+0085 splits, U+FEFF does not", () => {
    expect(whitespaceTokens('x\u0085y')).toEqual(['x', 'y']);
    expect(whitespaceTokens('x\u001fy')).toEqual(['x', 'y']);
    expect(whitespaceTokens('x\ufeffy')).toEqual(['x\ufeffy']);
  });
});

describe('lcsLength', () => {
  it('finds the longest common subsequence', () => {
    expect(lcsLength([...'ABCBDAB'], [...'BDCABA'])).toBe(4);
    expect(lcsLength([], ['a'])).toBe(0);
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'b', 'd'])).toBe(3);
  });

  it('equals the dynamic-programming table on random sequences across several 32-bit words', () => {
    const naive = (a: string[], b: string[]) => {
      let previous = new Array<number>(b.length + 1).fill(0);
      for (const item of a) {
        const row = [0];
        b.forEach((other, j) => row.push(item === other ? previous[j]! + 1 : Math.max(previous[j + 1]!, row[j]!)));
        previous = row;
      }
      return previous[b.length]!;
    };
    const sequence = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 120 });
    fc.assert(
      fc.property(sequence, sequence, (a, b) => lcsLength(a, b) === naive(a, b)),
      { seed: 12, numRuns: 300 },
    );
  });
});

describe('fuzzy_match (rapidfuzz fuzz ratios / 100)', () => {
  it('ratio is 1 − Indel distance / total length', () => {
    expect(fuzzyRatio('this is a test', 'this is a test!')).toBeCloseTo(28 / 29, 15);
    expect(fuzzyRatio('abc', 'abc')).toBe(1);
    expect(fuzzyRatio('abc', '')).toBe(0);
  });

  it('ratio of two empty texts is 1, as in rapidfuzz', () => {
    expect(fuzzyRatio('', '')).toBe(1);
  });

  it('counts code points, not UTF-16 units (an emoji is one character)', () => {
    expect(fuzzyRatio('👍a', '👍b')).toBe(0.5);
  });

  it('is case- and punctuation-sensitive (no processor)', () => {
    expect(fuzzyRatio('Yes', 'yes')).toBeCloseTo(2 / 3, 15);
  });

  it('token_sort_ratio ignores word order', () => {
    expect(tokenSortRatio('new york mets', 'mets  york new')).toBe(1);
    expect(fuzzyMatch('b a', 'a c', 'token_sort_ratio')).toBeCloseTo(1 - 2 / 6, 15);
  });

  it('token_set_ratio: 1 when one token set holds the other, 0 when a side is empty, else the best partial ratio', () => {
    expect(tokenSetRatio('a b', 'a b c b')).toBe(1);
    expect(tokenSetRatio('', '')).toBe(0);
    expect(tokenSetRatio('a', '')).toBe(0);
    // common "a"; own parts "x" / "y": 1 − 2 / (3 + 3)
    expect(tokenSetRatio('a x', 'a y')).toBeCloseTo(2 / 3, 15);
  });
});

describe('bleu (sacrebleu sentence_bleu / 100)', () => {
  it('tokenizes like mteval 13a', () => {
    expect(tokenize13a('Hello, world! It costs $1,000.50. See 2024-05-01 &amp; co.')).toEqual([
      'Hello',
      ',',
      'world',
      '!',
      'It',
      'costs',
      '$',
      '1,000.50',
      '.',
      'See',
      '2024',
      '-',
      '05',
      '-',
      '01',
      '&',
      'co',
      '.',
    ]);
  });

  it('is the geometric mean of the 1- to 4-gram precisions', () => {
    // precisions 5/6, 3/5, 2/4, 1/3; same length so no brevity penalty
    expect(sentenceBleu('the cat sat on the mat', 'the cat sat on a mat')).toBeCloseTo((1 / 12) ** 0.25, 12);
    expect(sentenceBleu('the cat sat on the mat', 'the cat sat on the mat')).toBe(1);
  });

  it('smooths an order without a match by 1 / (2^k · total) and stops at the effective order', () => {
    // 1-grams 2/3, 2-grams 1/2, 3-grams 0/1 → 1/2, no 4-gram: cube root
    expect(sentenceBleu('a b c', 'a b d')).toBeCloseTo((1 / 6) ** (1 / 3), 12);
  });

  it('applies the brevity penalty exp(1 − reference length / hypothesis length)', () => {
    expect(sentenceBleu('the cat', 'the cat sat on the mat')).toBeCloseTo(Math.exp(-2), 12);
  });

  it('is 0 when nothing matches or either text is empty (also both)', () => {
    expect(sentenceBleu('x y', 'a b')).toBe(0);
    expect(sentenceBleu('', 'a b')).toBe(0);
    expect(sentenceBleu('a b', '')).toBe(0);
    expect(sentenceBleu('', '')).toBe(0);
  });
});

describe('gleu (nltk sentence_gleu, whitespace tokens)', () => {
  it('is matching 1–4-grams over the larger n-gram count', () => {
    // 6 n-grams each side; the, cat, "the cat" match
    expect(sentenceGleu('the cat sat', 'the cat ran')).toBe(0.5);
    expect(sentenceGleu('the cat', 'the cat sat')).toBe(3 / 6);
  });

  it('is 0 for two empty texts', () => {
    expect(sentenceGleu('', '')).toBe(0);
  });
});

describe('rouge (rouge-score F-measure, no stemmer)', () => {
  it('keeps only lowercase ASCII letters and digits as tokens', () => {
    expect(rougeTokens('Café, naïve-Résumé 2025!')).toEqual(['caf', 'na', 've', 'r', 'sum', '2025']);
    expect(rougeTokens('本契約は日本法に準拠する。')).toEqual([]);
  });

  it('rouge_n is the F-measure of clipped n-gram matches', () => {
    expect(rougeN('the cat', 'the cat sat', 1)).toBeCloseTo(0.8, 15);
    expect(rougeN('the cat', 'the cat sat', 2)).toBeCloseTo(2 / 3, 15);
    expect(rougeN('a b c d', 'a c b d', 2)).toBe(0);
    expect(rougeN('THE Cat.', 'the cat', 1)).toBe(1);
  });

  it('rouge_l is the F-measure of the longest common subsequence', () => {
    expect(rougeL('a b c d', 'a c b d')).toBe(0.75);
    expect(rougeL('', 'a')).toBe(0);
  });
});
