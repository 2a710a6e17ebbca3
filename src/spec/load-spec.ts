/**
 * Loads a reward spec (YAML or JSON) and rejects a bad one before any work, listing every problem with
 * file, line, field path, the value found and what was expected. Files the spec points to (JSON Schemas,
 * judge templates: a path relative to the spec, or a built-in template by name) are resolved and checked here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parsePositionedYaml } from './positioned-yaml.js';
import type { z } from 'zod';
import { builtinTemplateFile, builtinTemplateNames, isTemplateName } from './builtin-templates.js';
import { loadTemplate } from './judge-template-file.js';
import { isTemplatedJudge, judgingOf, RewardSpecSchema, type RewardSpec } from './schema.js';
import { SpecError, type SpecProblem } from './spec-error.js';

export interface LoadedSpec {
  spec: RewardSpec;
  /** Absolute path of the spec file ('<inline>' for objects). */
  path: string;
  /** True when the spec named no model for some judge and `defaultJudgeModel` filled it in. */
  judgeModelDefaulted: boolean;
}

export interface LoadSpecOptions {
  /**
   * Used as judge_model when the spec has none and some judge has no `model` of its own (from --judge, or the
   * default local judge: src/spec/load-spec-with-judge.ts), so such a spec still validates.
   */
  defaultJudgeModel?: { provider: string; model: string; base_url?: string };
}

export function loadSpec(path: string, options: LoadSpecOptions = {}): LoadedSpec {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new SpecError([
      { file: path, path: '', message: `cannot read spec file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` },
    ]);
  }
  return { ...parseSpecText(text, path, dirname(absolute), options), path: absolute };
}

/** Parses spec text (YAML or JSON); relative file paths in it resolve against `baseDir`. */
export function parseSpec(text: string, file = '<spec>', baseDir = process.cwd(), options: LoadSpecOptions = {}): RewardSpec {
  return parseSpecText(text, file, baseDir, options).spec;
}

function parseSpecText(
  text: string,
  file: string,
  baseDir: string,
  options: LoadSpecOptions,
): { spec: RewardSpec; judgeModelDefaulted: boolean } {
  const parsed = parsePositionedYaml(text, file, 'YAML/JSON');
  if (parsed.errors.length > 0) throw new SpecError(parsed.errors);
  const raw = parsed.value;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SpecError([{ file, line: 1, path: '', message: 'expected a mapping (object) at the top of the spec' }]);
  }
  const judgeModelDefaulted = options.defaultJudgeModel !== undefined && needsJudgeModel(raw);
  const withDefault = judgeModelDefaulted ? { ...raw, judge_model: options.defaultJudgeModel } : raw;
  return { spec: validateSpecObject(withDefault, file, baseDir, parsed.position), judgeModelDefaulted };
}

/** No top-level judge_model, and some judge without a `model` of its own. */
function needsJudgeModel(raw: object): boolean {
  const judges = (raw as { judges?: unknown }).judges;
  return (
    !('judge_model' in raw) &&
    Array.isArray(judges) &&
    judges.some((judge) => judge !== null && typeof judge === 'object' && !('model' in judge))
  );
}

/** Validates an already-parsed spec object (library use). */
export function validateSpecObject(
  raw: unknown,
  file = '<spec>',
  baseDir = process.cwd(),
  position: (path: PropertyKey[]) => { line?: number; column?: number } = () => ({}),
): RewardSpec {
  const parsed = RewardSpecSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SpecError(parsed.error.issues.map((issue) => problemFromIssue(issue, raw, file, position)));
  }
  const spec = parsed.data;
  const problems: SpecProblem[] = [];
  const at = (path: PropertyKey[], message: string, value?: unknown) =>
    problems.push({ file, ...position(path), path: formatPath(path), message, ...(value === undefined ? {} : { value }) });

  spec.checks.forEach((check, index) => {
    if (check.type !== 'json') return;
    if (check.schema_file) {
      const schemaPath = resolveFrom(baseDir, check.schema_file);
      try {
        check.schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
        check.schema_file = schemaPath;
      } catch (error) {
        at(
          ['checks', index, 'schema_file'],
          `expected a readable JSON Schema file: ${(error as Error).message.split('\n')[0]}`,
          check.schema_file,
        );
        return;
      }
    }
    if (check.schema) {
      try {
        new Ajv({ allErrors: true, strict: false }).compile(check.schema);
      } catch (error) {
        at(['checks', index, check.schema_file ? 'schema_file' : 'schema'], `expected a valid JSON Schema: ${(error as Error).message}`);
      }
    }
  });
  spec.judges.forEach((entry, index) => {
    if (!isTemplatedJudge(entry)) return; // an embedding judge has no template
    const judge = judgingOf(entry);
    const where = entry.type === 'panel' ? ['judges', index, 'judge', 'template'] : ['judges', index, 'template'];
    if (!judge.template) return;
    let templatePath: string;
    if (isTemplateName(judge.template)) {
      const builtin = builtinTemplateFile(judge.template);
      if (!builtin) {
        const names = builtinTemplateNames().join(', ');
        at(where, `expected a built-in template name (${names}) or a template file path such as ./my-template.yaml`, judge.template);
        return;
      }
      templatePath = builtin;
    } else {
      templatePath = resolveFrom(baseDir, judge.template);
    }
    if (!existsSync(templatePath)) {
      at(where, `expected an existing template file (looked at ${templatePath})`, judge.template);
      return;
    }
    try {
      loadTemplate(templatePath);
      judge.template = templatePath;
    } catch (error) {
      at(where, (error as Error).message);
    }
  });
  if (problems.length > 0) throw new SpecError(problems);
  return spec;
}

function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function problemFromIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  file: string,
  position: (path: PropertyKey[]) => { line?: number; column?: number },
): SpecProblem {
  let path: PropertyKey[] = [...issue.path];
  let message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0]!];
    message = `unknown field${issue.keys.length > 1 ? `s ${issue.keys.map((key) => `"${key}"`).join(', ')}` : ` "${issue.keys[0]}"`}; check the spelling (see schema/reward-spec.schema.json)`;
  } else if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    message = `expected one of ${issue.options.map((option) => JSON.stringify(option)).join(' | ')}`;
  } else if (issue.code === 'invalid_type' && message.endsWith('received undefined')) {
    message = `missing required field (expected ${issue.expected})`;
  } else if (issue.code === 'invalid_value') {
    message = message.replace(/^Invalid option: /, '');
  }
  const value = valueAt(raw, path);
  return {
    file,
    ...position(path),
    path: formatPath(path),
    message,
    ...(value === undefined || issue.code === 'unrecognized_keys' ? {} : { value }),
  };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
