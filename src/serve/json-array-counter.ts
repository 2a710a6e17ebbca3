/**
 * Counts the items of a JSON body's top-level arrays while its bytes arrive, without parsing or keeping
 * them: the root array (`[sample, …]`) or each array that is the value of a member of the root object
 * (`rows`, `query`, `prompts`, `labels`, …). This is what lets the server refuse a batch over --max-rows
 * before it spends memory and time on parsing and scoring it. A scan costs one pass over the bytes, with
 * strings skipped by `indexOf`, and constant memory whatever the nesting.
 *
 * It does not validate JSON (the parser does that afterwards); on malformed input the counts are
 * meaningless but the scan still ends.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Longest member name kept for messages, in bytes. */
const MAX_KEY_BYTES = 128;

export interface ArrayCount {
  /** The member holding the array (`rows`, `query`, …), or '' for a root array. */
  field: string;
  items: number;
}

export class JsonArrayCounter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private rootIsObject = false;
  /** Inside the root object, the next string is a member name. */
  private expectKey = false;
  private keyBytes: number[] | undefined;
  private currentKey = '';
  /** Depth of the array being counted (1: root array, 2: a root member), 0 when none. */
  private countingDepth = 0;
  private awaitingItem = false;
  private counted: ArrayCount | undefined;
  private top: ArrayCount | undefined;

  /** The largest top-level array seen so far (the one being read included). */
  get largest(): ArrayCount | undefined {
    return this.top;
  }

  push(chunk: Uint8Array): void {
    const length = chunk.length;
    let index = 0;
    let nextQuote = -2; // -2: not looked up yet; -1: none left in this chunk
    let nextBackslash = -2;
    while (index < length) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          this.keyBytes?.push(chunk[index]!);
          index++;
          continue;
        }
        if (nextQuote !== -1 && nextQuote < index) nextQuote = chunk.indexOf(QUOTE, index);
        if (nextBackslash !== -1 && nextBackslash < index) nextBackslash = chunk.indexOf(BACKSLASH, index);
        const stop = nextBackslash === -1 ? nextQuote : nextQuote === -1 ? nextBackslash : Math.min(nextQuote, nextBackslash);
        const end = stop === -1 ? length : stop;
        if (this.keyBytes && this.keyBytes.length < MAX_KEY_BYTES) {
          for (let at = index; at < end && this.keyBytes.length < MAX_KEY_BYTES; at++) this.keyBytes.push(chunk[at]!);
        }
        if (stop === -1) return;
        if (chunk[stop] === BACKSLASH) {
          this.escaped = true;
          this.keyBytes?.push(BACKSLASH);
        } else {
          this.inString = false;
          if (this.keyBytes) this.endKey();
        }
        index = stop + 1;
        continue;
      }
      const byte = chunk[index++]!;
      if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
      switch (byte) {
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          this.itemStarts();
          this.depth++;
          if (this.depth === 1) {
            this.rootIsObject = byte === OPEN_OBJECT;
            this.expectKey = this.rootIsObject;
            if (byte === OPEN_ARRAY) this.startCounting('');
          } else if (this.depth === 2 && this.rootIsObject && byte === OPEN_ARRAY) {
            this.startCounting(this.currentKey);
          }
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (this.depth === this.countingDepth) {
            this.countingDepth = 0;
            this.counted = undefined;
          }
          if (this.depth > 0) this.depth--;
          break;
        case COMMA:
          if (this.depth === this.countingDepth) this.awaitingItem = true;
          if (this.depth === 1 && this.rootIsObject) this.expectKey = true;
          break;
        case COLON:
          if (this.depth === 1) this.expectKey = false;
          break;
        case QUOTE:
          this.inString = true;
          if (this.depth === 1 && this.rootIsObject && this.expectKey) this.keyBytes = [];
          else this.itemStarts();
          break;
        default:
          this.itemStarts(); // a number or a literal (true, false, null)
      }
    }
  }

  private startCounting(field: string): void {
    this.countingDepth = this.depth;
    this.awaitingItem = true;
    this.counted = { field, items: 0 };
  }

  /** A value starts at the current depth: one more item if it sits directly in the counted array. */
  private itemStarts(): void {
    if (!this.awaitingItem || this.depth !== this.countingDepth || !this.counted) return;
    this.awaitingItem = false;
    this.counted.items++;
    if (!this.top || this.counted.items > this.top.items) this.top = this.counted;
  }

  private endKey(): void {
    const raw = Buffer.from(this.keyBytes!).toString('utf8');
    this.keyBytes = undefined;
    try {
      this.currentKey = JSON.parse(`"${raw}"`) as string;
    } catch {
      this.currentKey = raw;
    }
  }
}
