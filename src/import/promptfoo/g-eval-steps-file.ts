/**
 * `--g-eval-steps FILE`: evaluation steps the user supplies instead of having the grader write them at import (offline,
 * or to pin steps already reviewed). The file is YAML or JSON, one of:
 * - a list of steps, or promptfoo's own reply shape `{"steps": [...]}` — for every g-eval assertion of the config;
 * - a mapping from the imported judge's name (the assertion's metric in snake_case, else `g_eval`, `g_eval_2`, …) to
 *   such a list or `{steps: [...]}`.
 * Every list must be non-empty and hold non-blank text, as promptfoo requires of the steps its grader writes.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const StepListSchema = z
  .array(
    z.string().refine((step) => step.trim() !== '', { message: 'expected a non-blank step' }),
    {
      error: 'expected a list of steps (text)',
    },
  )
  .min(1, { message: 'expected at least one step' });
const StepsSchema = z
  .union([StepListSchema, z.strictObject({ steps: StepListSchema })])
  .transform((value) => (Array.isArray(value) ? value : value.steps));

export type StepsFile = { kind: 'shared'; steps: string[] } | { kind: 'by-name'; steps: Record<string, string[]> };

/** The file's steps, or what is wrong with it: the field's path in the file ('' for the whole file) and a message. */
export function readStepsFile(path: string): StepsFile | { error: { path: string; message: string } } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: { path: '', message: `cannot read the steps file: ${code ?? (error as Error).message.split('\n')[0]}` } };
  }
  const shared = StepsSchema.safeParse(raw);
  if (shared.success) return { kind: 'shared', steps: shared.data };
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('steps' in raw)) {
    const byName = z.record(z.string(), StepsSchema).safeParse(raw);
    if (byName.success) return { kind: 'by-name', steps: byName.data };
    return { error: firstIssue(byName.error) };
  }
  return { error: firstIssue(shared.error) };
}

function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0]!;
  return {
    path: issue.path.join('.'),
    message: `${issue.message} (expected a list of steps, {steps: [...]}, or a mapping from judge name to either)`,
  };
}
