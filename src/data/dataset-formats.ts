/**
 * The dataset formats rewardkit reads and writes, and the file kind each lives in.
 *   nova     Amazon Nova RFT JSONL rows: {id?, messages, reference_answer?, tools?, …extras}
 *   openai   OpenAI RFT JSONL rows: {messages (last one from the user), tools?, …fields the graders read}
 *   chat     chat JSONL rows ({messages}); a final assistant turn is the reference answer (SFT data → RFT prompts)
 *   hf-jsonl Hugging Face style JSONL records: a prompt field (text or messages) and columns
 *   csv      the same as hf-jsonl, one record per CSV row (header row = field names)
 *   parquet  verl's layout when the file has it (prompt list + reward_model), else records as hf-jsonl
 *   verl     verl RL parquet: data_source, prompt, ability, reward_model {style, ground_truth}, extra_info
 *   trl      TRL prompt-only conversational JSONL: {prompt: [messages], …columns the reward functions get}
 */
export const SOURCE_FORMATS = ['nova', 'openai', 'chat', 'hf-jsonl', 'csv', 'parquet'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const TARGET_FORMATS = ['nova', 'openai', 'verl', 'trl'] as const;
export type TargetFormat = (typeof TARGET_FORMATS)[number];

export const VALIDATE_FORMATS = ['nova', 'openai', 'verl', 'auto'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export type FileKind = 'jsonl' | 'csv' | 'parquet';

/** The file kind a path's extension names: .parquet, .csv, anything else JSONL. */
export function fileKindOf(path: string): FileKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv')) return 'csv';
  return 'jsonl';
}

/** The file kind a source format is read from. */
export function sourceFileKind(format: SourceFormat): FileKind {
  return format === 'csv' ? 'csv' : format === 'parquet' ? 'parquet' : 'jsonl';
}
