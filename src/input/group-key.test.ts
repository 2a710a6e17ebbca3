/**
 * groupKeyOf: rows of one GRPO group share a key — the same group_id, else the same system prompt and conversation
 * before the rollout. A rollout's own tool turns (its context) and its answer do not split a group.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../spec/load-spec.js';
import { InputSpecSchema } from '../spec/schema.js';
import { specHash } from '../spec/spec-hash.js';
import { groupKeyOf } from './group-key.js';
import { toRowView } from './row-view.js';

const auto = InputSpecSchema.parse({});
const keyOf = (row: unknown, input = auto) => groupKeyOf(toRowView(row, input, 'row-1'));
const chat = (answer: string, before: unknown[] = [{ role: 'user', content: 'Question 1?' }], extra: Record<string, unknown> = {}) => ({
  messages: [...before, { role: 'assistant', content: answer }],
  ...extra,
});

describe('groupKeyOf', () => {
  it('is the sha256 of the JSON [group id or "", system, prompt] (checked with sha256sum)', () => {
    expect(keyOf({ prompt: 'q', response: 'a' })).toBe('d89e1407bfe651a7e8f410d29af2a310b944f74ac9acf8c4b6870a2e8e9af7dd');
    expect(keyOf({ prompt: 'q', response: 'a', group_id: 'g' })).toBe('e31da3a3ef462861bd8cd0ade6254d8edb90395da5d968286402923fbe1dfc1a');
  });

  it('groups plain rows by identical prompt and system, whatever their responses, ids and references', () => {
    const key = keyOf({ id: 'a', prompt: 'q', response: 'one', reference: 'r1' });
    expect(keyOf({ id: 'b', prompt: 'q', response: 'two', reference: 'r2' })).toBe(key);
    expect(keyOf({ id: 'c', prompt: 'q?', response: 'one' })).not.toBe(key);
    expect(keyOf({ id: 'd', prompt: 'q', system: 'Be brief.', response: 'one' })).not.toBe(key);
  });

  it('splits same-prompt rows by group_id, and by the field input.group_id names', () => {
    expect(keyOf({ prompt: 'q', response: 'a', group_id: 1 })).not.toBe(keyOf({ prompt: 'q', response: 'a', group_id: 2 }));
    expect(keyOf({ prompt: 'q', response: 'a', group_id: 1 })).toBe(keyOf({ prompt: 'q', response: 'b', group_id: '1' }));
    const episode = InputSpecSchema.parse({ group_id: 'episode' });
    const first = keyOf({ prompt: 'q', response: 'a', episode: 'e1', group_id: 'same' }, episode);
    expect(keyOf({ prompt: 'q', response: 'b', episode: 'e2', group_id: 'same' }, episode)).not.toBe(first);
    expect(keyOf({ prompt: 'q', response: 'c', episode: 'e1', group_id: 'other' }, episode)).toBe(first);
  });

  it('groups Nova rows by messages[:-1]: another system message or user turn is another group', () => {
    const key = keyOf(chat('4'));
    expect(keyOf(chat('5', undefined, { id: 'other', reference_answer: 'x' }))).toBe(key);
    expect(keyOf(chat('4', [{ role: 'user', content: 'Question 2?' }]))).not.toBe(key);
    expect(
      keyOf(
        chat('4', [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Question 1?' },
        ]),
      ),
    ).not.toBe(key);
    expect(keyOf(chat('4', undefined, { metadata: { group_id: 'g' } }))).not.toBe(key);
  });

  it('does not split a group by the rollouts’ own tool turns (their context)', () => {
    const toolTurns = (city: string, temperature: string) => [
      { role: 'user', content: 'Weather in the capital?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: `{"city":"${city}"}` } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: temperature },
    ];
    const first = toRowView(chat('It is 20 °C.', toolTurns('Paris', '20')), auto, 'row-1');
    const second = toRowView(chat('It is 12 °C.', toolTurns('Berlin', '12')), auto, 'row-2');
    expect(first.context).not.toBe(second.context);
    expect(groupKeyOf(first)).toBe(groupKeyOf(second));
    expect(groupKeyOf(first)).toBe(keyOf(chat('No tools used.', [{ role: 'user', content: 'Weather in the capital?' }])));
  });
});

describe('the optional input.group_id', () => {
  it('leaves the spec_hash of an existing spec unchanged (no default is added)', () => {
    const model = { provider: 'openai-compatible' as const, model: 'fake', base_url: 'http://127.0.0.1:1/v1' };
    const { spec } = loadSpec(resolve('examples/contract-review/spec.yaml'), { defaultJudgeModel: model });
    expect(spec.input).not.toHaveProperty('group_id');
    expect(specHash(spec)).toBe('a3be8723bbdd69cf317a134ff9ef7e8724c95f4de51a6b73c56acad6e20471f4');
  });
});
