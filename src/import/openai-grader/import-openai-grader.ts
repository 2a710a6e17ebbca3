/**
 * `rewardkit import openai-grader`: an OpenAI grader JSON file → a rewardkit reward spec (ImportedSpec). Finds the
 * grader (the file is a grader, a `{"grader": …}` run/validate payload, or an RFT job with
 * `method.reinforcement.grader`), dispatches each grader to its mapper, and builds the spec: one component for a
 * single grader (the reward is its score, in a score_model's `range`), or a multi grader's components combined by
 * `aggregate.formula`. Every problem in the file is collected and thrown at once as an ImportError with
 * file:line:column; a grader feature with no exact rewardkit equivalent is a problem, never a silent change.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { formatPath } from '../../spec/load-spec.js';
import { formatProblem } from '../../spec/spec-error.js';
import { ImportError, type ImportedFile, type ImportedSpec } from '../imported-spec.js';
import { readGraderDocument } from './grader-document.js';
import {
  GRADER_TYPES,
  LabelModelGraderSchema,
  MultiGraderSchema,
  parseShape,
  ScoreModelGraderSchema,
  StringCheckGraderSchema,
  TextSimilarityGraderSchema,
} from './grader-schema.js';
import { ImportProblems, type GraderPath } from './import-problems.js';
import { mapLabelModel, mapScoreModel } from './map-model-grader.js';
import { mapMulti, type MappedMulti } from './map-multi.js';
import { mapStringCheck } from './map-string-check.js';
import { mapTextSimilarity } from './map-text-similarity.js';
import type { MapContext, MappedComponent } from './mapped-component.js';

const SUPPORTED_TYPES = GRADER_TYPES.filter((type) => type !== 'python');

/** Imports the OpenAI grader in the file at `path`. Throws ImportError listing every problem. */
export function importOpenAiGrader(path: string): ImportedSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ImportError(
      `OpenAI grader ${path}`,
      [{ file: path, path: '', message: `cannot read the grader file: ${code}` }],
      formatProblem,
    );
  }
  return importOpenAiGraderText(text, path);
}

/** Imports an OpenAI grader from its JSON text; `file` names it in problems and notes. */
export function importOpenAiGraderText(text: string, file: string): ImportedSpec {
  const document = readGraderDocument(text, file);
  const problems = new ImportProblems(document);
  const found = findGrader(document.value);
  if (!found) {
    problems.add(
      [],
      'expected an OpenAI grader: an object with "type" (string_check, text_similarity, score_model, label_model, multi), a {"grader": …} payload, or an RFT job with method.reinforcement.grader',
      document.value,
    );
    problems.throwIfAny();
  }
  const { grader, path } = found!;
  const around = aroundGrader(document.value, path);
  if (around.length > 0) {
    problems.note(
      `Only the grader is imported: the file's ${around.join(', ')} ${around.length === 1 ? 'is' : 'are'} not part of the reward.`,
    );
  }
  const files: ImportedFile[] = [];
  const record = grader as Record<string, unknown>;
  const graderName = typeof record.name === 'string' && record.name.trim() !== '' ? record.name : undefined;
  const context: MapContext = { path, name: componentNameFrom(graderName, record.type), problems, files };

  let components: MappedComponent[] = [];
  let formula: string | undefined;
  if (record.type === 'multi') {
    const multi = parseShape(MultiGraderSchema, grader, path, problems);
    const mapped: MappedMulti | undefined = multi ? mapMulti(multi, context, mapGrader) : undefined;
    if (mapped) ({ components, formula } = mapped);
  } else {
    const mapped = mapGrader(grader, context, false);
    if (mapped) components = [mapped];
  }
  problems.throwIfAny();

  const range = formula === undefined ? components[0]!.range : ([0, 1] as const);
  const aggregate: Record<string, unknown> = {
    ...(range[0] !== 0 || range[1] !== 1 ? { range: [range[0], range[1]] } : {}),
    ...(formula === undefined ? {} : { formula }),
  };
  const spec: Record<string, unknown> = {
    version: 1,
    name: graderName ?? basename(file, extname(file)),
    description: `Imported from the OpenAI ${String(record.type)} grader in ${basename(file)} by rewardkit import openai-grader.`,
    input: { format: 'nova' },
    ...sectionOf(components, 'checks'),
    ...sectionOf(components, 'judges'),
    ...(Object.keys(aggregate).length > 0 ? { aggregate } : {}),
  };
  const notes = [
    'Rows are Nova RFT rows (input.format: nova): an OpenAI RFT row (messages, reference_answer, other fields) with the rollout as the last assistant message. {{sample.output_text}} is the response (that message), {{item.reference_answer}} the reference, {{item.FIELD}} metadata.FIELD, {{sample.output_json.…}} response_json.… (the response parsed as JSON; a ```json fenced block is read too).',
    `An empty response gets aggregate.empty_response (default: the low end of the reward range, ${range[0]}) without running the graders, where OpenAI would grade the empty text.`,
    ...(formula === undefined
      ? []
      : [
          'calculate_output is aggregate.formula; a grader without a score (e.g. a failed judge) makes the reward follow aggregate.on_judge_error, and a value outside [0, 1] is clamped (flagged formula_out_of_range).',
        ]),
    ...problems.notes,
  ];
  return { spec, files, notes };
}

/** Maps one grader object (top level, or a multi grader's sub-grader when `nested`). */
function mapGrader(value: unknown, context: MapContext, nested: boolean): MappedComponent | undefined {
  const { path, problems } = context;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.add(path, 'expected a grader object {type, name, …}', value);
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const { type } = record;
  switch (type) {
    case 'string_check': {
      const grader = parseShape(StringCheckGraderSchema, value, path, problems);
      return grader && mapStringCheck(grader, context);
    }
    case 'text_similarity': {
      const grader = parseShape(TextSimilarityGraderSchema, value, path, problems);
      return grader && mapTextSimilarity(grader, context);
    }
    case 'score_model': {
      const grader = parseShape(ScoreModelGraderSchema, value, path, problems);
      return grader && mapScoreModel(grader, context);
    }
    case 'label_model': {
      const grader = parseShape(LabelModelGraderSchema, value, path, problems);
      return grader && mapLabelModel(grader, context);
    }
    case 'python': {
      const name =
        typeof record.name === 'string'
          ? `"${record.name}"`
          : path.length > 0
            ? `the unnamed grader at ${formatPath(path)}`
            : 'the unnamed grader';
      problems.add(
        [...path, 'type'],
        `python graders are not supported: ${name}; nearest rewardkit checks: match (exact / contains / regex / numeric), similarity (fuzzy_match, bleu, gleu, meteor, rouge), json (JSON Schema), or a rubric judge for what code cannot check`,
        type,
      );
      return undefined;
    }
    case 'multi':
      if (nested)
        problems.add([...path, 'type'], 'a multi grader cannot hold another multi grader (OpenAI does not allow it either)', type);
      return undefined;
    default:
      problems.add(
        [...path, 'type'],
        `expected a grader type: one of ${SUPPORTED_TYPES.join(' | ')} (python graders are not supported)`,
        type,
      );
      return undefined;
  }
}

/** Where the grader is: the file itself, its `grader` field, or an RFT job's method.reinforcement.grader. */
function findGrader(value: unknown): { grader: unknown; path: GraderPath } | undefined {
  if (!isObject(value)) return undefined;
  if ('type' in value) return { grader: value, path: [] };
  if ('grader' in value) return { grader: value.grader, path: ['grader'] };
  const method = value.method;
  if (isObject(method) && isObject(method.reinforcement) && 'grader' in method.reinforcement) {
    return { grader: method.reinforcement.grader, path: ['method', 'reinforcement', 'grader'] };
  }
  return undefined;
}

/** The fields of the file beside the grader (a run payload's item and model_sample, an RFT job's model, files, …). */
function aroundGrader(value: unknown, path: GraderPath): string[] {
  const fields: string[] = [];
  let current = value;
  for (const [index, key] of path.entries()) {
    if (!isObject(current)) break;
    const prefix = path.slice(0, index).join('.');
    fields.push(
      ...Object.keys(current)
        .filter((other) => other !== key && !(prefix === 'method' && other === 'type'))
        .map((other) => (prefix ? `${prefix}.${other}` : other)),
    );
    current = current[key as string];
  }
  return fields;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A single grader's component name: its name in snake_case (a metric name), else its type. */
export function componentNameFrom(name: string | undefined, type: unknown): string {
  const snake = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (/^[a-z]/.test(snake)) return snake;
  if (snake !== '') return `grader_${snake}`;
  return typeof type === 'string' && /^[a-z][a-z0-9_]*$/.test(type) ? type : 'grader';
}

function sectionOf(components: readonly MappedComponent[], section: 'checks' | 'judges'): Record<string, unknown> {
  const list = components.filter((component) => component.section === section).map((component) => component.component);
  return list.length > 0 ? { [section]: list } : {};
}
