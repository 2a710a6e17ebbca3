/**
 * A language model whose HTTP responses report their arrival: a call registers `onResponseArrived` under its abort
 * signal (the one per-call value the AI SDK hands its fetch), and our fetch calls it before the reply is parsed — so
 * the runtime can yield the event loop between replies (runtime/loop-yield.ts). A `languageModel` given from outside
 * has its own fetch and reports nothing.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelSpec } from '../spec/schema.js';
import { createLanguageModel } from './create-language-model.js';
import { createNodeHttpFetch } from './node-http-fetch.js';

export interface ArrivalReportingModel {
  model: LanguageModelV3;
  /** Registers the call's arrival callback (no-op without one). */
  onArrival: (signal: AbortSignal, callback: (() => Promise<void> | void) | undefined) => void;
}

export function createArrivalReportingModel(spec: ModelSpec, languageModel?: LanguageModelV3): ArrivalReportingModel {
  const arrivalCallbacks = new WeakMap<AbortSignal, () => Promise<void> | void>();
  const httpFetch = createNodeHttpFetch({ onResponseArrived: (signal) => signal && arrivalCallbacks.get(signal)?.() });
  return {
    model: languageModel ?? createLanguageModel(spec, process.env, httpFetch),
    onArrival: (signal, callback) => {
      if (callback) arrivalCallbacks.set(signal, callback);
    },
  };
}
