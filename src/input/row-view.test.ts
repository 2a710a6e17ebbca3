import { describe, expect, it } from 'vitest';
import { InputSpecSchema, type InputSpec } from '../spec/schema.js';
import { RowError } from './row-error.js';
import { createRowContext, describe as describeValue, toRowView } from './row-view.js';

const auto = InputSpecSchema.parse({});
const nova = InputSpecSchema.parse({ format: 'nova' });
const plain = InputSpecSchema.parse({ format: 'plain' });

/** Runs toRowView and returns the RowError it throws (fails the test when it does not throw one). */
function rowErrorOf(row: unknown, input: InputSpec = auto): RowError {
  try {
    toRowView(row, input, 'row-1');
  } catch (error) {
    if (RowError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected toRowView to throw a RowError');
}

describe('toRowView: Nova rows', () => {
  it('reads variant A: reference_answer and extra fields at the root', () => {
    const view = toRowView(
      {
        id: 'sample-1',
        messages: [
          { role: 'system', content: 'Be concise.' },
          { role: 'user', content: 'What is 2 + 2?' },
          { role: 'assistant', content: '4' },
        ],
        reference_answer: { answer: '4' },
        task: 'arithmetic',
        difficulty: 1,
      },
      auto,
      'row-1',
    );
    expect(view).toEqual({
      id: 'sample-1',
      prompt: 'What is 2 + 2?',
      system: 'Be concise.',
      response: '4',
      context: '',
      reference: { answer: '4' },
      metadata: { task: 'arithmetic', difficulty: 1 },
    });
  });

  it('reads variant B: reference_answer and extras under metadata', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'Capital of France?' },
          { role: 'assistant', content: 'Paris' },
        ],
        metadata: { reference_answer: 'Paris', source: 'geo-set' },
      },
      auto,
      'row-1',
    );
    expect(view.reference).toBe('Paris');
    expect(view.metadata.source).toBe('geo-set');
    expect(view.prompt).toBe('Capital of France?');
    expect(view.response).toBe('Paris');
  });

  it('prefers a root reference_answer over one under metadata and merges root extras into metadata', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
        reference_answer: 'root answer',
        metadata: { reference_answer: 'nested answer', source: 'web' },
        split: 'train',
      },
      auto,
      'row-1',
    );
    expect(view.reference).toBe('root answer');
    expect(view.metadata.source).toBe('web');
    expect(view.metadata.split).toBe('train');
  });

  it('accepts nova_assistant as the role of the last message', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'nova_assistant', content: 'Hello!' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.response).toBe('Hello!');
  });

  it('joins text parts of array content and skips non-text parts', () => {
    const view = toRowView(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe ' },
              { type: 'image', url: 'x.png' },
              { type: 'text', text: 'this.' },
            ],
          },
          { role: 'assistant', content: [{ type: 'text', text: 'A cat.' }] },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.prompt).toBe('Describe this.');
    expect(view.response).toBe('A cat.');
  });

  it('treats null content as an empty string', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: null },
          { role: 'assistant', content: 'ok' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.prompt).toBe('');
  });

  it('labels each turn with its role when the conversation has several turns before the rollout', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: 'More please' },
          { role: 'assistant', content: 'Sure' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.prompt).toBe('user: Hi\n\nassistant: Hello\n\nuser: More please');
    expect(view.response).toBe('Sure');
  });

  it('joins several system messages with a blank line', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'system', content: 'Rule one.' },
          { role: 'system', content: 'Rule two.' },
          { role: 'user', content: 'Go' },
          { role: 'assistant', content: 'Done' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.system).toBe('Rule one.\n\nRule two.');
    expect(view.prompt).toBe('Go');
  });

  it('uses the fallback id when the row has none', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
      auto,
      'line-7',
    );
    expect(view.id).toBe('line-7');
  });

  it('throws a RowError naming messages when the last message is not from the assistant', () => {
    const error = rowErrorOf({ messages: [{ role: 'user', content: 'q' }] });
    expect(error.field).toBe('messages');
    expect(error.message).toBe('messages: expected the rollout as the last message with role "assistant", got role "user"');
  });

  it('throws a RowError naming messages when a nova-format row has no messages', () => {
    const error = rowErrorOf({ reference_answer: 'x' }, nova);
    expect(error.field).toBe('messages');
    expect(error.message).toBe('messages: expected a non-empty array of chat messages, got nothing');
  });

  it('throws a RowError naming messages when the messages array is empty', () => {
    const error = rowErrorOf({ messages: [] });
    expect(error.field).toBe('messages');
    expect(error.message).toBe('messages: expected a non-empty array of chat messages, got an array of 0');
  });

  it('throws a RowError naming the role of a message with an unknown role', () => {
    const error = rowErrorOf({ messages: [{ role: 'narrator', content: 'x' }] });
    expect(error.field).toBe('messages[0].role');
    expect(error.message).toBe(
      'messages[0].role: expected one of system | user | assistant | tool | bot | developer | nova_assistant (any case), got the string "narrator"',
    );
  });

  it('throws a RowError naming the message that is not an object', () => {
    const error = rowErrorOf({ messages: ['hello', { role: 'assistant', content: 'x' }] });
    expect(error.field).toBe('messages[0]');
  });

  it('throws a RowError naming the content of a message whose content is neither text nor parts', () => {
    const error = rowErrorOf({
      messages: [
        { role: 'user', content: 5 },
        { role: 'assistant', content: 'x' },
      ],
    });
    expect(error.field).toBe('messages[0].content');
    expect(error.message).toBe('messages[0].content: expected a string or a list of text parts, got number 5');
  });

  it('throws a RowError naming metadata when metadata is not an object', () => {
    const error = rowErrorOf({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
      metadata: 'notes',
    });
    expect(error.field).toBe('metadata');
    expect(error.message).toBe('metadata: expected an object, got the string "notes"');
  });
});

describe("toRowView: roles as AWS's reward-function validator accepts them", () => {
  it('reads developer as system and bot as assistant, in any case', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'Developer', content: 'Answer in French.' },
          { role: 'SYSTEM', content: 'Be brief.' },
          { role: 'User', content: 'Capital of France?' },
          { role: 'BOT', content: 'Paris.' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view).toMatchObject({ system: 'Answer in French.\n\nBe brief.', prompt: 'Capital of France?', response: 'Paris.', context: '' });
  });

  it.each(['assistant', 'Assistant', 'ASSISTANT', 'bot', 'Bot', 'nova_assistant', 'Nova_Assistant'])(
    'takes %j as the role of the rollout',
    (role) => {
      expect(
        toRowView(
          {
            messages: [
              { role: 'user', content: 'q' },
              { role, content: 'a' },
            ],
          },
          auto,
          'row-1',
        ).response,
      ).toBe('a');
    },
  );

  it('labels earlier turns with the canonical role', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'USER', content: 'Hi' },
          { role: 'Bot', content: 'Hello' },
          { role: 'user', content: 'More' },
          { role: 'assistant', content: 'Sure' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.prompt).toBe('user: Hi\n\nassistant: Hello\n\nuser: More');
  });
});

describe('toRowView: a rollout that used tools', () => {
  // TRL's tool loop (trl/trainer/grpo_trainer.py, _tool_call_loop): assistant with tool_calls → {role: tool, name, content} → assistant
  const trlRow = {
    messages: [
      { role: 'system', content: 'Use the calculator.' },
      { role: 'user', content: 'What is 12 * 7?' },
      { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'multiply', arguments: { a: 12, b: 7 } } }] },
      { role: 'tool', name: 'multiply', content: '84' },
      { role: 'assistant', content: '12 * 7 = 84.' },
    ],
  };

  it('judges the final assistant turn; the calls and results become labelled context; the prompt is the user turn', () => {
    expect(toRowView(trlRow, auto, 'row-1')).toEqual({
      id: 'row-1',
      prompt: 'What is 12 * 7?',
      system: 'Use the calculator.',
      response: '12 * 7 = 84.',
      context: '[tool call multiply] {"a":12,"b":7}\n\n[tool result multiply] 84',
      reference: undefined,
      metadata: {},
    });
  });

  it('OpenAI shape: JSON-string arguments, tool results named through tool_call_id, text beside a call, several rounds', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city": "Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city": "Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
          { role: 'Tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'convert', arguments: '{"c": 24}' } }],
          },
          { role: 'tool', tool_call_id: 'unknown-id', content: '75°F' },
          { role: 'assistant', content: 'Paris 18°C, Rome 24°C (75°F).' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.prompt).toBe('Weather in Paris and Rome?');
    expect(view.response).toBe('Paris 18°C, Rome 24°C (75°F).');
    expect(view.context).toBe(
      [
        '[assistant] Let me check.',
        '[tool call weather] {"city": "Paris"}',
        '[tool call weather] {"city": "Rome"}',
        '[tool result weather] 18°C',
        '[tool result weather] 24°C',
        '[tool call convert] {"c": 24}',
        '[tool result tool] 75°F',
      ].join('\n\n'),
    );
  });

  it('tool turns before the last user turn stay in the prompt, as before; no context', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'Look it up' },
          { role: 'assistant', content: 'Looking', tool_calls: [{ type: 'function', function: { name: 'search', arguments: '{}' } }] },
          { role: 'tool', name: 'search', content: 'found' },
          { role: 'assistant', content: 'Found it' },
          { role: 'user', content: 'Thanks, summarise' },
          { role: 'assistant', content: 'Summary' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view.prompt).toBe('user: Look it up\n\nassistant: Looking\n\ntool: found\n\nassistant: Found it\n\nuser: Thanks, summarise');
    expect(view.context).toBe('');
  });

  it('without tool turns, assistant turns after the last user turn stay in the prompt exactly as before', () => {
    const view = toRowView(
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'draft' },
          { role: 'assistant', content: 'final' },
        ],
      },
      auto,
      'row-1',
    );
    expect(view).toMatchObject({ prompt: 'user: q\n\nassistant: draft', response: 'final', context: '' });
  });

  it('names the field of malformed tool calls', () => {
    const notList = rowErrorOf({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', tool_calls: 'multiply' },
      ],
    });
    expect(notList.message).toBe('messages[1].tool_calls: expected a list of tool calls, got the string "multiply"');
    const notObject = rowErrorOf({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', tool_calls: [5] },
      ],
    });
    expect(notObject.message).toBe('messages[1].tool_calls[0]: expected {type: "function", function: {name, arguments}}, got number 5');
  });
});

describe('toRowView: plain rows', () => {
  it('reads {prompt, response, reference} and collects the other fields as metadata', () => {
    const view = toRowView(
      { id: 'p-1', prompt: 'Q?', response: 'A.', reference: 'A', system: 'sys', metadata: { m: 1 }, extra: true },
      auto,
      'row-1',
    );
    expect(view).toEqual({
      id: 'p-1',
      prompt: 'Q?',
      system: 'sys',
      response: 'A.',
      context: '',
      reference: 'A',
      metadata: { m: 1, extra: true },
    });
  });

  it('turns a numeric id into a string', () => {
    expect(toRowView({ id: 7, response: 'r' }, auto, 'row-1').id).toBe('7');
  });

  it('uses the fallback id when there is no id', () => {
    expect(toRowView({ response: 'r' }, auto, 'line-3').id).toBe('line-3');
  });

  it('defaults a missing prompt and system to empty strings and a missing reference to undefined', () => {
    const view = toRowView({ response: 'r' }, auto, 'row-1');
    expect(view.prompt).toBe('');
    expect(view.system).toBe('');
    expect(view.reference).toBeUndefined();
    expect(view.metadata).toEqual({});
  });

  it('reads fields through the selectors the input spec names', () => {
    const input = InputSpecSchema.parse({ id: 'uid', prompt: 'data.question', response: 'data.answer', reference: 'gold' });
    const view = toRowView({ uid: 'u-9', data: { question: 'Q', answer: 'A' }, gold: 3 }, input, 'row-1');
    expect(view.id).toBe('u-9');
    expect(view.prompt).toBe('Q');
    expect(view.response).toBe('A');
    expect(view.reference).toBe(3);
  });

  it('reads a row with messages as plain when the format is plain', () => {
    const view = toRowView({ messages: [], response: 'r' }, plain, 'row-1');
    expect(view.response).toBe('r');
    expect(view.metadata).toEqual({ messages: [] });
  });

  it('throws a RowError naming the response field when it is missing', () => {
    const error = rowErrorOf({ prompt: 'p' });
    expect(error.field).toBe('response');
    expect(error.message).toBe('response: expected the response text (a string), but the field is missing');
  });

  it('names the configured response selector when that field is missing', () => {
    const input = InputSpecSchema.parse({ response: 'output.text' });
    const error = rowErrorOf({ output: {} }, input);
    expect(error.field).toBe('output.text');
  });

  it('throws a RowError when the response is not a string', () => {
    const error = rowErrorOf({ response: 5 });
    expect(error.field).toBe('response');
    expect(error.message).toBe('response: expected a string, got number 5');
  });

  it('throws a RowError when the prompt is not a string', () => {
    const error = rowErrorOf({ prompt: ['a'], response: 'r' });
    expect(error.field).toBe('prompt');
    expect(error.message).toBe('prompt: expected a string, got an array of 1');
  });

  it('throws a RowError naming id when the id is an object', () => {
    const error = rowErrorOf({ id: { a: 1 }, response: 'r' });
    expect(error.field).toBe('id');
    expect(error.message).toBe('id: expected a string, got object {"a":1}');
  });

  it.each([
    [null, 'row: expected a JSON object, got null'],
    [[1], 'row: expected a JSON object, got an array of 1'],
    ['text', 'row: expected a JSON object, got the string "text"'],
  ])('throws a RowError naming row for the non-object %j', (row, message) => {
    const error = rowErrorOf(row);
    expect(error.field).toBe('row');
    expect(error.message).toBe(message);
  });
});

describe('describe', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [[1, 2], 'an array of 2'],
    ['short', 'the string "short"'],
    [5, 'number 5'],
    [true, 'boolean true'],
    [{ a: 1 }, 'object {"a":1}'],
  ])('describes %j as %j', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('cuts strings longer than 40 characters with an ellipsis', () => {
    expect(describeValue('x'.repeat(45))).toBe(`the string "${'x'.repeat(40)}…"`);
  });
});

describe('createRowContext', () => {
  const view = (response: string) => toRowView({ response, metadata: { doc: 'contract text' } }, auto, 'row-1');

  it('selects row-view fields', () => {
    const context = createRowContext(view('hello'));
    expect(context.select('response')).toEqual(['hello']);
    expect(context.select('metadata.doc')).toEqual(['contract text']);
    expect(context.select('id')).toEqual(['row-1']);
  });

  it('selects into the response parsed as JSON through response_json', () => {
    const context = createRowContext(view('{"comments": [{"text": "one"}, {"text": "two"}]}'));
    expect(context.select('response_json.comments[*].text')).toEqual(['one', 'two']);
  });

  it('gives undefined for response_json when the response is not JSON', () => {
    const context = createRowContext(view('not json'));
    expect(context.select('response_json')).toEqual([undefined]);
    expect(context.select('response_json.a')).toEqual([]);
  });

  it('reads a fenced JSON response by default and refuses it when fences are not allowed', () => {
    const fenced = 'Here:\n```json\n{"a": 1}\n```';
    expect(createRowContext(view(fenced)).select('response_json.a')).toEqual([1]);
    expect(createRowContext(view(fenced), false).select('response_json.a')).toEqual([]);
  });

  it('returns the same parse result object on every responseJson call', () => {
    const context = createRowContext(view('{"a": 1}'));
    const first = context.responseJson();
    expect(first).toEqual({ ok: true, value: { a: 1 }, fenced: false });
    expect(context.responseJson()).toBe(first);
  });
});

describe('ids', () => {
  it('uses the fallback id for an empty-string id', () => {
    expect(toRowView({ id: '', prompt: 'q', response: 'a' }, auto, 'line-3').id).toBe('line-3');
  });
});

describe('group ids', () => {
  const chat = (extra: Record<string, unknown>) => ({
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ],
    ...extra,
  });

  it('reads group_id of a plain row as text (a number becomes its decimal text) and keeps it in metadata', () => {
    const view = toRowView({ prompt: 'q', response: 'a', group_id: 'g-1' }, auto, 'row-1');
    expect(view.groupId).toBe('g-1');
    expect(view.metadata).toEqual({ group_id: 'g-1' });
    expect(toRowView({ prompt: 'q', response: 'a', group_id: 17 }, auto, 'row-1').groupId).toBe('17');
  });

  it('reads a Nova row group_id at the root, else under metadata; the root one wins', () => {
    expect(toRowView(chat({ group_id: 'root' }), auto, 'row-1').groupId).toBe('root');
    expect(toRowView(chat({ metadata: { group_id: 'nested' } }), auto, 'row-1').groupId).toBe('nested');
    expect(toRowView(chat({ group_id: 'root', metadata: { group_id: 'nested' } }), auto, 'row-1').groupId).toBe('root');
  });

  it('reads the field input.group_id names, through a selector', () => {
    const input = InputSpecSchema.parse({ group_id: 'episode' });
    expect(toRowView({ prompt: 'q', response: 'a', episode: 'e-7', group_id: 'ignored' }, input, 'row-1').groupId).toBe('e-7');
    expect(toRowView(chat({ metadata: { episode: 3 } }), input, 'row-1').groupId).toBe('3');
    const nested = InputSpecSchema.parse({ group_id: 'info.group' });
    expect(toRowView({ prompt: 'q', response: 'a', info: { group: 'deep' } }, nested, 'row-1').groupId).toBe('deep');
  });

  it('ignores an unusable value in the default field when the spec names no group_id (rows score as before groups existed)', () => {
    for (const value of [{ a: 1 }, true, [1, 2]]) {
      const view = toRowView({ prompt: 'q', response: 'a', group_id: value }, auto, 'row-1');
      expect('groupId' in view).toBe(false);
      expect(view.response).toBe('a');
    }
  });

  it('has no group id when the field is missing, null or empty (the key is absent from the view)', () => {
    for (const row of [
      { prompt: 'q', response: 'a' },
      { prompt: 'q', response: 'a', group_id: null },
      { prompt: 'q', response: 'a', group_id: '' },
    ]) {
      const view = toRowView(row, auto, 'row-1');
      expect(view.groupId).toBeUndefined();
      expect('groupId' in view).toBe(false);
    }
  });

  it('throws a RowError naming the field when the group id the spec names is neither text nor a finite number', () => {
    const named = InputSpecSchema.parse({ group_id: 'group_id' });
    expect(rowErrorOf({ prompt: 'q', response: 'a', group_id: { a: 1 } }, named).message).toBe(
      'group_id: expected a group id (a string or a number), got object {"a":1}',
    );
    expect(rowErrorOf({ prompt: 'q', response: 'a', group_id: true }, named).field).toBe('group_id');
    const error = rowErrorOf(chat({ metadata: { episode: [1, 2] } }), InputSpecSchema.parse({ group_id: 'episode' }));
    expect(error.field).toBe('metadata.episode');
    expect(error.message).toBe('metadata.episode: expected a group id (a string or a number), got an array of 2');
  });
});
