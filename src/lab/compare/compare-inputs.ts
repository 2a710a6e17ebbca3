/**
 * One side of a comparison read from disk: the rows of a `rewardkit score` output file, each with the key it pairs
 * by and, when the scored input is given too, its response length. Score output carries no prompt or response (only
 * `line`, the input line each result came from, `id`, the reward and its components), so prompts and lengths come
 * from the rollouts file that was scored, joined line by line; without it rows pair by id and lengths are unknown.
 */
import { createHash } from 'node:crypto';
import { groupKeyOf } from '../../input/group-key.js';
import { RowError } from '../../input/row-error.js';
import { toRowView } from '../../input/row-view.js';
import { InputSpecSchema, type InputSpec } from '../../spec/schema.js';
import { LabError } from '../lab-error.js';
import { forEachJsonlObject } from './jsonl-stream.js';
import { countWords } from './response-words.js';

/**
 * What rows pair by: `id` (the row id; rows sharing an id are rollouts of one prompt), `prompt` (the system prompt and
 * prompt text, whatever the ids), `group` (the group rule score uses: the row's group_id, else its prompt).
 */
export type PairBy = 'id' | 'prompt' | 'group';

/** Why a row's reward is left out of the comparison (it is still counted). */
export type Exclusion = 'row_error' | 'no_reward' | 'neutral' | 'unreadable_input';

export interface ComparedRow {
  /** The row's line in the scored file. */
  line: number;
  id: string;
  /** The reward compared; null when the row is excluded. */
  reward: number | null;
  excluded: Exclusion | null;
  /** Component scores (0–1, null when the component did not score). */
  components: ReadonlyArray<{ name: string; score: number | null }>;
  /** What the row pairs by; null when its input row could not be read. */
  key: string | null;
  /** Response length; null when unknown. */
  chars: number | null;
  words: number | null;
}

export interface ComparedSide {
  scored: string;
  input: string | null;
  rows: ComparedRow[];
  /** The distinct spec hashes of the rows (provenance: which spec scored them). */
  specHashes: string[];
}

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
  const rows: ComparedRow[] = [];
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
    rows.push({
      line,
      id,
      reward: excluded === null ? reward : null,
      excluded,
      components: components.map((component: unknown) => componentScore(component)),
      key: info.key,
      chars: info.chars,
      words: info.words,
    });
  });
  return { scored: options.scored, input: options.input ?? null, rows, specHashes: [...specHashes].sort() };
}

function componentScore(component: unknown): { name: string; score: number | null } {
  const record = (component ?? {}) as { name?: unknown; score?: unknown };
  const name = typeof record.name === 'string' ? record.name : '(unnamed)';
  return { name, score: typeof record.score === 'number' && Number.isFinite(record.score) ? record.score : null };
}

async function readInputs(path: string, flag: string, pairBy: PairBy, inputSpec: InputSpec | undefined): Promise<Map<number, InputInfo>> {
  const spec = inputSpec ?? InputSpecSchema.parse({});
  const byLine = new Map<number, InputInfo>();
  await forEachJsonlObject(
    path,
    flag,
    ({ line, value }) => {
      try {
        const view = toRowView(value, spec, `line-${line}`);
        const key =
          pairBy === 'id'
            ? view.id
            : pairBy === 'group'
              ? groupKeyOf(view)
              : createHash('sha256')
                  .update(JSON.stringify([view.system, view.prompt]))
                  .digest('hex');
        byLine.set(line, { id: view.id, key, chars: view.response.length, words: countWords(view.response) });
      } catch (error) {
        if (!RowError.isInstance(error)) throw error;
        byLine.set(line, { id: null, key: null, chars: null, words: null });
      }
    },
    // score keeps an unreadable line as a row_error result with its line: the join must find it too
    (line) => byLine.set(line, { id: null, key: null, chars: null, words: null }),
  );
  return byLine;
}

/** The input row a scored row came from (by its `line`), checked to be the same row. */
function inputOf(
  inputs: Map<number, InputInfo>,
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
  const info = inputs.get(inputLine);
  if (!info)
    throw new LabError(
      'input',
      `${where}: comes from input line ${inputLine}, which ${at.inputFlag} ${at.inputPath} does not have a row on: is it the file that was scored?`,
    );
  if (info.id !== null && info.id !== id)
    throw new LabError(
      'input',
      `${where}: has id ${JSON.stringify(id)} but line ${inputLine} of ${at.inputFlag} ${at.inputPath} has id ${JSON.stringify(info.id)}: is it the file that was scored?`,
    );
  return info;
}
