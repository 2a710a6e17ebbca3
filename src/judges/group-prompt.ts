/**
 * The group judge's prompt: the template's `{{rollouts}}` becomes one "## Rollout X" section per slot, each holding
 * the untrusted variable `rollout_x`, and the unchanged `renderTemplate` fences every rollout in its own section
 * (`<<<BEGIN ROLLOUT_A nonce>>>`) under one nonce over all rollouts and the shared text, so the fence rules apply to
 * each. Also owns the trusted texts of a call: the scale, the labels and the output format.
 */
import type { RowContext, RowView } from '../input/row-view.js';
import type { JudgeTemplate } from '../spec/judge-template-file.js';
import { rowVariables } from './judge.js';
import { renderTemplate, type RenderedPrompt } from './judge-template.js';

export const ROLLOUT_LABELS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
/** The row variables a group template may show besides `{{rollouts}}` (the response and context are per rollout). */
export const GROUP_ROW_VARIABLES = ['prompt', 'system', 'reference', 'metadata', 'rollouts'] as const;
const ROLLOUTS = /\{\{\s*rollouts\s*\}\}/g;

/** The labels of a call with `count` slots: A, B, … */
export function labelsFor(count: number): string[] {
  return ROLLOUT_LABELS.slice(0, count);
}

/** The template with `{{rollouts}}` replaced by one section per label. */
export function expandRollouts(template: JudgeTemplate, labels: readonly string[]): JudgeTemplate {
  const sections = labels.map((label) => `## Rollout ${label}\n{{${rolloutVariable(label)}}}`).join('\n\n');
  const expand = (text: string) => text.replace(ROLLOUTS, () => sections);
  return { ...template, system: expand(template.system), user: expand(template.user) };
}

/** The untrusted variable (and fence section) of a slot: `rollout_a` → `<<<BEGIN ROLLOUT_A …>>>`. */
export function rolloutVariable(label: string): string {
  return `rollout_${label.toLowerCase()}`;
}

/**
 * What the judge reads of one rollout: its final answer, after its tool turns when it used tools; each part cut at
 * `maxResponseChars` as for the other judges.
 */
export function rolloutText(view: RowView, maxResponseChars: number): string {
  const cut = (text: string) => (text.length > maxResponseChars ? `${text.slice(0, maxResponseChars)}\n[… cut for judging]` : text);
  return view.context.trim() === '' ? cut(view.response) : `[tool turns]\n${cut(view.context)}\n\n[final answer]\n${cut(view.response)}`;
}

/** "an integer from 0 (worst) to 10 (best)". */
function scaleText(scale: readonly [number, number]): string {
  return `an integer from ${scale[0]} (worst) to ${scale[1]} (best)`;
}

function groupOutputFormat(labels: readonly string[], scale: readonly [number, number]): string {
  const score = `<an integer from ${scale[0]} to ${scale[1]}>`;
  return JSON.stringify({ rollouts: Object.fromEntries(labels.map((label) => [label, { rationale: '…', score }])) }, null, 2);
}

export interface GroupPromptInput {
  template: JudgeTemplate;
  /** instructions and criteria (trusted, from the spec). */
  trusted: { instructions: string; criteria: string };
  scale: readonly [number, number];
  /** The member whose shared text (system, prompt, reference, metadata) the prompt shows: all members share it. */
  shared: RowContext;
  /** The rollout texts in slot order (slot 0 is label A). */
  rollouts: readonly string[];
  maxResponseChars: number;
  fenceSecret?: string;
}

/** Renders one call of the group judge. */
export function renderGroupPrompt(input: GroupPromptInput): RenderedPrompt {
  const labels = labelsFor(input.rollouts.length);
  const trusted = {
    ...input.trusted,
    scale: scaleText(input.scale),
    count: String(labels.length),
    labels: labels.join(', '),
    output_format: groupOutputFormat(labels, input.scale),
  };
  const rollouts = Object.fromEntries(labels.map((label, slot) => [rolloutVariable(label), input.rollouts[slot]!]));
  return renderTemplate(
    expandRollouts(input.template, labels),
    trusted,
    rowVariables(input.shared, input.maxResponseChars, rollouts),
    input.fenceSecret,
  );
}

/** The trusted variables a group template may show (`{{fence_nonce}}` too, added by assertKnownVariables). */
export const GROUP_TRUSTED_VARIABLES = ['instructions', 'criteria', 'scale', 'count', 'labels', 'output_format'] as const;
