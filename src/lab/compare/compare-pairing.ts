/**
 * Pairs the two sides prompt by prompt: each side's rows are grouped by their key (several rollouts of one prompt,
 * e.g. GRPO's n = 4, become one prompt with their mean reward, mean component scores and mean length), and each
 * prompt is then paired, present on one side only, or present on both without a reward on one. Nothing is dropped
 * silently: every prompt lands in exactly one of the lists.
 */
import type { ComparedSide } from './compared-side.js';

export interface PromptMeans {
  /** Rows with a compared reward. */
  rollouts: number;
  reward: number;
  /** Mean score of each component over the rows where it scored. */
  components: Map<string, number>;
  /** Mean response length over the rows with a known one; null when none. */
  chars: number | null;
  words: number | null;
}

export interface PairedPrompt {
  key: string;
  /** The id of the prompt's first row on the before side. */
  id: string;
  before: PromptMeans;
  after: PromptMeans;
}

export interface UnpairedPrompt {
  key: string;
  /** The id and scored-file line of the prompt's first row on the side that has it (the before side when both). */
  id: string;
  line: number;
  /** Which side lacks it (only_before / only_after), or lacks a compared reward for it (no_reward). */
  missing: 'before' | 'after' | 'both';
}

/**
 * Compared rows of the paired prompts on one side: the row-level distribution and the reward–length correlation.
 * Lengths are NaN where unknown (numbers only: the arrays stay unboxed doubles, 100,000 rows a side).
 */
export interface RowSample {
  rewards: number[];
  chars: number[];
  words: number[];
}

export interface Pairing {
  /** In the order the before file first names them. */
  paired: PairedPrompt[];
  onlyBefore: UnpairedPrompt[];
  onlyAfter: UnpairedPrompt[];
  /** On both sides, but with no compared reward on at least one (`missing` says which). */
  noReward: UnpairedPrompt[];
  rows: { before: RowSample; after: RowSample };
}

/**
 * One side's rows summed per pairing key, indexed like the side's `keys` — which are numbered in the order the rows
 * first name them, so key order is file order.
 */
interface Totals {
  /** The first row naming each key. */
  firstRow: Int32Array;
  rollouts: Int32Array;
  rewardSum: Float64Array;
  /** Per component (the side's `componentNames`): the sum and count of its scores per key. */
  componentSum: Float64Array[];
  componentCount: Int32Array[];
  charsSum: Float64Array;
  charsCount: Int32Array;
  wordsSum: Float64Array;
  wordsCount: Int32Array;
}

export function pairPrompts(before: ComparedSide, after: ComparedSide): Pairing {
  const a = totalsOf(before);
  const b = totalsOf(after);
  const beforeKeys = before.columns.keys;
  const afterKeys = after.columns.keys;
  const afterIndex = new Map<string, number>();
  afterKeys.forEach((key, j) => afterIndex.set(key, j));
  const paired: PairedPrompt[] = [];
  const onlyBefore: UnpairedPrompt[] = [];
  const onlyAfter: UnpairedPrompt[] = [];
  const noReward: UnpairedPrompt[] = [];
  // per key of each side: 1 when the prompt is paired
  const pairedBefore = new Uint8Array(beforeKeys.length);
  const pairedAfter = new Uint8Array(afterKeys.length);
  const beforeRef = (k: number) => ({
    key: beforeKeys[k]!,
    id: before.columns.id[a.firstRow[k]!]!,
    line: before.columns.line[a.firstRow[k]!]!,
  });
  for (let k = 0; k < beforeKeys.length; k += 1) {
    const j = afterIndex.get(beforeKeys[k]!);
    if (j === undefined) onlyBefore.push({ ...beforeRef(k), missing: 'after' });
    else if (a.rollouts[k] === 0 || b.rollouts[j] === 0)
      noReward.push({
        ...beforeRef(k),
        missing: a.rollouts[k] === 0 && b.rollouts[j] === 0 ? 'both' : a.rollouts[k] === 0 ? 'before' : 'after',
      });
    else {
      paired.push({ key: beforeKeys[k]!, id: before.columns.id[a.firstRow[k]!]!, before: means(before, a, k), after: means(after, b, j) });
      pairedBefore[k] = 1;
      pairedAfter[j] = 1;
    }
  }
  const inBefore = new Set(beforeKeys);
  afterKeys.forEach((key, j) => {
    if (!inBefore.has(key))
      onlyAfter.push({ key, id: after.columns.id[b.firstRow[j]!]!, line: after.columns.line[b.firstRow[j]!]!, missing: 'before' });
  });
  return { paired, onlyBefore, onlyAfter, noReward, rows: { before: sample(before, pairedBefore), after: sample(after, pairedAfter) } };
}

function totalsOf(side: ComparedSide): Totals {
  const { key, reward, chars, words, componentScores } = side.columns;
  const keys = side.columns.keys.length;
  const totals: Totals = {
    firstRow: new Int32Array(keys).fill(-1),
    rollouts: new Int32Array(keys),
    rewardSum: new Float64Array(keys),
    componentSum: componentScores.map(() => new Float64Array(keys)),
    componentCount: componentScores.map(() => new Int32Array(keys)),
    charsSum: new Float64Array(keys),
    charsCount: new Int32Array(keys),
    wordsSum: new Float64Array(keys),
    wordsCount: new Int32Array(keys),
  };
  for (let i = 0; i < key.length; i += 1) {
    const k = key[i]!;
    if (k < 0) continue;
    if (totals.firstRow[k]! < 0) totals.firstRow[k] = i;
    const r = reward[i]!;
    if (Number.isNaN(r)) continue;
    totals.rollouts[k]! += 1;
    totals.rewardSum[k]! += r;
    for (let c = 0; c < componentScores.length; c += 1) {
      const score = componentScores[c]![i]!;
      if (Number.isNaN(score)) continue;
      totals.componentSum[c]![k]! += score;
      totals.componentCount[c]![k]! += 1;
    }
    if (!Number.isNaN(chars[i]!)) {
      totals.charsSum[k]! += chars[i]!;
      totals.charsCount[k]! += 1;
    }
    if (!Number.isNaN(words[i]!)) {
      totals.wordsSum[k]! += words[i]!;
      totals.wordsCount[k]! += 1;
    }
  }
  return totals;
}

function means(side: ComparedSide, totals: Totals, k: number): PromptMeans {
  const components = new Map<string, number>();
  side.columns.componentNames.forEach((name, c) => {
    const count = totals.componentCount[c]![k]!;
    if (count > 0) components.set(name, totals.componentSum[c]![k]! / count);
  });
  return {
    rollouts: totals.rollouts[k]!,
    reward: totals.rewardSum[k]! / totals.rollouts[k]!,
    components,
    chars: totals.charsCount[k]! > 0 ? totals.charsSum[k]! / totals.charsCount[k]! : null,
    words: totals.wordsCount[k]! > 0 ? totals.wordsSum[k]! / totals.wordsCount[k]! : null,
  };
}

/** The compared rows of the paired prompts, in file order. */
function sample(side: ComparedSide, pairedKey: Uint8Array): RowSample {
  const { key, reward, chars, words } = side.columns;
  const taken = (i: number) => key[i]! >= 0 && pairedKey[key[i]!] === 1 && !Number.isNaN(reward[i]!);
  let count = 0;
  for (let i = 0; i < key.length; i += 1) if (taken(i)) count += 1;
  // arrays of their final size, filled in place (pushing 100,000 rows a side costs twice as much)
  const result: RowSample = { rewards: new Array<number>(count), chars: new Array<number>(count), words: new Array<number>(count) };
  for (let i = 0, j = 0; i < key.length; i += 1) {
    if (!taken(i)) continue;
    result.rewards[j] = reward[i]!;
    result.chars[j] = chars[i]!;
    result.words[j] = words[i]!;
    j += 1;
  }
  return result;
}
