/**
 * One side of a comparison in memory: the rows of a scored file, stored column by column — typed arrays for the
 * numbers, one string per row for its id, each distinct pairing key once. 100,000 rows cost a few megabytes and no
 * per-row objects (nothing for the garbage collector to copy while the file is read), and a side read in a worker
 * thread crosses to the main thread as transferred buffers. `rows` gives row objects to readers that want them.
 */

/** Why a row's reward is left out of the comparison (it is still counted). */
export type Exclusion = 'row_error' | 'no_reward' | 'neutral' | 'unreadable_input';
export const EXCLUSIONS: readonly Exclusion[] = ['row_error', 'no_reward', 'neutral', 'unreadable_input'];

/** One row as read: what `ComparedSideBuilder.add` takes and `ComparedSide.rows` gives. */
export interface ComparedRow {
  /** The row's line in the scored file. */
  line: number;
  id: string;
  /** The reward compared; null when the row is excluded. */
  reward: number | null;
  excluded: Exclusion | null;
  /** Component scores (0–1, null when the component did not score). Each name at most once. */
  components: ReadonlyArray<{ name: string; score: number | null }>;
  /** What the row pairs by; null when its input row could not be read. */
  key: string | null;
  /** Response length; null when unknown. */
  chars: number | null;
  words: number | null;
}

/** The columns: element i of each is the scored file's i-th row. NaN stands for null. */
export interface RowColumns {
  line: Int32Array;
  id: string[];
  /** NaN when the row is excluded. */
  reward: Float64Array;
  /** 0 when the reward is compared, else 1 + its exclusion's index in EXCLUSIONS. */
  excluded: Uint8Array;
  /** The row's pairing key as an index into `keys`; -1 when it has none. */
  key: Int32Array;
  /** The distinct pairing keys. */
  keys: string[];
  /** Response length; NaN when unknown. */
  chars: Float64Array;
  words: Float64Array;
  /** The components named by any row, in the order first met. */
  componentNames: string[];
  /** `componentScores[c][i]`: row i's score of component c; NaN when it did not score or the row does not have it. */
  componentScores: Float64Array[];
}

export class ComparedSide {
  private materialized: ComparedRow[] | null = null;

  constructor(
    /** The scored file. */
    readonly scored: string,
    /** The scored rollouts it was joined with, if given. */
    readonly input: string | null,
    /** The distinct spec hashes of the rows (provenance: which spec scored them), sorted. */
    readonly specHashes: string[],
    readonly columns: RowColumns,
  ) {}

  /** A side from row objects (tests, small inputs). */
  static fromRows(scored: string, input: string | null, rows: readonly ComparedRow[], specHashes: string[]): ComparedSide {
    const builder = new ComparedSideBuilder();
    for (const row of rows) builder.add(row);
    return builder.build(scored, input, specHashes);
  }

  get rowCount(): number {
    return this.columns.line.length;
  }

  /** The rows as objects, built on first use (components: those that scored). */
  get rows(): readonly ComparedRow[] {
    if (this.materialized === null) {
      const c = this.columns;
      this.materialized = Array.from(c.line, (line, i) => ({
        line,
        id: c.id[i]!,
        reward: nullIfNaN(c.reward[i]!),
        excluded: c.excluded[i] === 0 ? null : EXCLUSIONS[c.excluded[i]! - 1]!,
        components: c.componentNames.flatMap((name, j) => {
          const score = c.componentScores[j]![i]!;
          return Number.isNaN(score) ? [] : [{ name, score }];
        }),
        key: c.key[i]! < 0 ? null : c.keys[c.key[i]!]!,
        chars: nullIfNaN(c.chars[i]!),
        words: nullIfNaN(c.words[i]!),
      }));
    }
    return this.materialized;
  }
}

/** Rows a builder has room for before its columns first double. */
const INITIAL_ROWS = 1024;

/**
 * Collects rows one at a time into columns: typed arrays with room to spare, doubled when full (no per-row boxing or
 * array growth for the collector to clean up); `build` cuts them to the row count.
 */
export class ComparedSideBuilder {
  private rows = 0;
  private capacity = INITIAL_ROWS;
  private line = new Int32Array(INITIAL_ROWS);
  private readonly id: string[] = [];
  private reward = new Float64Array(INITIAL_ROWS);
  private excluded = new Uint8Array(INITIAL_ROWS);
  private key = new Int32Array(INITIAL_ROWS);
  private readonly keys: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  private chars = new Float64Array(INITIAL_ROWS);
  private words = new Float64Array(INITIAL_ROWS);
  private readonly componentNames: string[] = [];
  private readonly componentIndex = new Map<string, number>();
  /** Per component, every row's score (NaN where a row does not have it). */
  private componentScores: Float64Array[] = [];

  /** Adds a row. Throws a RangeError when the row names a component twice (the caller says where). */
  add(row: ComparedRow): void {
    if (this.rows === this.capacity) this.grow();
    const i = this.rows;
    const components = row.components;
    for (let j = 0; j < components.length; j += 1) {
      const { name, score } = components[j]!;
      // the rows of a file name their components in one order: the j-th is usually the j-th name met
      const c = this.componentNames[j] === name ? j : this.componentOf(name);
      for (let k = 0; k < j; k += 1) if (components[k]!.name === name) throw new RangeError(`component "${name}" appears twice in the row`);
      this.componentScores[c]![i] = score ?? NaN;
    }
    this.line[i] = row.line;
    this.id.push(row.id);
    this.reward[i] = row.reward ?? NaN;
    this.excluded[i] = row.excluded === null ? 0 : EXCLUSIONS.indexOf(row.excluded) + 1;
    this.key[i] = row.key === null ? -1 : this.keyOf(row.key);
    this.chars[i] = row.chars ?? NaN;
    this.words[i] = row.words ?? NaN;
    this.rows += 1;
  }

  build(scored: string, input: string | null, specHashes: string[]): ComparedSide {
    const rows = this.rows;
    return new ComparedSide(scored, input, specHashes, {
      line: this.line.slice(0, rows),
      id: this.id,
      reward: this.reward.slice(0, rows),
      excluded: this.excluded.slice(0, rows),
      key: this.key.slice(0, rows),
      keys: this.keys,
      chars: this.chars.slice(0, rows),
      words: this.words.slice(0, rows),
      componentNames: this.componentNames,
      componentScores: this.componentScores.map((column) => column.slice(0, rows)),
    });
  }

  /** Doubles every column's room. */
  private grow(): void {
    this.capacity *= 2;
    const larger = <T extends Int32Array | Uint8Array | Float64Array>(column: T, fill = 0): T => {
      const copy = new (column.constructor as new (length: number) => T)(this.capacity);
      if (fill !== 0) copy.fill(fill);
      copy.set(column);
      return copy;
    };
    this.line = larger(this.line);
    this.reward = larger(this.reward);
    this.excluded = larger(this.excluded);
    this.key = larger(this.key);
    this.chars = larger(this.chars);
    this.words = larger(this.words);
    this.componentScores = this.componentScores.map((column) => larger(column, NaN));
  }

  private componentOf(name: string): number {
    let c = this.componentIndex.get(name);
    if (c === undefined) {
      c = this.componentNames.length;
      this.componentIndex.set(name, c);
      this.componentNames.push(name);
      this.componentScores.push(new Float64Array(this.capacity).fill(NaN));
    }
    return c;
  }

  private keyOf(key: string): number {
    let index = this.keyIndex.get(key);
    if (index === undefined) {
      index = this.keys.length;
      this.keyIndex.set(key, index);
      this.keys.push(key);
    }
    return index;
  }
}

function nullIfNaN(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}
