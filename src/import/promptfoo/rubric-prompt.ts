/**
 * promptfoo's `rubricPrompt` override (an assertion's, or options.rubricPrompt) as a rewardkit judge template file:
 * the user's own messages, kept word for word, with promptfoo's template variables renamed to rewardkit's. Accepted
 * forms: a chat message list (YAML list or JSON text) of an optional system message and one user message, or plain
 * text (promptfoo sends it as one user message). Any other nunjucks syntax (filters, tags, loops) is a problem.
 */
import { stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import type { JudgeType } from './assertion-types.js';

/** The types whose rubricPrompt is one prompt (g-eval's is a pair, {steps, evaluate}: not imported). */
export type SinglePromptJudgeType = Exclude<JudgeType, 'g-eval'>;

/** promptfoo's grading variables per assertion type → the rewardkit template variable that holds the same text. */
const VARIABLES: Record<SinglePromptJudgeType, Record<string, string>> = {
  'llm-rubric': { output: 'response', rubric: 'instructions' },
  factuality: { input: 'prompt', ideal: 'reference', completion: 'response' },
  'model-graded-closedqa': { input: 'prompt', criteria: 'instructions', completion: 'response' },
};

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

export type RubricPromptTemplate = { ok: true; content: string } | { ok: false; message: string };

/**
 * The template file for `rubricPrompt` (already read from a file:// reference when it was one). `fieldOfVar` maps a
 * test var to its row field; `origin` names where the prompt came from (for the file's header comment).
 */
export function templateOfRubricPrompt(
  rubricPrompt: unknown,
  type: SinglePromptJudgeType,
  version: string,
  origin: string,
  fieldOfVar: (name: string) => string,
): RubricPromptTemplate {
  const messages = messagesOf(rubricPrompt);
  if (typeof messages === 'string') return { ok: false, message: messages };
  const system = messages.filter((message) => message.role === 'system');
  const user = messages.filter((message) => message.role === 'user');
  const shapeOk =
    system.length <= 1 && user.length === 1 && messages.at(-1)!.role === 'user' && system.length + user.length === messages.length;
  if (!shapeOk) {
    return {
      ok: false,
      message: `not supported: a rubricPrompt of roles ${messages.map((message) => message.role).join(', ')}; expected an optional system message and one user message, last`,
    };
  }
  const renamed: string[] = [];
  for (const text of [system[0]?.content ?? '', user[0]!.content]) {
    const stripped = text.replace(VARIABLE, '');
    if (/\{\{|\{%|\{#/.test(stripped)) {
      return {
        ok: false,
        message: 'not supported: nunjucks syntax other than {{ variable }} (filters, tags, loops) in the rubricPrompt',
      };
    }
    renamed.push(text.replace(VARIABLE, (_whole, name: string) => `{{${VARIABLES[type][name] ?? fieldOfVar(name)}}}`));
  }
  const header = `# Judge template imported from promptfoo's rubricPrompt (${origin}); the prompt text is the config's own.\n`;
  return { ok: true, content: header + stringifyYaml({ version, system: renamed[0], user: renamed[1] }, { lineWidth: 0 }) };
}

function messagesOf(rubricPrompt: unknown): Array<{ role: string; content: string }> | string {
  let value = rubricPrompt;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!trimmed.startsWith('[')) return [{ role: 'user', content: value }];
    try {
      value = JSON.parse(trimmed) as unknown;
    } catch (error) {
      return `expected a rubricPrompt: text, or a JSON list of chat messages (${(error as Error).message})`;
    }
  }
  const parsed = MessagesSchema.safeParse(value);
  if (!parsed.success) return 'expected a rubricPrompt: text, or a list of chat messages {role, content} with text content';
  return parsed.data.map((message) => ({ role: message.role, content: message.content }));
}

const MessagesSchema = z.array(z.looseObject({ role: z.string(), content: z.string() })).min(1);
