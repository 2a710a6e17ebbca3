/**
 * The grader file as text with positions: parses the JSON (with the `yaml` package, which reads JSON and keeps every
 * node's range) and answers where a path in it is, as line and column — so each import problem can say
 * file:line:column like a spec error does. Owns reading the file and its syntax errors; knows nothing of graders.
 */
import { parsePositionedYaml, type Position } from '../../spec/positioned-yaml.js';
import { formatProblem } from '../../spec/spec-error.js';
import { ImportError } from '../imported-spec.js';

export interface GraderDocument {
  file: string;
  /** The parsed JSON value. */
  value: unknown;
  /** Line and column of the deepest node that exists along `path`. */
  position: (path: readonly PropertyKey[]) => Position;
}

/** Parses the grader file's text; a syntax error is an ImportError naming its line and column. */
export function readGraderDocument(text: string, file: string): GraderDocument {
  const parsed = parsePositionedYaml(text, file, 'JSON');
  if (parsed.errors.length > 0) throw new ImportError(`OpenAI grader ${file}`, parsed.errors, formatProblem);
  return { file, value: parsed.value, position: parsed.position };
}
