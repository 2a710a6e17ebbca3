/**
 * One scored file the viewer shows, opened: its index, the rollouts it was scored from when given (`--input`), how
 * to read those rows (the spec's `input` section, else the default that reads Nova and plain rows) and the prompt
 * renderer when a spec is given.
 */
import { InputSpecSchema, type InputSpec, type RewardSpec } from '../spec/schema.js';
import { indexInputRows, type InputRows } from './input-rows.js';
import { PromptRenderer } from './rendered-prompts.js';
import { indexScoredFile, type ScoredIndex } from './scored-index.js';

export type SideName = 'scored' | 'before' | 'after';

export interface ViewSide {
  name: SideName;
  index: ScoredIndex;
  inputs: InputRows | null;
  inputSpec: InputSpec;
  renderer: PromptRenderer | null;
}

export interface SideFiles {
  name: SideName;
  scored: string;
  input?: string;
  /** Flag names for messages ("SCORED.jsonl", "--input", …). */
  scoredWhat: string;
  inputWhat: string;
}

export async function openSide(files: SideFiles, spec: RewardSpec | null): Promise<ViewSide> {
  const [index, inputs] = await Promise.all([
    indexScoredFile(files.scored, files.scoredWhat),
    files.input ? indexInputRows(files.input, files.inputWhat) : Promise.resolve(null),
  ]);
  return {
    name: files.name,
    index,
    inputs,
    inputSpec: spec?.input ?? InputSpecSchema.parse({}),
    renderer: spec ? new PromptRenderer(spec) : null,
  };
}
