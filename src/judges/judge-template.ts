/**
 * Judge prompt templates are data (YAML files with `version`, `system`, `user`, read by spec/judge-template-file.ts),
 * not strings in code. This module finds the built-in ones, lists their {{variables}}, and renders them: trusted
 * variables (from the spec) go in as they are, untrusted ones (from the row) are fenced.
 */
import { join } from 'node:path';
import { builtinTemplatesDir } from '../spec/builtin-templates.js';
import type { JudgeTemplate } from '../spec/judge-template-file.js';
import { DEFAULT_FENCE_SECRET, FENCE_NONCE_VARIABLE, fenceNonce, fenceUntrusted } from './fence.js';

export const BUILTIN_TEMPLATES = {
  'rubric-criteria': 'rubric-criteria.yaml',
  'rubric-dimensions': 'rubric-dimensions.yaml',
  preference: 'preference.yaml',
  group: 'group.yaml',
  // verdicts written as text (verdict-format.ts): MT-Bench (FastChat) and Arena-Hard, paraphrased
  'mt-bench-single': 'mt-bench-single.yaml',
  'mt-bench-pairwise': 'mt-bench-pairwise.yaml',
  'arena-hard': 'arena-hard.yaml',
  // promptfoo's model-graded assertions, paraphrased (`rewardkit import promptfoo`: src/import/promptfoo/)
  'promptfoo-llm-rubric': 'promptfoo-llm-rubric.yaml',
  'promptfoo-g-eval': 'promptfoo-g-eval.yaml',
  'promptfoo-factuality': 'promptfoo-factuality.yaml',
  'promptfoo-closedqa': 'promptfoo-closedqa.yaml',
} as const;

/** Where the built-in templates are (the spec layer owns it: a spec may name a built-in template, spec/builtin-templates.ts). */
export { builtinTemplatesDir };

export function builtinTemplatePath(name: keyof typeof BUILTIN_TEMPLATES): string {
  return join(builtinTemplatesDir(), BUILTIN_TEMPLATES[name]);
}

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
/** `{{#name}} … {{/name}}`: the block is kept only when the variable has a non-blank value. */
const SECTION = /\{\{#\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}([\s\S]*?)\{\{\/\s*\1\s*\}\}/g;

export function templateVariables(template: JudgeTemplate): string[] {
  const names = new Set<string>();
  for (const text of [template.system, template.user]) {
    for (const match of text.matchAll(VARIABLE)) names.add(match[1]!);
    for (const match of text.matchAll(SECTION)) names.add(match[1]!);
  }
  return [...names];
}

/** True when the template shows `{{name}}` outside a `{{#name}} … {{/name}}` section: it needs a value to make sense. */
export function requiresVariable(template: JudgeTemplate, name: string): boolean {
  return [template.system, template.user].some((text) =>
    [...text.replace(SECTION, (whole, section: string) => (section === name ? '' : whole)).matchAll(VARIABLE)].some(
      (match) => match[1] === name,
    ),
  );
}

/** Throws when the template uses a variable that is neither trusted nor an untrusted root we know. */
export function assertKnownVariables(template: JudgeTemplate, givenTrusted: readonly string[], untrustedRoots: readonly string[]): void {
  const trusted = [...givenTrusted, FENCE_NONCE_VARIABLE];
  const unknown = templateVariables(template).filter((name) => !trusted.includes(name) && !untrustedRoots.includes(name.split('.')[0]!));
  if (unknown.length > 0) {
    throw new Error(
      `template ${template.path} uses unknown variable(s) ${unknown.map((name) => `{{${name}}}`).join(', ')}; expected one of ${[...trusted, ...untrustedRoots.map((root) => (root === 'metadata' ? 'metadata.FIELD' : root))].map((name) => `{{${name}}}`).join(', ')}`,
    );
  }
}

export interface RenderedPrompt {
  system: string;
  user: string;
}

/**
 * `untrusted(name)` returns the row text for a variable (or undefined → "(empty)"). Row text is fenced with the
 * prompt's nonce (see fence.ts), which the template may show the judge as `{{fence_nonce}}`.
 */
export function renderTemplate(
  template: JudgeTemplate,
  givenTrusted: Record<string, string>,
  untrusted: (name: string) => string | undefined,
  fenceSecret: string = DEFAULT_FENCE_SECRET,
): RenderedPrompt {
  // a blank tool context (`context`, rows without tool turns) is not rendered: it stays out of the nonce, so those rows
  // render — and cache — exactly as with a template that has no context section
  const rowNames = templateVariables(template).filter(
    (name) => !(name in givenTrusted) && name !== FENCE_NONCE_VARIABLE && !(name === 'context' && (untrusted(name) ?? '').trim() === ''),
  );
  // The nonce is the row's, not the item's: `item` is a part of the response, so the response stands for it. Every
  // prompt of one row (a `foreach` judge's items) then shares the text before the item — the contract, the
  // guidelines, the instructions — which a local judge's KV cache or a provider's prompt cache can reuse.
  const nonceNames = [...new Set(rowNames.map((name) => (name === 'item' && (untrusted(name) ?? '').trim() !== '' ? 'response' : name)))];
  const nonce = fenceNonce(
    fenceSecret,
    nonceNames.map((name) => [name, untrusted(name) ?? ''] as const),
  );
  const trusted: Record<string, string> = { ...givenTrusted, [FENCE_NONCE_VARIABLE]: nonce };
  const present = (name: string) => (name in trusted ? trusted[name]! : (untrusted(name) ?? '')).trim() !== '';
  const fill = (text: string) =>
    text
      .replace(SECTION, (_whole, name: string, body: string) => (present(name) ? body : ''))
      .replace(VARIABLE, (_whole, name: string) => (name in trusted ? trusted[name]! : fenceUntrusted(name, untrusted(name) ?? '', nonce)))
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  return { system: fill(template.system), user: fill(template.user) };
}
