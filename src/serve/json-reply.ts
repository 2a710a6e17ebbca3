/**
 * Big replies without a long pause: a batch's JSON is written as `prefix item,item,… suffix`, one slice of
 * rows at a time with a turn of the event loop between slices (runtime/loop-yield.ts). A reply of a few slices is
 * one string (with Content-Length, as before); a bigger one is a stream (chunked), pulled by the socket as it
 * drains, so neither the whole text nor a long JSON.stringify ever sits between two health checks. The bytes
 * are exactly JSON.stringify of the whole value.
 */
import { Readable } from 'node:stream';
import { createLoopYielder, YIELD_EVERY_ROWS } from '../runtime/loop-yield.js';

/** Items per slice of text (one `yield` of the generator). */
const ITEMS_PER_SLICE = YIELD_EVERY_ROWS;

/**
 * `prefix` + the items as a JSON array body + `suffix`, e.g. `{"results":` … `,"spec":{…}}`, or '' / ''
 * for a bare array. At most `ITEMS_PER_SLICE` items: a string; more: a Readable of slices.
 */
export function jsonArrayReply(prefix: string, items: readonly unknown[], suffix: string): string | Readable {
  if (items.length <= ITEMS_PER_SLICE) return `${prefix}${JSON.stringify(items)}${suffix}`;
  return Readable.from(jsonArraySlices(prefix, items, suffix), { objectMode: false });
}

async function* jsonArraySlices(prefix: string, items: readonly unknown[], suffix: string): AsyncGenerator<string> {
  const yielder = createLoopYielder(ITEMS_PER_SLICE);
  let text = `${prefix}[`;
  for (let index = 0; index < items.length; index++) {
    text += `${index === 0 ? '' : ','}${JSON.stringify(items[index]) ?? 'null'}`;
    const turn = yielder.afterRow();
    if (turn) {
      yield text;
      text = '';
      await turn;
    }
  }
  yield `${text}]${suffix}`;
}

/** A JSON object whose `arrayKey` member is a big array: that member first (sliced as above), then the others in order. */
export function jsonObjectReply<T extends object>(value: T, arrayKey: keyof T & string): string | Readable {
  const { [arrayKey]: items, ...rest } = value;
  const others = JSON.stringify(rest);
  return jsonArrayReply(`{${JSON.stringify(arrayKey)}:`, items as readonly unknown[], others === '{}' ? '}' : `,${others.slice(1)}`);
}
