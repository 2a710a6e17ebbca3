/**
 * One side of a comparison read from disk: the rows of a `rewardkit score` output file, each with the key it pairs
 * by and, when the scored input is given too, its response length. Score output carries no prompt or response (only
 * `line`, the input line each result came from, `id`, the reward and its components), so prompts and lengths come
 * from the rollouts file that was scored, joined line by line; without it rows pair by id and lengths are unknown.
 */
import { hash } from 'node:crypto';
import { groupKeyOf } from '../../input/group-key.js';
import { RowError } from '../../input/row-error.js';
import { toRowView } from '../../input/row-view.js';
import type { InputSpec } from '../../input/input-spec.js';
import { LabError } from '../lab-error.js';
import { ComparedSide, ComparedSideBuilder, type Exclusion } from './compared-side.js';
import { forEachJsonlObject } from './jsonl-stream.js';
import { countWords } from './response-words.js';

/**
 * What rows pair by: `id` (the row id; rows sharing an id are rollouts of one prompt), `prompt` (the system prompt and
 * prompt text, whatever the ids), `group` (the group rule score uses: the row's group_id, else its prompt).
 */
export type PairBy = 'id' | 'prompt' | 'group';

// the in-memory side and its row shape live in compared-side.ts; re-exported here, where readers of a side look
export type { ComparedRow, Exclusion } from './compared-side.js';
export { ComparedSide };

export interface SideOptions {
  /** "before" or "after", for messages. */
  side: string;
  scored: string;
  input?: string;
  pairBy: PairBy;
  includeNeutral: boolean;
  /** How to read the input rows (the spec's `input` section); the default reads Nova and plain rows. */
  inputSpec?: InputSpec;
}

/**
 * The scored rollouts, by input line: each line's row id, pairing key and response length. Arrays indexed by line
 * (no object per row); a line with no row is a hole (`id` undefined), an unreadable row has a null id and key.
 */
interface InputTable {
  id: Array<string | null | undefined>;
  key: Array<string | null>;
  chars: number[];
  words: number[];
}

interface InputInfo {
  id: string | null;
  key: string | null;
  chars: number | null;
  words: number | null;
}

export async function readComparedSide(options: SideOptions): Promise<ComparedSide> {
  const scoredFlag = `--${options.side}`;
  const inputFlag = `--${options.side}-input`;
  if (options.pairBy !== 'id' && !options.input)
    throw new LabError(
      'usage',
      `--pair-by ${options.pairBy} needs the scored rollouts of both sides (--before-input, --after-input): score output carries no prompt`,
    );
  const inputs = options.input ? await readInputs(options.input, inputFlag, options.pairBy, options.inputSpec) : null;
  const rows = new ComparedSideBuilder();
  const specHashes = new Set<string>();
  await forEachJsonlObject(options.scored, scoredFlag, ({ line, value }) => {
    const { id, reward, components } = value;
    if (typeof id !== 'string' || !(reward === null || typeof reward === 'number') || !Array.isArray(components))
      throw new LabError(
        'input',
        `${scoredFlag} ${options.scored}:${line}: not a rewardkit score result (expected "id", "reward" and "components"; write it with rewardkit score --output)`,
      );
    if (typeof value.spec_hash === 'string') specHashes.add(value.spec_hash);
    let info: InputInfo = { id, key: id, chars: null, words: null };
    if (inputs)
      info = inputOf(inputs, value.line, id, { flag: scoredFlag, path: options.scored, line, inputFlag, inputPath: options.input! });
    const flags = Array.isArray(value.flags) ? value.flags : [];
    const excluded: Exclusion | null =
      reward === null
        ? flags.includes('row_error')
          ? 'row_error'
          : 'no_reward'
        : value.neutral === true && !options.includeNeutral
          ? 'neutral'
          : info.key === null
            ? 'unreadable_input'
            : null;
    try {
      rows.add({
        line,
        id,
        reward: excluded === null ? reward : null,
        excluded,
        components: components.map((component: unknown) => componentScore(component)),
        key: info.key,
        chars: info.chars,
        words: info.words,
      });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new LabError('input', `${scoredFlag} ${options.scored}:${line}: ${error.message} (a score result names each component once)`);
    }
  });
  return rows.build(options.scored, options.input ?? null, [...specHashes].sort());
}

function componentScore(component: unknown): { name: string; score: number | null } {
  const record = (component ?? {}) as { name?: unknown; score?: unknown };
  const name = typeof record.name === 'string' ? record.name : '(unnamed)';
  return { name, score: typeof record.score === 'number' && Number.isFinite(record.score) ? record.score : null };
}

async function readInputs(path: string, flag: string, pairBy: PairBy, inputSpec: InputSpec | undefined): Promise<InputTable> {
  // the default input section, from its schema — loaded only when needed (zod costs a worker ~0.1 s to start)
  const spec = inputSpec ?? (await import('../../input/input-spec.js')).InputSpecSchema.parse({});
  const table: InputTable = { id: [], key: [], chars: [], words: [] };
  // each distinct key is kept once: the rollouts of one prompt share one string
  const distinct = new Map<string, string>();
  // the rollouts of a prompt are usually adjacent (GRPO's n = 4): the last prompt's hash is reused for the same text
  let lastSystem: string | null = null;
  let lastPrompt: string | null = null;
  let lastHash = '';
  const unreadable = (line: number) => {
    table.id[line] = null;
    table.key[line] = null;
    table.chars[line] = NaN;
    table.words[line] = NaN;
  };
  await forEachJsonlObject(
    path,
    flag,
    ({ line, value }) => {
      let view;
      try {
        view = toRowView(value, spec, `line-${line}`);
      } catch (error) {
        if (!RowError.isInstance(error)) throw error;
        unreadable(line);
        return;
      }
      let text: string;
      if (pairBy === 'id') text = view.id;
      else if (pairBy === 'group') text = groupKeyOf(view);
      else {
        if (view.system !== lastSystem || view.prompt !== lastPrompt) {
          lastSystem = view.system;
          lastPrompt = view.prompt;
          lastHash = hash('sha256', JSON.stringify([view.system, view.prompt]), 'hex');
        }
        text = lastHash;
      }
      let key = distinct.get(text);
      if (key === undefined) {
        key = text;
        distinct.set(text, text);
      }
      table.id[line] = view.id;
      table.key[line] = key;
      table.chars[line] = view.response.length;
      table.words[line] = countWords(view.response);
    },
    // score keeps an unreadable line as a row_error result with its line: the join must find it too
    unreadable,
  );
  return table;
}

/** The input row a scored row came from (by its `line`), checked to be the same row. */
function inputOf(
  inputs: InputTable,
  inputLine: unknown,
  id: string,
  at: { flag: string; path: string; line: number; inputFlag: string; inputPath: string },
): InputInfo {
  const where = `${at.flag} ${at.path}:${at.line}`;
  if (typeof inputLine !== 'number' || !Number.isInteger(inputLine))
    throw new LabError(
      'input',
      `${where}: no "line" field (the input line score read the row from), so it cannot be joined with ${at.inputFlag}`,
    );
  const inputId = inputLine >= 1 ? inputs.id[inputLine] : undefined;
  if (inputId === undefined)
    throw new LabError(
      'input',
      `${where}: comes from input line ${inputLine}, which ${at.inputFlag} ${at.inputPath} does not have a row on: is it the file that was scored?`,
    );
  if (inputId !== null && inputId !== id)
    throw new LabError(
      'input',
      `${where}: has id ${JSON.stringify(id)} but line ${inputLine} of ${at.inputFlag} ${at.inputPath} has id ${JSON.stringify(inputId)}: is it the file that was scored?`,
    );
  const chars = inputs.chars[inputLine]!;
  const words = inputs.words[inputLine]!;
  return { id: inputId, key: inputs.key[inputLine]!, chars: Number.isNaN(chars) ? null : chars, words: Number.isNaN(words) ? null : words };
}
