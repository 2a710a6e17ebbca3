/**
 * What an assertion's `value` means once promptfoo has rendered it: promptfoo renders a string value as a nunjucks
 * template over the test's vars, and reads a `file://` value from a file beside the config. Here a value is a fixed
 * text or datum, one whole var (`{{ name }}` and nothing else — it becomes a row field), or something the import cannot
 * carry over exactly (any other template).
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export type AssertionValue =
  | { kind: 'absent' }
  | { kind: 'text'; text: string }
  /** A number, boolean, object or array written in the config (or read from a .json/.yaml file). */
  | { kind: 'data'; data: unknown }
  | { kind: 'var'; name: string }
  | { kind: 'unsupported'; reason: string };

const WHOLE_VAR = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}$/;
const TEMPLATE_SYNTAX = /\{\{|\{%|\{#/;

/** `baseDir`: the config's folder, where promptfoo resolves `file://` paths. */
export function readAssertionValue(value: unknown, baseDir: string): AssertionValue {
  if (value === undefined || value === null) return { kind: 'absent' };
  if (typeof value !== 'string') return { kind: 'data', data: value };
  if (value.startsWith('file://')) return readFileValue(value, baseDir);
  const whole = WHOLE_VAR.exec(value);
  if (whole) return { kind: 'var', name: whole[1]! };
  if (TEMPLATE_SYNTAX.test(value)) {
    return {
      kind: 'unsupported',
      reason:
        'a template other than one whole var ({{ name }}): rewardkit compares with a fixed text or one row field, so only "{{ name }}" alone maps exactly',
    };
  }
  return { kind: 'text', text: value };
}

function readFileValue(value: string, baseDir: string): AssertionValue {
  const reference = value.slice('file://'.length);
  if (reference.includes(':') && !/^[A-Za-z]:[\\/]/.test(reference)) {
    return { kind: 'unsupported', reason: 'a file://PATH:FUNCTION reference runs code, which rewardkit does not import' };
  }
  const path = resolve(baseDir, reference);
  const extension = extname(path).toLowerCase();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { kind: 'unsupported', reason: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  // promptfoo's processFileReference: .txt is the trimmed text, .json/.yaml/.yml are parsed; scripts run (not imported)
  if (extension === '.txt') return { kind: 'text', text: text.trim() };
  if (extension === '.json' || extension === '.yaml' || extension === '.yml') {
    try {
      return { kind: 'data', data: parseYaml(text) as unknown };
    } catch (error) {
      return { kind: 'unsupported', reason: `${path} is not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  return {
    kind: 'unsupported',
    reason: `a ${extension || 'extensionless'} file: promptfoo runs scripts (.js, .py, …) to compute the value, which rewardkit does not import; expected .txt, .json, .yaml or .yml`,
  };
}
