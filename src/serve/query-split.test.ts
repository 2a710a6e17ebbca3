/**
 * OpenRLHF queries as the trainer decodes them, built in the test from the rules of each model's own Jinja chat
 * template (the `chat_template` of its tokenizer_config.json on the Hugging Face Hub):
 *   meta-llama/Llama-2-7b-chat-hf          bos + '[INST] ' + (<<SYS>>\n…\n<</SYS>>\n\n) + content.strip() + ' [/INST]';
 *                                           assistant: ' ' + content.strip() + ' ' + eos
 *   mistralai/Mistral-7B-Instruct-v0.2     bos, then ' [INST] ' + (system + '\n\n') + content + ' [/INST]'; assistant: ' ' + content + eos
 *   mistralai/Mixtral-8x7B-Instruct-v0.1   bos, then '[INST] ' + content + ' [/INST]'; assistant: content + eos
 *   meta-llama/Meta-Llama-3-8B-Instruct    bos + '<|start_header_id|>' + role + '<|end_header_id|>\n\n' + content|trim + '<|eot_id|>';
 *                                           generation prompt '<|start_header_id|>assistant<|end_header_id|>\n\n'
 *   Qwen/Qwen2.5-7B-Instruct               '<|im_start|>' + role + '\n' + content + '<|im_end|>\n' (default system "You are Qwen, created
 *                                           by Alibaba Cloud. You are a helpful assistant."); generation prompt '<|im_start|>assistant\n'
 * The legacy sentencepiece decode (Llama-2, Mistral v0.1/v0.2, Mixtral: LlamaTokenizerFast with a Prepend("▁") normalizer)
 * puts a "▁" before every text segment that follows a special token, which decodes as a space: `<s>[INST]` → `<s> [INST]`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_END_TOKENS, stripEndTokens } from './openrlhf-rows.js';
import { MIN_TAIL_CHARS, splitQuery } from './query-split.js';

type Turn = { role: 'system' | 'user' | 'assistant'; content: string };

function llama2(turns: Turn[]): string {
  const system = turns[0]?.role === 'system' ? turns[0].content : undefined;
  const loop = system === undefined ? turns : turns.slice(1);
  return loop
    .map((turn, index) => {
      const content = index === 0 && system !== undefined ? `<<SYS>>\n${system}\n<</SYS>>\n\n${turn.content}` : turn.content;
      return turn.role === 'user' ? `<s>[INST] ${content.trim()} [/INST]` : ` ${content.trim()} </s>`;
    })
    .join('');
}

function mistralV02(turns: Turn[]): string {
  const system = turns[0]?.role === 'system' ? turns[0].content : undefined;
  const loop = system === undefined ? turns : turns.slice(1);
  return `<s>${loop
    .map((turn, index) =>
      turn.role === 'user'
        ? ` [INST] ${index === 0 && system !== undefined ? `${system}\n\n` : ''}${turn.content} [/INST]`
        : ` ${turn.content}</s>`,
    )
    .join('')}`;
}

function mixtral(turns: Turn[]): string {
  return `<s>${turns.map((turn) => (turn.role === 'user' ? `[INST] ${turn.content} [/INST]` : `${turn.content}</s>`)).join('')}`;
}

function llama3(turns: Turn[]): string {
  return `<|begin_of_text|>${turns.map((turn) => `<|start_header_id|>${turn.role}<|end_header_id|>\n\n${turn.content.trim()}<|eot_id|>`).join('')}<|start_header_id|>assistant<|end_header_id|>\n\n`;
}

function qwen25(turns: Turn[]): string {
  const withSystem: Turn[] =
    turns[0]?.role === 'system'
      ? turns
      : [{ role: 'system', content: 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }, ...turns];
  return `${withSystem.map((turn) => `<|im_start|>${turn.role}\n${turn.content}<|im_end|>\n`).join('')}<|im_start|>assistant\n`;
}

/** LlamaTokenizerFast's legacy decode: a text segment right after a special token comes back with a leading space. */
function legacyDecode(text: string): string {
  return text.replace(/(<s>|<\/s>)(?=[^<])/g, '$1 ');
}

/** What OpenRLHF's reward client gets back as the response: the split, then trailing end tokens removed. */
function responseOf(query: string, prompt: string): { response: string; match: string } | undefined {
  const split = splitQuery(query, prompt);
  return split && { response: stripEndTokens(split.response, DEFAULT_END_TOKENS), match: split.match };
}

const QUESTION = 'What is the capital of France?';
const LONG_QUESTION = `Read this and answer. ${'The quick brown fox jumps over the lazy dog. '.repeat(8)}What is the capital of France?`;

describe('Llama-2 (meta-llama/Llama-2-7b-chat-hf)', () => {
  const prompt = llama2([
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: QUESTION },
  ]);

  it('the template renders as the tokenizer_config says', () => {
    expect(prompt).toBe('<s>[INST] <<SYS>>\nAnswer briefly.\n<</SYS>>\n\nWhat is the capital of France? [/INST]');
  });

  it('exact when the decode gives the prompt back', () => {
    expect(responseOf(`${prompt} Paris.</s>`, prompt)).toEqual({ response: ' Paris.', match: 'exact' });
  });

  it('legacy decode (`<s> [INST]`): split ignoring whitespace next to special tokens, the same response', () => {
    const query = `${legacyDecode(prompt)} Paris.</s>`;
    expect(query.startsWith('<s> [INST] <<SYS>>')).toBe(true);
    expect(responseOf(query, prompt)).toEqual({ response: ' Paris.', match: 'whitespace' });
  });

  it('legacy decode of a multi-turn prompt (`</s><s> [INST]`)', () => {
    const turns: Turn[] = [
      { role: 'user', content: 'Hi!' },
      { role: 'assistant', content: 'Hello! How can I help?' },
      { role: 'user', content: QUESTION },
    ];
    const multi = llama2(turns);
    expect(multi).toBe('<s>[INST] Hi! [/INST] Hello! How can I help? </s><s>[INST] What is the capital of France? [/INST]');
    expect(responseOf(`${legacyDecode(multi)} The capital of France is Paris. </s>`, multi)).toEqual({
      response: ' The capital of France is Paris.',
      match: 'whitespace',
    });
  });

  it('a left-truncated prompt, legacy-decoded', () => {
    const long = llama2([{ role: 'user', content: LONG_QUESTION }]);
    const kept = long.slice(long.indexOf('lazy dog. The quick'));
    const query = `${legacyDecode(kept)} Paris.</s>`;
    expect(responseOf(query, long)).toEqual({ response: ' Paris.', match: 'truncated' });
  });
});

describe('Mistral (mistralai/Mistral-7B-Instruct-v0.2) and Mixtral (mistralai/Mixtral-8x7B-Instruct-v0.1)', () => {
  it('Mistral v0.2: `<s> [INST]` decodes as `<s>  [INST]`; system folded into the first user turn', () => {
    const prompt = mistralV02([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: QUESTION },
    ]);
    expect(prompt).toBe('<s> [INST] Answer briefly.\n\nWhat is the capital of France? [/INST]');
    const query = `${legacyDecode(prompt)} Paris</s>`;
    expect(query.startsWith('<s>  [INST]')).toBe(true);
    expect(responseOf(query, prompt)).toEqual({ response: ' Paris', match: 'whitespace' });
  });

  it('Mixtral multi-turn: `</s>[INST]` decodes as `</s> [INST]`', () => {
    const prompt = mixtral([
      { role: 'user', content: 'Hi!' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: QUESTION },
    ]);
    expect(prompt).toBe('<s>[INST] Hi! [/INST]Hello!</s>[INST] What is the capital of France? [/INST]');
    expect(legacyDecode(prompt)).toBe('<s> [INST] Hi! [/INST]Hello!</s> [INST] What is the capital of France? [/INST]');
    expect(responseOf(`${legacyDecode(prompt)} Paris.</s>`, prompt)).toEqual({ response: ' Paris.', match: 'whitespace' });
  });
});

describe('Llama-3 (meta-llama/Meta-Llama-3-8B-Instruct)', () => {
  const prompt = llama3([
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: LONG_QUESTION },
  ]);

  it('exact', () => {
    expect(responseOf(`${prompt}The capital of France is Paris.<|eot_id|>`, prompt)).toEqual({
      response: 'The capital of France is Paris.',
      match: 'exact',
    });
  });

  it('a left-truncated prompt: the longest prompt tail the query starts with; the template\'s "\\n\\n" after the header is not kept', () => {
    const kept = prompt.slice(prompt.indexOf(' over the lazy dog. The quick brown fox'));
    expect(responseOf(`${kept}The capital of France is Paris.<|eot_id|>`, prompt)).toEqual({
      response: 'The capital of France is Paris.',
      match: 'truncated',
    });
  });

  it('a truncated query that begins mid-header still finds its tail', () => {
    const kept = prompt.slice(prompt.lastIndexOf('<|start_header_id|>user'));
    expect(responseOf(`${kept}Paris.<|eot_id|>`, prompt)).toEqual({ response: 'Paris.', match: 'truncated' });
  });
});

describe('Qwen (Qwen/Qwen2.5-7B-Instruct)', () => {
  const prompt = qwen25([{ role: 'user', content: QUESTION }]);

  it('the default system prompt is part of the template', () => {
    expect(prompt).toBe(
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('exact', () => {
    expect(responseOf(`${prompt}Paris.<|im_end|>\n<|endoftext|>`, prompt)).toEqual({ response: 'Paris.', match: 'exact' });
  });

  it('a left-truncated prompt that starts mid-word', () => {
    expect(responseOf(`${prompt.slice(prompt.indexOf('ated by Alibaba'))}Paris.<|im_end|>`, prompt)).toEqual({
      response: 'Paris.',
      match: 'truncated',
    });
  });

  it('prompts holding the bare question (not the templated text): the text after the last assistant marker', () => {
    expect(responseOf(`${prompt}Paris.<|im_end|>`, QUESTION)).toEqual({ response: 'Paris.', match: 'assistant_marker' });
  });

  it('the LAST marker wins in a multi-turn query', () => {
    const multi = qwen25([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: QUESTION },
    ]);
    expect(responseOf(`${multi}Paris.<|im_end|>`, 'a prompt that was changed before tokenizing')).toEqual({
      response: 'Paris.',
      match: 'assistant_marker',
    });
  });
});

describe('the assistant markers of other templates', () => {
  it.each([
    ['Llama-3', `${llama3([{ role: 'user', content: 'Q' }])}Paris.<|eot_id|>`],
    ['Llama-2 (legacy decode)', `${legacyDecode(llama2([{ role: 'user', content: 'Q' }]))}Paris.</s>`],
    ['Gemma', '<bos><start_of_turn>user\nQ<end_of_turn>\n<start_of_turn>model\nParis.<end_of_turn>'],
    ['Phi-3', '<|user|>\nQ<|end|>\n<|assistant|>\nParis.<|end|>'],
    ['DeepSeek', '<｜begin▁of▁sentence｜><｜User｜>Q<｜Assistant｜>Paris.<｜end▁of▁sentence｜>'],
    [
      'gpt-oss',
      '<|start|>user<|message|>Q<|end|><|start|>assistant<|channel|>analysis<|message|>think<|end|><|start|>assistant<|channel|>final<|message|>Paris.<|return|>',
    ],
  ])('%s', (_template, query) => {
    expect(responseOf(query, 'an unrelated prompt string')).toEqual({ response: 'Paris.', match: 'assistant_marker' });
  });
});

describe('no split', () => {
  it('a query with neither the prompt, a long enough tail of it, nor an assistant marker', () => {
    expect(splitQuery('Paris is the capital.', 'Q: hi\nA:')).toBeUndefined();
    const prompt = `Question: ${LONG_QUESTION}\nAnswer:`;
    // a tail shorter than MIN_TAIL_CHARS is not taken for a truncated prompt
    const shortTail = prompt.slice(-(MIN_TAIL_CHARS - 1));
    expect(splitQuery(`${shortTail} Paris.`, prompt)).toBeUndefined();
    expect(splitQuery(`${prompt.slice(-MIN_TAIL_CHARS)} Paris.`, prompt)).toEqual({ response: ' Paris.', match: 'truncated' });
  });

  it('an empty prompt (no prompts sent): the whole query is the response', () => {
    expect(splitQuery('Paris.', '')).toEqual({ response: 'Paris.', match: 'exact' });
  });
});
