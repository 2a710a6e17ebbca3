import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonArrayReply, jsonObjectReply } from './json-reply.js';

async function text(reply: string | Readable): Promise<string> {
  if (typeof reply === 'string') return reply;
  let all = '';
  for await (const chunk of reply) all += String(chunk);
  return all;
}

describe('JSON replies in slices', () => {
  const items = Array.from({ length: 1234 }, (_unused, index) => ({
    id: `r${index}`,
    reward: index % 3 === 0 ? null : index / 7,
    note: 'quote " and \u2028',
  }));

  it('a small reply is one string; a big one a stream of slices with the same bytes as JSON.stringify', async () => {
    expect(jsonArrayReply('', items.slice(0, 100), '')).toBe(JSON.stringify(items.slice(0, 100)));
    const streamed = jsonArrayReply('', items, '');
    expect(typeof streamed).not.toBe('string');
    expect(await text(streamed)).toBe(JSON.stringify(items));
  });

  it('an object with a big array: that member first, then the others in order', async () => {
    const value = { results: items, spec: { name: 'qa', range: [0, 1] }, version: '1' };
    expect(JSON.parse(await text(jsonObjectReply(value, 'results')))).toEqual(value);
    expect(await text(jsonObjectReply(value, 'results'))).toBe(JSON.stringify(value));
    expect(await text(jsonObjectReply({ results: [] }, 'results'))).toBe('{"results":[]}');
  });
});
