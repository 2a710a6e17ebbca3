/**
 * `rewardkit import promptfoo promptfooconfig.yaml`: a promptfoo config's assertions as a reward spec. Reads the config
 * with positions, validates what it reads, maps each assertion to a check or judge (check-assertion.ts,
 * judge-assertion.ts), and returns the spec with the template files it refers to and the notes the user should read —
 * or throws ImportError listing every problem (file:line:column, field path, value found, what was expected).
 * g-eval's evaluation steps are the one thing it may ask a model for: once per g-eval assertion, after the rest of the
 * config has imported cleanly (g-eval-steps.ts), unless --g-eval-steps supplies them (g-eval-steps-file.ts).
 *
 * Row fields: promptfoo's `{{output}}` is the row's response and the grading prompt's input is the row's prompt. A var
 * X becomes `metadata.X` (a plain row's extra field, or a Nova row's metadata), except the var holding factuality's
 * expert answer, which becomes the row's `reference` (Nova reference_answer) wherever it is used.
 */
import { dirname } from 'node:path';
import type { z } from 'zod';
import { formatPath } from '../../spec/load-spec.js';
import { ModelSpecSchema, RewardSpecSchema } from '../../spec/schema.js';
import { formatProblem } from '../../spec/spec-error.js';
import { ImportError, type ImportedFile, type ImportedSpec } from '../imported-spec.js';
import { sharedAssertions, type LocatedAssertion } from './assertion-list.js';
import { classifyAssertion } from './assertion-types.js';
import { readAssertionValue } from './assertion-value.js';
import { checkOf } from './check-assertion.js';
import { ComponentNames } from './component-name.js';
import { readConfigDocument } from './config-document.js';
import { readStepsFile } from './g-eval-steps-file.js';
import { writeStepsWithModel, type StepsWriter } from './g-eval-steps.js';
import { judgeModelOf } from './grader-provider.js';
import { ImportProblems, type ConfigPath } from './import-problems.js';
import { BUILTIN_TEMPLATE_OF, judgeFieldsOf } from './judge-assertion.js';
import { AssertionSchema, ConfigSchema, FactualityScoresSchema, TestSchema, type PromptfooTest } from './promptfoo-config-schema.js';
import { templateOfRubricPrompt } from './rubric-prompt.js';

export interface PromptfooImportOptions {
  /** `--judge`: the grader when the config names none (promptfoo would pick one from the API keys it finds). */
  judge?: { provider: string; model: string; base_url?: string };
  /** `--g-eval-steps FILE`: g-eval's evaluation steps, instead of asking the grader at import. */
  gEvalStepsFile?: string;
  /** Writes g-eval's evaluation steps (default: one call to the grader through the model layer). */
  writeSteps?: StepsWriter;
}

/** A g-eval judge waiting for its evaluation steps. */
interface PendingSteps {
  judge: Record<string, unknown>;
  name: string;
  criteria: string;
  path: ConfigPath;
}

export async function importPromptfoo(path: string, options: PromptfooImportOptions = {}): Promise<ImportedSpec> {
  const document = readConfigDocument(path);
  if (Array.isArray(document)) throw importError(path, document);
  const problems = new ImportProblems(document);
  const baseDir = dirname(path);
  const notes: string[] = [];

  const config = parseAt(ConfigSchema, document.raw, [], problems, 'expected a promptfoo config (a mapping at the top)');
  if (!config) throw importError(path, problems.all);
  if (config.scenarios !== undefined) {
    problems.add(['scenarios'], 'not supported: scenarios (their tests carry their own assertions); write the tests out under tests');
  }
  let defaultTest: PromptfooTest | undefined;
  if (typeof config.defaultTest === 'string') {
    problems.add(['defaultTest'], 'not supported: defaultTest from a file; write it in the config', config.defaultTest);
  } else if (config.defaultTest !== undefined) {
    defaultTest = parseAt(TestSchema, config.defaultTest, ['defaultTest'], problems, 'expected defaultTest as a mapping');
  }
  const tests: Array<{ test: PromptfooTest; index: number }> = [];
  if (typeof config.tests === 'string' || (Array.isArray(config.tests) && config.tests.some((test) => typeof test === 'string'))) {
    problems.add(
      ['tests'],
      'not supported: tests from a file (CSV, YAML, JSON or a script), whose rows may add assertions the import cannot see; write the tests in the config',
      config.tests,
    );
  } else if (config.tests !== undefined) {
    if (!Array.isArray(config.tests)) problems.add(['tests'], 'expected tests as a list', config.tests);
    else
      config.tests.forEach((raw, index) => {
        const test = parseAt(TestSchema, raw, ['tests', index], problems, 'expected a test as a mapping');
        if (test) tests.push({ test, index });
      });
  }
  const shared = sharedAssertions(defaultTest, tests, problems);
  for (const key of ['transform', 'postprocess'] as const) {
    const option = shared.options[key];
    if (option)
      problems.add(option.path, `not supported: options.${key} rewrites the output before grading, which rewardkit does not`, option.value);
  }
  if (shared.options.disableDefaultAsserts?.value === true) {
    problems.add(shared.options.disableDefaultAsserts.path, 'not supported: disableDefaultAsserts; remove it or move the assertions');
  }
  if (shared.threshold) {
    notes.push(
      `The test threshold ${shared.threshold.value} (${formatPath(shared.threshold.path)}) decides promptfoo's pass only; the reward is the weighted score itself, so it is not imported.`,
    );
  }
  const factuality = shared.options.factuality
    ? parseAt(
        FactualityScoresSchema,
        shared.options.factuality.value,
        shared.options.factuality.path,
        problems,
        'expected options.factuality',
      )
    : undefined;

  const assertions = shared.assertions.map((located) => ({ ...located, parsed: parseAssertion(located, problems) }));
  const referenceVar = findReferenceVar(assertions, baseDir, problems);
  const fieldOfVar = (name: string) => (name === referenceVar ? 'reference' : `metadata.${name}`);
  if (referenceVar !== undefined) {
    notes.push(`The var "${referenceVar}" (factuality's expert answer) is read from the row's reference (Nova: reference_answer).`);
  }

  const names = new ComponentNames();
  const checks: Array<Record<string, unknown>> = [];
  const judges: Array<Record<string, unknown>> = [];
  const files: ImportedFile[] = [];
  const usedVars = new Set<string>();
  const pending: PendingSteps[] = [];
  const trackVar = (name: string) => {
    if (name !== referenceVar) usedVars.add(name);
    return fieldOfVar(name);
  };
  for (const { path: at, parsed } of assertions) {
    if (!parsed) continue;
    const kind = classifyAssertion(parsed.type);
    if (kind.kind === 'unsupported') {
      problems.add([...at, 'type'], kind.message, parsed.type);
      continue;
    }
    const value = readAssertionValue(parsed.value, baseDir);
    const name = names.take(parsed.metric ?? parsed.type);
    const common = { name, ...(parsed.weight === undefined ? {} : { weight: parsed.weight }) };
    if (kind.kind === 'check') {
      const check = checkOf({ type: kind.type, negate: kind.negate, value, valuePath: [...at, 'value'] }, trackVar, problems);
      if (check) checks.push({ type: check.type, ...common, ...check });
      if (parsed.threshold !== undefined) notes.push(`${name}: promptfoo ignores threshold on ${parsed.type}, so it is not imported.`);
      if (kind.type === 'icontains' && value.kind === 'text') {
        notes.push(
          `${name}: the fixed text is matched case-insensitively by Unicode case folding, where promptfoo lower-cases both texts (they differ only on a few letters such as final sigma ς/σ and the long s ſ).`,
        );
      }
      continue;
    }
    const fields = judgeFieldsOf({ type: kind.type, value, threshold: parsed.threshold, factuality });
    if (!fields.ok) {
      problems.add([...at, fields.field], fields.message, fields.field === 'threshold' ? parsed.threshold : parsed.value);
      continue;
    }
    if (value.kind === 'var') trackVar(value.name);
    if (parsed.threshold !== undefined && kind.type !== 'llm-rubric' && kind.type !== 'g-eval') {
      notes.push(`${name}: promptfoo ignores threshold on ${kind.type}, so it is not imported.`);
    }
    if (kind.type === 'llm-rubric' && parsed.threshold !== undefined) {
      notes.push(
        `${name}: threshold ${parsed.threshold} → pass_threshold: the metric ${name}_pass is score ≥ ${parsed.threshold}; promptfoo's pass also needs the grader's "pass": true.`,
      );
    }
    if (kind.type === 'g-eval') {
      const threshold = String(fields.fields.pass_threshold);
      notes.push(
        `${name}: threshold ${threshold}${parsed.threshold === undefined ? " (promptfoo's default)" : ''} → pass_threshold: the metric ${name}_pass is score ≥ ${threshold}, promptfoo's pass; the score is the grader's 0–10 score / 10.`,
        `${name}: the score is read from the reply's "score" alone, where promptfoo also fails a reply whose JSON has no non-blank "reason"; and a prompt or reply that is itself JSON text is shown to the grader as written, where promptfoo shows it re-serialized (compact).`,
      );
    }
    const judge: Record<string, unknown> = { type: 'rubric', ...common, template: BUILTIN_TEMPLATE_OF[kind.type], ...fields.fields };
    const rubricPrompt =
      parsed.rubricPrompt !== undefined ? { value: parsed.rubricPrompt, path: [...at, 'rubricPrompt'] } : shared.options.rubricPrompt;
    if (kind.type === 'g-eval') {
      if (rubricPrompt && gEvalPromptsGiven(rubricPrompt.value)) {
        problems.add(
          rubricPrompt.path,
          "not supported: g-eval's own prompts (rubricPrompt.steps / rubricPrompt.evaluate); the import scores with promptfoo's default g-eval prompts, paraphrased",
        );
      } else if (rubricPrompt) {
        notes.push(
          `${name}: promptfoo's g-eval reads rubricPrompt only as {steps, evaluate}, so the rubricPrompt at ${formatPath(rubricPrompt.path)} does not apply to it (nor here).`,
        );
      }
      pending.push({ judge, name, criteria: fields.fields.instructions as string, path: at });
    } else if (rubricPrompt) {
      const file = rubricPromptFile(rubricPrompt, kind.type, name, document.file, baseDir, trackVar, problems);
      if (file) {
        files.push(file);
        judge.template = file.path;
      }
    }
    if (parsed.provider !== undefined) {
      const model = judgeModelOf(parsed.provider, [...at, 'provider'], problems);
      if (model) judge.model = model;
    }
    judges.push(judge);
  }

  let judgeModel: Record<string, unknown> | undefined;
  if (shared.options.provider) {
    judgeModel = judgeModelOf(shared.options.provider.value, shared.options.provider.path, problems);
    if (options.judge) {
      problems.add(
        shared.options.provider.path,
        '--judge was given, but the config names its grader here; promptfoo grades with it, so the import does too: drop --judge',
      );
    }
  } else if (options.judge) {
    judgeModel = options.judge;
    notes.push(`The config names no grader provider; judge_model is --judge's ${options.judge.provider}:${options.judge.model}.`);
  } else if (judges.some((judge) => judge.model === undefined)) {
    notes.push(
      'The config names no grader provider (promptfoo picks one from your API keys): set judge_model in the spec, or pass --judge.',
    );
  }
  if (shared.assertions.length === 0 && problems.count === 0) {
    problems.add(
      tests.length > 0 ? ['tests'] : defaultTest ? ['defaultTest'] : [],
      'expected assertions in defaultTest.assert or tests[].assert',
    );
  }
  if (problems.count === 0 && [...checks, ...judges].every((component) => component.weight === 0)) {
    problems.add(
      shared.assertions[0]?.path ?? [],
      'expected at least one assertion with weight > 0 (every weight is 0: the reward would be undefined)',
    );
  }
  if (problems.count > 0) throw importError(path, problems.all);
  // the grader is asked only for a config that imports otherwise: a broken config costs no call
  await addEvaluationSteps(pending, judgeModel, options, problems, notes);
  if (problems.count > 0) throw importError(path, problems.all);

  if (usedVars.size > 0) {
    notes.push(`Vars read from the row's metadata: ${[...usedVars].map((name) => `${name} → metadata.${name}`).join(', ')}.`);
  }
  if (judges.length > 0) {
    notes.push(
      "Judges see the row text fenced as data (rewardkit's prompt-injection guard) in paraphrased templates, and responses longer than aggregate.max_response_chars (20000) cut; a grader reply with no readable verdict is a judge error (aggregate.on_judge_error), where promptfoo scores it 0.",
    );
  }
  notes.push('An empty response gets aggregate.empty_response (default 0) without running the assertions, where promptfoo runs them.');

  const spec: Record<string, unknown> = {
    version: 1,
    name: 'promptfoo-import',
    description: `Imported from promptfoo config ${document.file}${config.description ? `: ${config.description}` : ''}`,
    ...(judgeModel ? { judge_model: judgeModel } : {}),
    ...(checks.length > 0 ? { checks } : {}),
    ...(judges.length > 0 ? { judges } : {}),
  };
  assertSpecShape(spec, path);
  return { spec, files, notes };
}

type ParsedAssertion = z.output<typeof AssertionSchema>;

/** promptfoo's g-eval uses rubricPrompt only as an object with its own `steps` and/or `evaluate` prompt. */
function gEvalPromptsGiven(rubricPrompt: unknown): boolean {
  if (rubricPrompt === null || typeof rubricPrompt !== 'object' || Array.isArray(rubricPrompt)) return false;
  const prompts = rubricPrompt as Record<string, unknown>;
  return Boolean(prompts.steps) || Boolean(prompts.evaluate);
}

/**
 * Fills each pending g-eval judge's `criteria` with its evaluation steps (`step_1`, `step_2`, …, shown to the grader
 * as the steps): from --g-eval-steps, else written by the grader promptfoo would use — the assertion's provider, else
 * the config's (or --judge's) — once, here.
 */
async function addEvaluationSteps(
  pending: readonly PendingSteps[],
  judgeModel: Record<string, unknown> | undefined,
  options: PromptfooImportOptions,
  problems: ImportProblems,
  notes: string[],
): Promise<void> {
  if (pending.length === 0) {
    if (options.gEvalStepsFile !== undefined) {
      problems.addInFile(options.gEvalStepsFile, '', 'expected no --g-eval-steps: the config has no g-eval assertion');
    }
    return;
  }
  const setSteps = (entry: PendingSteps, steps: readonly string[]) => {
    entry.judge.criteria = steps.map((step, index) => ({ id: `step_${index + 1}`, description: step }));
  };
  if (options.gEvalStepsFile !== undefined) {
    const file = readStepsFile(options.gEvalStepsFile);
    if ('error' in file) {
      problems.addInFile(options.gEvalStepsFile, file.error.path, `--g-eval-steps: ${file.error.message}`);
      return;
    }
    const names = new Set(pending.map((entry) => entry.name));
    if (file.kind === 'by-name') {
      for (const unknown of Object.keys(file.steps).filter((name) => !names.has(name))) {
        problems.addInFile(
          options.gEvalStepsFile,
          unknown,
          `--g-eval-steps: no g-eval judge is named "${unknown}"; expected one of ${[...names].join(', ')}`,
        );
      }
    }
    for (const entry of pending) {
      const steps = file.kind === 'shared' ? file.steps : file.steps[entry.name];
      if (!steps) {
        problems.add(entry.path, `expected evaluation steps for the judge "${entry.name}" in --g-eval-steps ${options.gEvalStepsFile}`);
        continue;
      }
      setSteps(entry, steps);
      notes.push(`${entry.name}: the evaluation steps (its criteria list) were read from ${options.gEvalStepsFile}.`);
    }
    return;
  }
  const writeSteps = options.writeSteps ?? writeStepsWithModel;
  for (const entry of pending) {
    const model = (entry.judge.model as Record<string, unknown> | undefined) ?? judgeModel;
    if (!model) {
      problems.add(
        entry.path,
        "g-eval's evaluation steps are written by the grader at import, and the config names none: set options.provider (or the assertion's provider), pass --judge PROVIDER:MODEL, or give the steps with --g-eval-steps FILE",
      );
      continue;
    }
    const parsedModel = ModelSpecSchema.safeParse(model);
    const result = parsedModel.success
      ? await writeSteps(entry.criteria, parsedModel.data)
      : { ok: false as const, message: parsedModel.error.message };
    const grader = `${String(model.provider)}:${String(model.model)}`;
    if (!result.ok) {
      problems.add(
        entry.path,
        `the grader ${grader} did not write g-eval's evaluation steps: ${result.message}; run the import again, or give the steps with --g-eval-steps FILE`,
      );
      continue;
    }
    setSteps(entry, result.steps);
    notes.push(
      `${entry.name}: the evaluation steps (its criteria list) were written at import by ${grader} from the criteria alone, as promptfoo's first g-eval call does (promptfoo asks again for each output, normally answered from its cache); review them, and score with the same grader.`,
    );
  }
}

function parseAssertion(located: LocatedAssertion, problems: ImportProblems): ParsedAssertion | undefined {
  const raw = located.raw;
  if (raw !== null && typeof raw === 'object' && '$ref' in raw) {
    problems.add(
      [...located.path, '$ref'],
      'not supported: an assertion $ref; write the assertion out',
      (raw as Record<string, unknown>).$ref,
    );
    return undefined;
  }
  return parseAt(AssertionSchema, raw, located.path, problems, 'expected an assertion {type, value, …}');
}

/** The var that holds factuality's expert answer (read as the row's reference), if any; two different ones are a problem. */
function findReferenceVar(
  assertions: ReadonlyArray<{ path: ConfigPath; parsed: ParsedAssertion | undefined }>,
  baseDir: string,
  problems: ImportProblems,
): string | undefined {
  let found: { name: string; path: ConfigPath } | undefined;
  for (const { path, parsed } of assertions) {
    if (parsed?.type !== 'factuality') continue;
    const value = readAssertionValue(parsed.value, baseDir);
    if (value.kind !== 'var') continue;
    if (found && found.name !== value.name) {
      problems.add(
        [...path, 'value'],
        `expected the same expert-answer var as ${formatPath(found.path)} ("${found.name}"): the row has one reference`,
        parsed.value,
      );
    } else found ??= { name: value.name, path: [...path, 'value'] };
  }
  return found?.name;
}

function rubricPromptFile(
  rubricPrompt: { value: unknown; path: ConfigPath },
  type: Parameters<typeof templateOfRubricPrompt>[1],
  name: string,
  file: string,
  baseDir: string,
  fieldOfVar: (name: string) => string,
  problems: ImportProblems,
): ImportedFile | undefined {
  let prompt = rubricPrompt.value;
  if (typeof prompt === 'string' && prompt.startsWith('file://')) {
    const read = readAssertionValue(prompt, baseDir);
    if (read.kind === 'unsupported') {
      problems.add(rubricPrompt.path, `not supported: ${read.reason}`, prompt);
      return undefined;
    }
    prompt = read.kind === 'text' ? read.text : read.kind === 'data' ? read.data : undefined;
  }
  const template = templateOfRubricPrompt(prompt, type, `${name}@imported`, `${file}, ${formatPath(rubricPrompt.path)}`, fieldOfVar);
  if (!template.ok) {
    problems.add(rubricPrompt.path, template.message, typeof rubricPrompt.value === 'string' ? rubricPrompt.value : undefined);
    return undefined;
  }
  return { path: `templates/${name}.yaml`, content: template.content };
}

/** safeParse with every issue recorded under `base`; undefined when invalid. */
function parseAt<Schema extends z.ZodType>(
  schema: Schema,
  raw: unknown,
  base: ConfigPath,
  problems: ImportProblems,
  wholeMessage: string,
): z.output<Schema> | undefined {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    if (issue.path.length === 0 && issue.code === 'invalid_type') {
      problems.add(base, wholeMessage, raw);
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.add(
          [...base, ...issue.path, key],
          `not supported: the field "${key}" has no rewardkit equivalent (the import reads ${Object.keys(knownKeys(schema)).join(', ')})`,
        );
      }
      continue;
    }
    const path = [...base, ...issue.path];
    problems.add(path, issue.message.replace(/^Invalid input: /, ''), valueAt(raw, issue.path));
  }
  return undefined;
}

function knownKeys(schema: z.ZodType): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ?? {};
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * The spec built must pass the reward spec schema. A config that names no grader gives a spec without judge_model, which
 * validates once a default judge is given (--judge, or the default local judge: spec/load-spec-with-judge.ts).
 */
function assertSpecShape(spec: Record<string, unknown>, path: string): void {
  const judgeModel = spec.judge_model ?? { provider: 'openai', model: 'any' };
  const parsed = RewardSpecSchema.safeParse({ ...spec, judge_model: judgeModel });
  if (!parsed.success) {
    throw importError(
      path,
      parsed.error.issues.map((issue) => ({
        file: path,
        path: issue.path.join('.'),
        message: `the imported spec does not validate: ${issue.message}`,
      })),
    );
  }
}

function importError(path: string, problems: Parameters<typeof formatProblem>[0][]): ImportError {
  return new ImportError(`promptfoo config ${path}`, problems, formatProblem);
}
