/**
 * Where rewardkit's built-in judge templates are, and the names a spec may give `template:` for one of them:
 * each YAML file at the top of that folder, by its name without `.yaml` (e.g. `mt-bench-single`). The judges'
 * own defaults (judges/judge-template.ts, BUILTIN_TEMPLATES) are files of the same folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file every templates folder has: how a candidate folder is recognised. */
const MARKER_FILE = 'preference.yaml';

/**
 * Where the built-in templates are: $REWARDKIT_TEMPLATES_DIR, else `templates/` two levels up from this
 * module (src/spec/ in development, dist/spec/ when installed), else `templates/` beside it (a
 * single-file bundle such as the Lambda's ships them next to index.mjs).
 */
export function builtinTemplatesDir(): string {
  const candidates = [
    process.env.REWARDKIT_TEMPLATES_DIR,
    fileURLToPath(new URL('../../templates/', import.meta.url)),
    fileURLToPath(new URL('./templates/', import.meta.url)),
  ].filter((dir): dir is string => !!dir);
  return candidates.find((dir) => existsSync(join(dir, MARKER_FILE))) ?? candidates[0]!;
}

/** The names of the built-in templates, sorted. */
export function builtinTemplateNames(): string[] {
  let files: string[];
  try {
    files = readdirSync(builtinTemplatesDir(), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
      .map((entry) => entry.name);
  } catch {
    return [];
  }
  return files.map((file) => file.slice(0, -'.yaml'.length)).sort();
}

/** True when a spec's `template:` value is a bare name (no folder, no .yaml/.yml suffix), not a path. */
export function isTemplateName(value: string): boolean {
  return !/[/\\]/.test(value) && !/\.ya?ml$/i.test(value);
}

/** The path of the built-in template `name`, or null when there is none by that name. */
export function builtinTemplateFile(name: string): string | null {
  return builtinTemplateNames().includes(name) ? join(builtinTemplatesDir(), `${name}.yaml`) : null;
}
