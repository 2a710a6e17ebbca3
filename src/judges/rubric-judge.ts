/**
 * Rubric judge: one answer against boolean pass/fail criteria (score = weighted fraction passed) or
 * scaled dimensions (score = weighted mean of (s-min)/(max-min)). With `foreach`, each item of a list in
 * the response (e.g. each review comment) is judged on its own and the item scores are averaged.
 * A template that shows {{reference}} outside a {{#reference}} section needs one: a row without it is not
 * judged (undetermined, flagged no_reference); the built-in templates only show the reference when there is one.
 */
import type { RowContext } from '../input/row-view.js';
import type { RubricJudgeSpec } from '../spec/schema.js';
import type { ComponentResult } from '../result.js';
import { round6 } from '../round6.js';
import {
  firstError,
  rowVariables,
  runPrompt,
  ROW_VARIABLES,
  type Judge,
  type JudgePrompt,
  type VerdictReader,
  type VerdictReading,
} from './judge.js';
import { loadTemplate, type JudgeTemplate } from '../spec/judge-template-file.js';
import { assertKnownVariables, builtinTemplatePath, renderTemplate, requiresVariable } from './judge-template.js';
import { lacksText, noReferenceComponent } from './no-reference.js';
import { field, findEntry, readBoolean, readNumber, readText } from './verdict-values.js';
import { describeTextFormat, readTextVerdict, type TextVerdictFormat } from './verdict-format.js';

interface RubricLine {
  id: string;
  weight: number;
  /** Present for dimensions. */
  scale?: { min: number; max: number };
}

export interface RubricVerdict {
  /** Normalised to [0, 1]. */
  score: number;
  /** Weighted mean on the dimensions' own scale (dimensions only). */
  rawScore?: number;
  lines: Record<string, { pass?: boolean; score?: number; rationale: string }>;
}

export interface RubricJudgeOptions {
  name: string;
  modelKey: string;
  maxResponseChars: number;
  /** The secret for fence nonces (fence.ts); default: the built-in constant. */
  fenceSecret?: string;
}

export function createRubricJudge(spec: RubricJudgeSpec, options: RubricJudgeOptions): Judge {
  const usesCriteria = spec.criteria !== undefined;
  // a verdict written as text (verdict-format.ts) gives the one score; criteria or dimensions, if any, are only shown
  const textFormat: TextVerdictFormat | undefined = spec.verdict?.format === 'json' ? undefined : spec.verdict;
  const lines: RubricLine[] = usesCriteria
    ? spec.criteria!.map((criterion) => ({ id: criterion.id, weight: criterion.weight }))
    : (spec.dimensions ?? []).map((dimension) => ({
        id: dimension.id,
        weight: dimension.weight,
        scale: { min: dimension.min, max: dimension.max },
      }));
  const template: JudgeTemplate = loadTemplate(
    spec.template ??
      builtinTemplatePath(textFormat?.format === 'rating' ? 'mt-bench-single' : usesCriteria ? 'rubric-criteria' : 'rubric-dimensions'),
  );
  const trusted = {
    instructions: spec.instructions ?? '',
    criteria: usesCriteria ? spec.criteria!.map((criterion) => `- ${criterion.id}: ${criterion.description}`).join('\n') : '',
    dimensions: usesCriteria ? '' : (spec.dimensions ?? []).map(describeDimension).join('\n\n'),
    output_format: textFormat ? describeTextFormat(textFormat) : JSON.stringify(exampleVerdict(lines, usesCriteria), null, 2),
  };
  assertKnownVariables(template, Object.keys(trusted), [...ROW_VARIABLES, 'item']);
  const schema = verdictSchema(lines, usesCriteria);
  const needsReference = requiresVariable(template, 'reference');

  const items = (context: RowContext): unknown[] | null => {
    if (!spec.foreach) return null;
    const selected = context.select(spec.foreach);
    return selected.length === 1 && Array.isArray(selected[0]) ? (selected[0] as unknown[]) : selected;
  };

  const prompts = (context: RowContext): JudgePrompt[] => {
    if (needsReference && lacksText(context, 'reference')) return []; // not judged (see run)
    const list = items(context);
    const render = (extra: Record<string, string>) =>
      renderTemplate(template, trusted, rowVariables(context, options.maxResponseChars, extra), options.fenceSecret);
    const request = (extra: Record<string, string>) =>
      textFormat
        ? { ...render(extra), plainText: true, templateVersion: template.version }
        : { ...render(extra), schema, schemaName: 'rubric_verdict', templateVersion: template.version };
    if (list === null) return [{ label: 'answer', request: request({}) }];
    return list.map((item, index) => ({
      label: `item ${index + 1}${itemId(item)}`,
      request: request({ item: JSON.stringify(item, null, 2) }),
    }));
  };

  return {
    name: options.name,
    type: 'rubric',
    weight: spec.weight,
    modelKey: options.modelKey,
    prompts,
    async run(context, caller): Promise<ComponentResult> {
      const base = { name: options.name, kind: 'judge' as const, type: 'rubric', weight: spec.weight };
      if (needsReference && lacksText(context, 'reference')) return noReferenceComponent(base, 'reference');
      const list = prompts(context);
      if (list.length === 0) {
        return {
          ...base,
          score: spec.empty_score,
          status: 'scored',
          rationale: `nothing to judge: no items at ${spec.foreach}`,
          details: { items: 0 },
          calls: [],
        };
      }
      const read: VerdictReader<RubricVerdict> = textFormat
        ? { fromText: (text) => rubricOfText(text, textFormat) }
        : (json) => readRubricVerdict(json, lines);
      const outcomes = await Promise.all(list.map((prompt) => runPrompt(prompt, caller, read)));
      const calls = outcomes.map((outcome) => outcome.record);
      const error = firstError(outcomes);
      if (error) return { ...base, score: null, status: 'error', error, calls };
      const verdicts = outcomes.map((outcome) => outcome.verdict!);
      const score = mean(verdicts.map((verdict) => verdict.score));
      const rawScores = verdicts.map((verdict) => verdict.rawScore).filter((value): value is number => value !== undefined);
      const rationale = verdicts
        .map((verdict, index) => {
          const body = Object.entries(verdict.lines)
            .map(([id, line]) => `${id}: ${line.pass === undefined ? line.score : line.pass ? 'PASS' : 'FAIL'} — ${line.rationale}`)
            .join('\n');
          return list.length > 1 || spec.foreach ? `[${list[index]!.label}]\n${body}` : body;
        })
        .join('\n\n');
      return {
        ...base,
        score,
        status: 'scored',
        rationale,
        details: {
          ...(rawScores.length === verdicts.length ? { raw_score: round6(mean(rawScores)) } : {}),
          items: verdicts.map((verdict) => ({ score: round6(verdict.score), lines: verdict.lines })),
        },
        calls,
      };
    },
  };
}

/** A text verdict as a rubric verdict: its one score, and the number read (a rating) as the raw score. */
function rubricOfText(text: string, format: TextVerdictFormat): VerdictReading<RubricVerdict> {
  const reading = readTextVerdict(text, format);
  if (!reading.ok) return reading;
  const { label, score, value } = reading.verdict;
  return {
    ok: true,
    verdict: {
      score,
      ...(value === undefined ? {} : { rawScore: value }),
      lines: { verdict: { score: value ?? score, rationale: label } },
    },
  };
}

/** Reads a rubric verdict; a missing or unreadable line is a parse error, a score off the scale is out_of_scale. */
export function readRubricVerdict(json: Record<string, unknown>, lines: readonly RubricLine[]): VerdictReading<RubricVerdict> {
  const section = findEntry(json, 'criteria') ?? findEntry(json, 'dimensions') ?? findEntry(json, 'scores') ?? json;
  const read: RubricVerdict['lines'] = {};
  const missing: string[] = [];
  const unreadable: string[] = [];
  const offScale: string[] = [];
  let weighted = 0;
  let rawWeighted = 0;
  let totalWeight = 0;
  for (const line of lines) {
    const entry = findEntry(section, line.id);
    if (entry === undefined) {
      missing.push(line.id);
      continue;
    }
    const rationale = readText(field(entry, 'rationale', 'reasoning', 'justification', 'explanation', 'reason'));
    if (line.scale) {
      const value = readNumber(typeof entry === 'object' ? field(entry, 'score', 'rating', 'value') : entry);
      if (value === undefined) {
        unreadable.push(line.id);
        continue;
      }
      if (value < line.scale.min || value > line.scale.max) {
        offScale.push(`${line.id}=${value} (scale ${line.scale.min}–${line.scale.max})`);
        continue;
      }
      read[line.id] = { score: value, rationale };
      weighted += (line.weight * (value - line.scale.min)) / (line.scale.max - line.scale.min);
      rawWeighted += line.weight * value;
    } else {
      const value = readBoolean(typeof entry === 'object' ? field(entry, 'pass', 'passed', 'verdict', 'result', 'met') : entry);
      if (value === undefined) {
        unreadable.push(line.id);
        continue;
      }
      read[line.id] = { pass: value, rationale };
      weighted += value ? line.weight : 0;
    }
    totalWeight += line.weight;
  }
  if (offScale.length > 0)
    return { ok: false, error: { kind: 'out_of_scale', message: `score outside the scale: ${offScale.join(', ')}` } };
  if (missing.length > 0 || unreadable.length > 0) {
    const parts = [
      missing.length ? `missing verdict for ${missing.join(', ')}` : '',
      unreadable.length ? `unreadable verdict for ${unreadable.join(', ')}` : '',
    ].filter(Boolean);
    return { ok: false, error: { kind: 'parse_error', message: parts.join('; ') } };
  }
  const allWeight = lines.reduce((sum, line) => sum + line.weight, 0);
  const scaled = lines.every((line) => line.scale);
  return {
    ok: true,
    verdict: {
      score: allWeight > 0 ? weighted / allWeight : 0,
      ...(scaled && totalWeight > 0 ? { rawScore: rawWeighted / totalWeight } : {}),
      lines: read,
    },
  };
}

function describeDimension(dimension: NonNullable<RubricJudgeSpec['dimensions']>[number]): string {
  const levels = dimension.levels
    ? Object.entries(dimension.levels)
        .sort(([a], [b]) => Number(b) - Number(a))
        .map(([score, meaning]) => `  ${score}: ${meaning}`)
        .join('\n')
    : '';
  return `- ${dimension.id} (integer ${dimension.min}–${dimension.max}): ${dimension.description}${levels ? `\n${levels}` : ''}`;
}

function exampleVerdict(lines: readonly RubricLine[], usesCriteria: boolean): Record<string, unknown> {
  const entries = Object.fromEntries(
    lines.map((line) => [line.id, usesCriteria ? { rationale: '…', pass: true } : { rationale: '…', score: line.scale!.max }]),
  );
  return usesCriteria ? { criteria: entries } : { dimensions: entries };
}

function verdictSchema(lines: readonly RubricLine[], usesCriteria: boolean): Record<string, unknown> {
  const entry = (line: RubricLine) => ({
    type: 'object',
    properties: {
      rationale: { type: 'string' },
      ...(usesCriteria
        ? { pass: { type: 'boolean' } }
        : { score: { type: 'integer', minimum: line.scale!.min, maximum: line.scale!.max } }),
    },
    required: ['rationale', usesCriteria ? 'pass' : 'score'],
    additionalProperties: false,
  });
  const section = {
    type: 'object',
    properties: Object.fromEntries(lines.map((line) => [line.id, entry(line)])),
    required: lines.map((line) => line.id),
    additionalProperties: false,
  };
  const key = usesCriteria ? 'criteria' : 'dimensions';
  return { type: 'object', properties: { [key]: section }, required: [key], additionalProperties: false };
}

function itemId(item: unknown): string {
  if (!item || typeof item !== 'object') return '';
  const record = item as Record<string, unknown>;
  const id = record.id ?? record.comment_id ?? record.name;
  return typeof id === 'string' || typeof id === 'number' ? ` (${id})` : '';
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
