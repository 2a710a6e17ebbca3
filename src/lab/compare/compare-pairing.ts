/**
 * Pairs the two sides prompt by prompt: each side's rows are grouped by their key (several rollouts of one prompt,
 * e.g. GRPO's n = 4, become one prompt with their mean reward, mean component scores and mean length), and each
 * prompt is then paired, present on one side only, or present on both without a reward on one. Nothing is dropped
 * silently: every prompt lands in exactly one of the lists.
 */
import type { ComparedRow, ComparedSide } from './compare-inputs.js';

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

/** Compared rows of the paired prompts on one side: the row-level distribution and the reward–length correlation. */
export interface RowSample {
  rewards: number[];
  chars: (number | null)[];
  words: (number | null)[];
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

interface Accumulator {
  id: string;
  line: number;
  rows: number;
  rollouts: number;
  rewardSum: number;
  components: Map<string, { sum: number; count: number }>;
  charsSum: number;
  charsCount: number;
  wordsSum: number;
  wordsCount: number;
}

export function pairPrompts(before: ComparedSide, after: ComparedSide): Pairing {
  const a = accumulate(before.rows);
  const b = accumulate(after.rows);
  const paired: PairedPrompt[] = [];
  const onlyBefore: UnpairedPrompt[] = [];
  const onlyAfter: UnpairedPrompt[] = [];
  const noReward: UnpairedPrompt[] = [];
  for (const [key, left] of a) {
    const right = b.get(key);
    if (!right) onlyBefore.push({ key, id: left.id, line: left.line, missing: 'after' });
    else if (left.rollouts === 0 || right.rollouts === 0)
      noReward.push({
        key,
        id: left.id,
        line: left.line,
        missing: left.rollouts === 0 && right.rollouts === 0 ? 'both' : left.rollouts === 0 ? 'before' : 'after',
      });
    else paired.push({ key, id: left.id, before: means(left), after: means(right) });
  }
  for (const [key, right] of b) if (!a.has(key)) onlyAfter.push({ key, id: right.id, line: right.line, missing: 'before' });
  const keys = new Set(paired.map((prompt) => prompt.key));
  return { paired, onlyBefore, onlyAfter, noReward, rows: { before: sample(before.rows, keys), after: sample(after.rows, keys) } };
}

function accumulate(rows: readonly ComparedRow[]): Map<string, Accumulator> {
  const prompts = new Map<string, Accumulator>();
  for (const row of rows) {
    if (row.key === null) continue;
    let prompt = prompts.get(row.key);
    if (!prompt) {
      prompt = {
        id: row.id,
        line: row.line,
        rows: 0,
        rollouts: 0,
        rewardSum: 0,
        components: new Map(),
        charsSum: 0,
        charsCount: 0,
        wordsSum: 0,
        wordsCount: 0,
      };
      prompts.set(row.key, prompt);
    }
    prompt.rows += 1;
    if (row.reward === null) continue;
    prompt.rollouts += 1;
    prompt.rewardSum += row.reward;
    for (const { name, score } of row.components) {
      if (score === null) continue;
      const component = prompt.components.get(name) ?? { sum: 0, count: 0 };
      component.sum += score;
      component.count += 1;
      prompt.components.set(name, component);
    }
    if (row.chars !== null) {
      prompt.charsSum += row.chars;
      prompt.charsCount += 1;
    }
    if (row.words !== null) {
      prompt.wordsSum += row.words;
      prompt.wordsCount += 1;
    }
  }
  return prompts;
}

function means(prompt: Accumulator): PromptMeans {
  const components = new Map<string, number>();
  for (const [name, { sum, count }] of prompt.components) components.set(name, sum / count);
  return {
    rollouts: prompt.rollouts,
    reward: prompt.rewardSum / prompt.rollouts,
    components,
    chars: prompt.charsCount > 0 ? prompt.charsSum / prompt.charsCount : null,
    words: prompt.wordsCount > 0 ? prompt.wordsSum / prompt.wordsCount : null,
  };
}

function sample(rows: readonly ComparedRow[], keys: ReadonlySet<string>): RowSample {
  const result: RowSample = { rewards: [], chars: [], words: [] };
  for (const row of rows) {
    if (row.reward === null || row.key === null || !keys.has(row.key)) continue;
    result.rewards.push(row.reward);
    result.chars.push(row.chars);
    result.words.push(row.words);
  }
  return result;
}
