/** Judge cost from token usage and a model's price (USD per million tokens), and the --prices table. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { TokenUsage } from '../result.js';
import { modelKey } from './judge-model.js';
import type { ModelSpec, RewardSpec } from '../spec/schema.js';

export interface Price {
  input_per_mtok: number;
  output_per_mtok: number;
}

export function costOf(usage: TokenUsage, price: Price): number {
  return (usage.input_tokens * price.input_per_mtok + usage.output_tokens * price.output_per_mtok) / 1_000_000;
}

const PriceTableSchema = z.record(
  z.string().min(1),
  z.strictObject({ input_per_mtok: z.number().min(0), output_per_mtok: z.number().min(0) }),
);
export type PriceTable = z.output<typeof PriceTableSchema>;

/** Reads a YAML/JSON map of "provider:model" (or just "model") → {input_per_mtok, output_per_mtok}. */
export function loadPriceTable(path: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--prices ${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`--prices ${path}: not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `--prices ${path}: ${issue.path.join('.') || '(file)'}: ${issue.message.replace(/^Invalid input: /, '')} (expected "provider:model": {input_per_mtok, output_per_mtok})`,
    );
  }
  return parsed.data;
}

/** Fills in `price` on every judge model the table names (a price already in the spec wins). */
export function applyPrices(spec: RewardSpec, table: PriceTable | undefined): RewardSpec {
  if (!table) return spec;
  const priced = (model: ModelSpec | undefined): ModelSpec | undefined => {
    if (!model || model.price) return model;
    const price = table[modelKey(model)] ?? table[`${model.provider}:${model.model}`] ?? table[model.model];
    return price ? { ...model, price } : model;
  };
  return {
    ...spec,
    judge_model: priced(spec.judge_model),
    judges: spec.judges.map((judge) =>
      judge.type === 'panel' && judge.members
        ? { ...judge, members: judge.members.map((member) => ({ model: priced(member.model)! })) }
        : judge.model
          ? { ...judge, model: priced(judge.model) }
          : judge,
    ),
  };
}
