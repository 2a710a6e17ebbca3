/**
 * A promptfoo config file read with positions: the YAML parsed (yaml's LineCounter, as spec/load-spec.ts does) and a
 * lookup from a field path (`defaultTest.assert[2].type`) to its line and column, so every import problem can point at
 * the text the user wrote.
 */
import { readFileSync } from 'node:fs';
import { parsePositionedYaml, type Position } from '../../spec/positioned-yaml.js';
import type { SpecProblem } from '../../spec/spec-error.js';

export interface ConfigDocument {
  /** The file as the user named it (used in every problem). */
  file: string;
  /** The config as plain data. */
  raw: unknown;
  /** Line and column of the deepest node that exists along `path` (the key, for a scalar value). */
  position: (path: readonly PropertyKey[]) => Position;
}

/** Reads and parses the file; a file that cannot be read or is not YAML is a list of problems. */
export function readConfigDocument(file: string): ConfigDocument | SpecProblem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return [
      { file, path: '', message: `cannot read the promptfoo config: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` },
    ];
  }
  const parsed = parsePositionedYaml(text, file, 'YAML');
  if (parsed.errors.length > 0) return parsed.errors;
  return { file, raw: parsed.value, position: parsed.position };
}
