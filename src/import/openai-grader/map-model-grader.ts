/**
 * OpenAI `score_model` and `label_model` → a rewardkit rubric judge with an imported template (written beside the spec)
 * built from the grader's `input` messages, on the grader's model (`{provider: openai, model}`).
 *
 * - Messages: at most one system (or developer) message, then one user message — what a rewardkit judge sends; text
 *   content only (a string or one input_text part). Their {{item.*}} / {{sample.*}} variables become rewardkit's row
 *   variables (template-variables.ts), fenced as untrusted data like every judge prompt's row values.
 * - score_model: the reply is asked for OpenAI's own grader output object {"steps": […], "result": N} and read by
 *   `verdict: {format: regex}` on "result", scaled by the grader's `range` (default [0, 1]); `pass_threshold` (in range
 *   units) becomes the component's, normalised to [0, 1]; sampling_params → the model spec (temperature, top_p, seed,
 *   reasoning_effort; max_completions_tokens → max_tokens).
 * - label_model: `verdict: {format: choice}` over `labels`, scoring 1 for a passing label and 0 for the others, with
 *   `pass_threshold: 1` (the component passes when the label passes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { builtinTemplatesDir } from '../../judges/judge-template.js';
import { ModelSpecSchema } from '../../spec/schema.js';
import { round6 } from '../../round6.js';
import type { GraderMessage, LabelModelGrader, SamplingParams, ScoreModelGrader } from './grader-schema.js';
import type { GraderPath } from './import-problems.js';
import { type MapContext, type MappedComponent } from './mapped-component.js';
import { templatePieces, templateVariableFor } from './template-variables.js';

/** The reply's "result" number (optionally quoted), as the regex verdict reads it. */
export const SCORE_RESULT_PATTERN = String.raw`"result"\s*:\s*"?(?<verdict>-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)`;

const ImportTextsSchema = z.strictObject({ fence_notice: z.string(), score_format: z.string(), label_format: z.string() });
type ImportTexts = z.output<typeof ImportTextsSchema>;
let texts: ImportTexts | undefined;

/** The fixed texts an imported template adds (templates/import/openai-model-grader.yaml: data, not code). */
function importTexts(): ImportTexts {
  texts ??= ImportTextsSchema.parse(parseYaml(readFileSync(join(builtinTemplatesDir(), 'import', 'openai-model-grader.yaml'), 'utf8')));
  return texts;
}

export function mapScoreModel(grader: ScoreModelGrader, context: MapContext): MappedComponent | undefined {
  const { path, problems, name } = context;
  const range: [number, number] = grader.range ? [grader.range[0], grader.range[1]] : [0, 1];
  const [low, high] = range;
  let passThreshold: number | undefined;
  if (grader.pass_threshold !== undefined && grader.pass_threshold !== null) {
    if (grader.pass_threshold < low || grader.pass_threshold > high) {
      problems.add([...path, 'pass_threshold'], `expected a threshold inside the grader's range [${low}, ${high}]`, grader.pass_threshold);
    } else passThreshold = round6((grader.pass_threshold - low) / (high - low));
  }
  const format = importTexts().score_format.replaceAll('{{low}}', String(low)).replaceAll('{{high}}', String(high));
  const template = writeTemplate(grader, format, context);
  const model = judgeModel(grader.model, grader.sampling_params ?? undefined, context);
  if (!template || !model) return undefined;
  problems.note(
    `${name} (score_model): the judge is asked for OpenAI's grader output object {"steps": […], "result": N} and its "result" is read as the score on [${low}, ${high}]; ` +
      `a reply without a number there is a parse error and a number outside [${low}, ${high}] is out_of_scale (both judge errors, handled by aggregate.on_judge_error), where OpenAI scores 0 and clips to the range.`,
  );
  return {
    section: 'judges',
    component: {
      type: 'rubric',
      name,
      model,
      template,
      verdict: { format: 'regex', pattern: SCORE_RESULT_PATTERN, scale: [low, high] },
      ...(passThreshold === undefined ? {} : { pass_threshold: passThreshold }),
    },
    range,
  };
}

export function mapLabelModel(grader: LabelModelGrader, context: MapContext): MappedComponent | undefined {
  const { path, problems, name } = context;
  let valid = true;
  const seen = new Set<string>();
  grader.labels.forEach((label, index) => {
    if (seen.has(label)) {
      problems.add([...path, 'labels', index], 'duplicate label', label);
      valid = false;
    }
    seen.add(label);
  });
  grader.passing_labels.forEach((label, index) => {
    if (!seen.has(label)) {
      problems.add([...path, 'passing_labels', index], `expected one of the labels (${[...seen].join(', ')})`, label);
      valid = false;
    }
  });
  const template = writeTemplate(grader, importTexts().label_format, context);
  const model = judgeModel(grader.model, undefined, context);
  if (!template || !model || !valid) return undefined;
  const choices = Object.fromEntries(grader.labels.map((label) => [label, grader.passing_labels.includes(label) ? 1 : 0]));
  problems.note(
    `${name} (label_model): the judge writes its label on the last line of its reply (verdict format choice); a passing label (${grader.passing_labels.join(', ')}) scores 1, any other 0, and ${name}_pass says whether it passed.`,
  );
  return {
    section: 'judges',
    component: { type: 'rubric', name, model, template, verdict: { format: 'choice', choices }, pass_threshold: 1 },
    range: [0, 1],
  };
}

/** Writes the grader's messages as a judge template file; returns its path relative to the spec. */
function writeTemplate(grader: ScoreModelGrader | LabelModelGrader, format: string, context: MapContext): string | undefined {
  const { path, problems, name } = context;
  const messages = grader.input;
  const roles = messages.map((message) => message.role);
  const systemFirst = roles[0] === 'system' || roles[0] === 'developer';
  if (!(roles.length === 1 && roles[0] === 'user') && !(roles.length === 2 && systemFirst && roles[1] === 'user')) {
    problems.add(
      [...path, 'input'],
      `expected at most one system (or developer) message followed by one user message — what a rewardkit judge sends; got roles ${roles.join(', ')}`,
    );
    return undefined;
  }
  const converted = messages.map((message, index) => messageText(message, [...path, 'input', index], context));
  if (converted.some((text) => text === undefined)) return undefined;
  const [system, user] = converted.length === 2 ? converted : ['', converted[0]];
  if (roles[0] === 'developer') problems.note(`${name}: the developer message is sent as the judge's system message.`);
  problems.note(
    `${name}: the row values its messages show are fenced as untrusted data, as in every rewardkit judge prompt (non-text values as indented JSON), and its system message gains a paragraph saying what the fence markers mean.`,
  );
  const document = new Document({
    version: `openai-${grader.type}-${name}@1`,
    system: [system, importTexts().fence_notice].filter((part) => part !== '').join('\n\n'),
    user: `${user}\n\n${format}`,
  });
  document.commentBefore =
    ` Judge template imported by "rewardkit import openai-grader" from the OpenAI ${grader.type} grader "${grader.name}" (${context.problems.file}).\n` +
    ' Its messages, with {{item.*}} / {{sample.*}} written as rewardkit row variables ({{response}}, {{reference}}, {{metadata.FIELD}}).';
  const file = `templates/${name}.yaml`;
  context.files.push({ path: file, content: document.toString({ lineWidth: 0, blockQuote: 'literal' }) });
  return file;
}

/** A message's text with its variables mapped; undefined (after a problem) when it has none. */
function messageText(message: GraderMessage, path: GraderPath, context: MapContext): string | undefined {
  const { content } = message;
  const part = Array.isArray(content) ? (content.length === 1 ? content[0] : undefined) : content;
  const text =
    typeof part === 'string' ? part : part && part.type === 'input_text' && typeof part.text === 'string' ? part.text : undefined;
  if (text === undefined) {
    context.problems.add(
      [...path, 'content'],
      'expected text content (a string or one {type: "input_text", text} part): images, audio, output_text and several parts have no rewardkit judge equivalent',
      content,
    );
    return undefined;
  }
  let ok = true;
  const mapped = templatePieces(text)
    .map((piece) => {
      if ('text' in piece) return piece.text;
      const variable = templateVariableFor(piece.variable);
      if (variable.ok) return `{{${variable.value}}}`;
      context.problems.add([...path, 'content'], variable.message);
      ok = false;
      return '';
    })
    .join('');
  return ok ? mapped : undefined;
}

/** Where each model spec field came from in the grader (relative to the grader). */
const MODEL_FIELD_SOURCES: Record<string, readonly string[]> = {
  model: ['model'],
  temperature: ['sampling_params', 'temperature'],
  top_p: ['sampling_params', 'top_p'],
  seed: ['sampling_params', 'seed'],
  reasoning_effort: ['sampling_params', 'reasoning_effort'],
  max_tokens: ['sampling_params', 'max_completions_tokens'],
};

/**
 * The judge model spec: the grader's model on the openai provider, with its sampling parameters. A value rewardkit's
 * model spec does not accept (e.g. reasoning_effort "minimal") is a problem at the grader's field.
 */
function judgeModel(model: string, sampling: SamplingParams | undefined, context: MapContext): Record<string, unknown> | undefined {
  const { problems, name, path } = context;
  const spec: Record<string, unknown> = { provider: 'openai', model, temperature: sampling?.temperature ?? 1 };
  if (sampling?.temperature === undefined || sampling.temperature === null) {
    problems.note(
      `${name}: no sampling temperature in the grader, so the judge samples at 1, the OpenAI API's default (rewardkit's own default is 0); reasoning models ignore it.`,
    );
  }
  if (sampling?.top_p != null) spec.top_p = sampling.top_p;
  if (sampling?.seed != null) spec.seed = sampling.seed;
  if (sampling?.reasoning_effort != null) spec.reasoning_effort = sampling.reasoning_effort;
  if (sampling?.max_completions_tokens != null) {
    spec.max_tokens = sampling.max_completions_tokens;
    problems.note(
      `${name}: max_completions_tokens is the judge's max_tokens; a reply cut by it is asked again once with twice the budget (rewardkit), where OpenAI keeps the cut reply.`,
    );
  }
  const parsed = ModelSpecSchema.safeParse(spec);
  if (parsed.success) return spec;
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'model');
    const source = MODEL_FIELD_SOURCES[field] ?? ['model'];
    problems.add(
      [...path, ...source],
      `not supported by rewardkit's judge model spec (${field}): ${issue.message.replace(/^Invalid (input|option): /, '')}`,
      spec[field],
    );
  }
  return undefined;
}
