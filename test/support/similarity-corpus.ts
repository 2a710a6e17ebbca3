/** The checked-in similarity corpus (test/fixtures/similarity/), read by the reference tests of this folder. */
import { readFileSync } from 'node:fs';

export interface Pair {
  id: string;
  hypothesis: string;
  reference: string;
}

/** One JSONL file of the corpus, one object per line. */
export function readCorpusFile<T>(name: string): T[] {
  const url = new URL(`../fixtures/similarity/${name}`, import.meta.url);
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}
