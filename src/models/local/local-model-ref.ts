/**
 * What the `model` of a `local` judge names, and where model files live.
 * - `default` (what `--judge local` sets): DEFAULT_LOCAL_MODEL, fetched on first use;
 * - `hf:OWNER/REPO/FILE.gguf` or `hf:OWNER/REPO:QUANT` (node-llama-cpp's model URIs): fetched from Hugging Face;
 * - anything else: a GGUF file path (relative paths are taken from the working directory, then the models folder).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_LOCAL_MODEL_NAME } from '../../spec/judge-override.js';

/**
 * The default judge model: Qwen3-1.7B (Apache-2.0) at Q4_K_M, from unsloth's GGUF conversion (the official
 * Qwen/Qwen3-1.7B-GGUF repository has no Q4_K_M file). Why this one: its licence puts no conditions on use
 * (Llama 3.2's community licence does), it follows instructions and JSON better than the 1 B class, and at
 * 1.7 B parameters in 4 bits it runs on two CPU cores, where the 3 B class is markedly slower.
 */
export const DEFAULT_LOCAL_MODEL = 'hf:unsloth/Qwen3-1.7B-GGUF/Qwen3-1.7B-Q4_K_M.gguf';

export { DEFAULT_LOCAL_MODEL_NAME };

export type LocalModelRef = { kind: 'hf'; uri: string } | { kind: 'file'; path: string };

export function parseLocalModelRef(model: string): LocalModelRef {
  const name = model.trim() === DEFAULT_LOCAL_MODEL_NAME ? DEFAULT_LOCAL_MODEL : model.trim();
  if (/^hf:/i.test(name) || /^https?:\/\//i.test(name)) return { kind: 'hf', uri: name };
  return { kind: 'file', path: name };
}

/** REWARDKIT_MODELS_DIR, else ~/.cache/rewardkit/models (XDG_CACHE_HOME respected). */
export function localModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REWARDKIT_MODELS_DIR) return resolve(env.REWARDKIT_MODELS_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'rewardkit', 'models');
}

/** Readable name of a ref for messages. */
export function describeLocalModel(model: string): string {
  const ref = parseLocalModelRef(model);
  const shown = ref.kind === 'hf' ? ref.uri : ref.path;
  return model.trim() === DEFAULT_LOCAL_MODEL_NAME ? `the default local model (${shown})` : shown;
}
