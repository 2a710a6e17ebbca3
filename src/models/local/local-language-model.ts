/**
 * The `local` judge model: llama.cpp inside the process (node-llama-cpp), behind the AI SDK's provider spec
 * (LanguageModelV3.doGenerate), so the runtime's scheduler, cache, deadlines, metrics and cost (0, no price)
 * apply to it unchanged. A verdict JSON Schema (responseFormat {type: 'json', schema}) becomes a grammar, made
 * grammar-safe first (grammar-safe-schema.ts), so every reply is complete JSON of the verdict's shape.
 * Sampling: the call's temperature (the spec's, 0 by default) and a fixed seed; reasoning off.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import type { ChatHistoryItem, LlamaGrammar, LlamaChatResponse } from 'node-llama-cpp';
import { grammarSafeSchema } from './grammar-safe-schema.js';
import { loadLocalModel, type LoadedLocalModel, type LocalModelOptions } from './local-model-host.js';

/** The seed of every local judge call unless the call sets one: the same prompt gives the same verdict. */
export const LOCAL_SEED = 42;
const DEFAULT_MAX_OUTPUT_TOKENS = 1024;

export interface LocalLanguageModel extends LanguageModelV3 {
  /** Loads the model now (preflight): resolves when it is ready, rejects with a LocalModelError. */
  load(): Promise<LoadedLocalModel>;
}

export function createLocalLanguageModel(model: string, options: LocalModelOptions): LocalLanguageModel {
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  const load = () => loadLocalModel(model, options);

  const grammarFor = (
    loaded: LoadedLocalModel,
    format: LanguageModelV3CallOptions['responseFormat'],
    maxTokens: number,
  ): Promise<LlamaGrammar> | undefined => {
    if (format?.type !== 'json') return undefined;
    if (!format.schema) return loaded.llama.getGrammarFor('json');
    const safe = grammarSafeSchema(format.schema as Record<string, unknown>, maxTokens).schema;
    const key = JSON.stringify(safe);
    let grammar = grammars.get(key);
    if (!grammar) {
      grammar = loaded.llama.createGrammarForJsonSchema(safe as Parameters<typeof loaded.llama.createGrammarForJsonSchema>[0]);
      grammars.set(key, grammar);
    }
    return grammar;
  };

  async function doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const loaded = await load();
    const maxTokens = options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    const grammar = await grammarFor(loaded, options.responseFormat, maxTokens);
    const history = chatHistory(options.prompt);
    const promptTokens = loaded.chatWrapper
      .generateContextState({ chatHistory: history })
      .contextText.tokenize(loaded.model.tokenizer).length;
    const sequence = await loaded.acquire(options.abortSignal);
    try {
      if (promptTokens + maxTokens > sequence.contextSize) {
        throw new Error(
          `the judge prompt (${promptTokens} tokens) plus max_tokens (${maxTokens}) does not fit the local model's context of ${sequence.contextSize} tokens ` +
            'per sequence: shorten the prompt (aggregate.max_response_chars) or lower max_tokens',
        );
      }
      const outputBefore = sequence.tokenMeter.usedOutputTokens;
      const { LlamaChat } = await import('node-llama-cpp');
      const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: loaded.chatWrapper, autoDisposeSequence: false });
      let response: LlamaChatResponse;
      try {
        response = await chat.generateResponse(history, {
          maxTokens,
          temperature: options.temperature ?? 0,
          seed: options.seed ?? LOCAL_SEED,
          ...(options.topP !== undefined ? { topP: options.topP } : {}),
          ...(options.topK !== undefined ? { topK: options.topK } : {}),
          ...(grammar ? { grammar } : {}),
          ...(options.abortSignal ? { signal: options.abortSignal } : {}),
          budgets: { thoughtTokens: 0 },
        });
      } finally {
        chat.dispose({ disposeSequence: false });
      }
      const outputTokens = sequence.tokenMeter.usedOutputTokens - outputBefore;
      return {
        content: [{ type: 'text', text: response.response }],
        finishReason: finishReason(response.metadata.stopReason),
        usage: {
          inputTokens: { total: promptTokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
        },
        response: { modelId: model, timestamp: new Date() },
        warnings: [],
      };
    } finally {
      loaded.release(sequence);
    }
  }

  return {
    specificationVersion: 'v3',
    provider: 'local',
    modelId: model,
    supportedUrls: {},
    load,
    doGenerate,
    async doStream(options) {
      const result = await doGenerate(options);
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: text },
        { type: 'text-end', id: '0' },
        { type: 'finish', finishReason: result.finishReason, usage: result.usage },
      ];
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
}

/** The AI SDK prompt as node-llama-cpp chat history, ending with the model turn to generate. */
export function chatHistory(prompt: LanguageModelV3Prompt): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const message of prompt) {
    if (message.role === 'system') history.push({ type: 'system', text: message.content });
    else if (message.role === 'user')
      history.push({ type: 'user', text: message.content.map((part) => (part.type === 'text' ? part.text : '')).join('') });
    else if (message.role === 'assistant')
      history.push({ type: 'model', response: [message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')] });
  }
  history.push({ type: 'model', response: [] });
  return history;
}

function finishReason(stopReason: LlamaChatResponse['metadata']['stopReason']): LanguageModelV3FinishReason {
  const unified = stopReason === 'maxTokens' ? 'length' : stopReason === 'abort' ? 'other' : 'stop';
  return { unified, raw: stopReason };
}
