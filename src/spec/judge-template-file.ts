/**
 * A judge template file: YAML with `version`, `system` and `user`. Reads one and checks its shape, so the spec loader
 * can reject a spec whose template is broken before any work, and the judges render what it returns
 * (judges/judge-template.ts).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface JudgeTemplate {
  version: string;
  system: string;
  user: string;
  path: string;
}

const TemplateFileSchema = z.object({
  version: z.string().min(1),
  system: z.string().default(''),
  user: z.string().min(1),
});

export function loadTemplate(path: string): JudgeTemplate {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read judge template ${path}: ${(error as Error).message}`);
  }
  const parsed = TemplateFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`judge template ${path} is invalid: ${problems} (expected YAML with version, system, user)`);
  }
  return { ...parsed.data, path };
}
