/**
 * The one error the local judge raises when its model cannot be used: no engine, no prebuilt binary, a missing
 * file, a file that is not a GGUF, a failed download, too little memory. Its message says which model, where
 * models are kept, and how to pass a file or choose another judge, so the CLI can print it as it is (exit 5).
 */
import { RewardkitError } from '../../rewardkit-error.js';

export type LocalModelErrorKind =
  'engine_missing' | 'no_binary' | 'file_missing' | 'not_gguf' | 'download_failed' | 'out_of_memory' | 'load_failed';

const LOCAL_MODEL_ERROR = 'rewardkit.error.LocalModelError';
const LOCAL_MODEL_ERROR_SYMBOL = Symbol.for(LOCAL_MODEL_ERROR);

export class LocalModelError extends RewardkitError {
  private readonly [LOCAL_MODEL_ERROR_SYMBOL] = true;

  constructor(
    readonly kind: LocalModelErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalModelError';
  }

  static override isInstance(error: unknown): error is LocalModelError {
    return RewardkitError.hasMarker(error, LOCAL_MODEL_ERROR);
  }
}

/** The closing lines of every message: what to do instead. */
export function localModelRemedies(modelsDir: string): string {
  return [
    `models are kept in ${modelsDir} (set REWARDKIT_MODELS_DIR to use another folder)`,
    'pass a file you have with --judge local:/path/to/model.gguf (or local:hf:OWNER/REPO/FILE.gguf to download another),',
    'or choose another judge: --judge ollama:MODEL, --judge openai-compatible:MODEL --judge-base-url URL, --judge openai:MODEL',
  ].join('\n');
}
