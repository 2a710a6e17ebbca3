/**
 * The ids a dataset has used so far, and the line each was first used on — duplicate-id detection over files of
 * millions of rows in little memory, exactly. An open-addressing hash table (linear probing) in one typed array, two
 * cells per slot: a 32-bit hash of the id and where its entry starts in a byte arena. An entry is the first line (4
 * bytes), a 1–5 byte header (the id's length, and whether it is stored wide) and the id's characters: one byte each
 * when every character is below U+0100 (ids are usually ASCII), else two per UTF-16 code unit. A hash match is
 * confirmed on the characters, so a duplicate is never missed and never invented (ids with the same hash are told
 * apart; the test has such a pair).
 *
 * Memory: at most half the slots are used and the slot count is a power of two, so 16–32 bytes of table per distinct
 * id, plus its entry (5 + its length in bytes; the arena grows by doubling). 1,000,000 ids like "row-123456": a 16 MiB
 * table and a 16 MiB arena (a Map<string, number> of them held about 100 MB of heap).
 */

const INITIAL_SLOTS = 1 << 12;
const INITIAL_ARENA = 1 << 16;
/** A slot's cells: the id's hash, and its entry's offset in the arena + 1 (0 marks an empty slot). */
const HASH = 0;
const ENTRY = 1;
const CELLS = 2;

export class SeenIds {
  private slots = INITIAL_SLOTS;
  private table = new Uint32Array(INITIAL_SLOTS * CELLS);
  private arena = new Uint8Array(INITIAL_ARENA);
  private arenaUsed = 0;
  private count = 0;

  /** How many distinct ids have been seen. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table and the arena. */
  get bytes(): number {
    return this.table.byteLength + this.arena.byteLength;
  }

  /**
   * Records `id` as used on `line` (a line or row number below 2^32). Returns undefined when the id is new, else the
   * line it was first used on (a third use reports the first line too).
   */
  firstUse(id: string, line: number): number | undefined {
    const hash = idHash(id);
    const table = this.table;
    const mask = this.slots - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot * CELLS + ENTRY]!;
      if (entry === 0) {
        this.insert(slot, hash, id, line);
        return undefined;
      }
      if (table[slot * CELLS + HASH] === hash && this.holds(entry - 1, id)) return this.lineAt(entry - 1);
    }
  }

  private insert(slot: number, hash: number, id: string, line: number): void {
    const entry = this.append(id, line);
    this.table[slot * CELLS + HASH] = hash;
    this.table[slot * CELLS + ENTRY] = entry + 1;
    this.count += 1;
    if (this.count * 2 > this.slots) this.grow();
  }

  /** Writes an entry (line, header, characters) at the end of the arena; returns its offset. */
  private append(id: string, line: number): number {
    const wide = isWide(id);
    const size = 9 + id.length * (wide ? 2 : 1);
    if (this.arenaUsed + size > this.arena.length) {
      const larger = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + size));
      larger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = larger;
    }
    const arena = this.arena;
    const start = this.arenaUsed;
    let at = start;
    for (let shift = 0; shift < 32; shift += 8) arena[at++] = (line >>> shift) & 0xff;
    // header: length × 2 + (1 when wide), 7 bits per byte, low bits first, the top bit set on every byte but the last
    let header = id.length * 2 + (wide ? 1 : 0);
    while (header >= 0x80) {
      arena[at++] = (header & 0x7f) | 0x80;
      header = Math.floor(header / 0x80);
    }
    arena[at++] = header;
    for (let i = 0; i < id.length; i += 1) {
      const code = id.charCodeAt(i);
      if (wide) {
        arena[at++] = code & 0xff;
        arena[at++] = code >>> 8;
      } else arena[at++] = code;
    }
    this.arenaUsed = at;
    return start;
  }

  private lineAt(start: number): number {
    const arena = this.arena;
    return (arena[start]! | (arena[start + 1]! << 8) | (arena[start + 2]! << 16) | (arena[start + 3]! << 24)) >>> 0;
  }

  /** True when the entry at `start` is `id`. */
  private holds(start: number, id: string): boolean {
    const arena = this.arena;
    let at = start + 4;
    let header = 0;
    let scale = 1;
    for (;;) {
      const byte = arena[at++]!;
      header += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
    }
    if (header !== id.length * 2 + (isWide(id) ? 1 : 0)) return false;
    if (header % 2 === 1) {
      for (let i = 0; i < id.length; i += 1, at += 2) if ((arena[at]! | (arena[at + 1]! << 8)) !== id.charCodeAt(i)) return false;
    } else {
      for (let i = 0; i < id.length; i += 1, at += 1) if (arena[at] !== id.charCodeAt(i)) return false;
    }
    return true;
  }

  /** Doubles the slots and places every entry again by its stored hash (the arena stays as it is). */
  private grow(): void {
    const old = this.table;
    this.slots *= 2;
    const mask = this.slots - 1;
    const table = new Uint32Array(this.slots * CELLS);
    for (let from = 0; from < old.length; from += CELLS) {
      const entry = old[from + ENTRY]!;
      if (entry === 0) continue;
      const hash = old[from + HASH]!;
      let slot = hash & mask;
      while (table[slot * CELLS + ENTRY] !== 0) slot = (slot + 1) & mask;
      table[slot * CELLS + HASH] = hash;
      table[slot * CELLS + ENTRY] = entry;
    }
    this.table = table;
  }
}

/**
 * The 32-bit hash a slot is chosen by: FNV-1a over the UTF-16 code units, then murmur3's finaliser, so that the low
 * bits (the slot) depend on every character. Exported for the test that gives two ids the same hash.
 */
export function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** True when a character of the id is U+0100 or above (it is then stored as two bytes per UTF-16 code unit). */
function isWide(id: string): boolean {
  for (let i = 0; i < id.length; i += 1) if (id.charCodeAt(i) > 0xff) return true;
  return false;
}
