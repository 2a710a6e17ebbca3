/**
 * The Porter stemmer against nltk 3.10.3's `PorterStemmer()` (NLTK_EXTENSIONS mode): the examples of Porter's
 * paper for each step, nltk's own departures from it, and the corner cases where a naive port goes wrong.
 * Every expected stem here is what nltk returns.
 */
import { describe, expect, it } from 'vitest';
import { porterStem } from './porter-stemmer.js';

const STEMS: Record<string, readonly (readonly [string, string])[]> = {
  'step 1a': [
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['caress', 'caress'],
    ['cats', 'cat'],
  ],
  'step 1b': [
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['bled', 'bled'],
    ['motoring', 'motor'],
    ['sing', 'sing'],
    ['conflated', 'conflat'],
    ['troubled', 'troubl'],
    ['sized', 'size'],
    ['hopping', 'hop'],
    ['tanned', 'tan'],
    ['falling', 'fall'],
    ['hissing', 'hiss'],
    ['fizzed', 'fizz'],
    ['failing', 'fail'],
    ['filing', 'file'],
  ],
  'step 1c': [
    ['happy', 'happi'],
    ['sky', 'sky'],
  ],
  'step 2': [
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['rational', 'ration'],
    ['valenci', 'valenc'],
    ['hesitanci', 'hesit'],
    ['digitizer', 'digit'],
    ['conformabli', 'conform'],
    ['radicalli', 'radic'],
    ['differentli', 'differ'],
    ['vileli', 'vile'],
    ['analogousli', 'analog'],
    ['vietnamization', 'vietnam'],
    ['predication', 'predic'],
    ['operator', 'oper'],
    ['feudalism', 'feudal'],
    ['decisiveness', 'decis'],
    ['hopefulness', 'hope'],
    ['callousness', 'callous'],
    ['formaliti', 'formal'],
    ['sensitiviti', 'sensit'],
    ['sensibiliti', 'sensibl'],
  ],
  'step 3': [
    ['triplicate', 'triplic'],
    ['formative', 'form'],
    ['formalize', 'formal'],
    ['electriciti', 'electr'],
    ['electrical', 'electr'],
    ['hopeful', 'hope'],
    ['goodness', 'good'],
  ],
  'step 4': [
    ['revival', 'reviv'],
    ['allowance', 'allow'],
    ['inference', 'infer'],
    ['airliner', 'airlin'],
    ['gyroscopic', 'gyroscop'],
    ['adjustable', 'adjust'],
    ['defensible', 'defens'],
    ['irritant', 'irrit'],
    ['replacement', 'replac'],
    ['adjustment', 'adjust'],
    ['dependent', 'depend'],
    ['adoption', 'adopt'],
    ['homologou', 'homolog'],
    ['communism', 'commun'],
    ['activate', 'activ'],
    ['angulariti', 'angular'],
    ['homologous', 'homolog'],
    ['effective', 'effect'],
    ['bowdlerize', 'bowdler'],
  ],
  'step 5': [
    ['probate', 'probat'],
    ['rate', 'rate'],
    ['cease', 'ceas'],
    ['controll', 'control'],
    ['roll', 'roll'],
  ],
  "nltk's extensions": [
    ['dies', 'die'],
    ['died', 'die'],
    ['ties', 'tie'],
    ['spied', 'spi'],
    ['flies', 'fli'],
    ['spy', 'spi'],
    ['enjoy', 'enjoy'],
    ['dying', 'die'],
    ['skies', 'sky'],
    ['news', 'news'],
    ['innings', 'inning'],
    ['proceed', 'proceed'],
    ['generically', 'gener'],
    ['geology', 'geolog'],
    ['is', 'is'],
    ['as', 'as'],
  ],
  'corner cases': [
    ['Running', 'run'],
    ['yyyyying', 'yyyi'],
    ['a*ded', 'ad'],
    ['ΣΥΝΑΣ', 'συνας'],
    ['a😀😀ing', 'a😀'],
  ],
};

describe('porterStem matches nltk PorterStemmer()', () => {
  for (const [group, cases] of Object.entries(STEMS)) {
    it.each(cases)(`${group}: %s → %s`, (word, stem) => {
      expect(porterStem(word)).toBe(stem);
    });
  }

  it('counts an emoji as one letter, as Python does: "😀s" has two letters and is left alone (UTF-16 would say three)', () => {
    expect(porterStem('😀s')).toBe('😀s');
    expect(porterStem('a😀s')).toBe('a😀');
  });
});
