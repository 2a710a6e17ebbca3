/**
 * YAML (or JSON) text read with positions: the parsed value, its syntax errors as problems with line and column, and
 * where a field path (`judges[1].criteria`) is in the text. The reward spec and every importer read their files
 * through this, so each problem says file:line:column the same way.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { SpecProblem } from './spec-error.js';

export interface Position {
  line?: number;
  column?: number;
}

export interface PositionedYaml {
  /** The document as plain data (undefined when it has syntax errors). */
  value: unknown;
  /** Syntax errors, each at its line and column, with the message saying the text is not valid `what`. */
  errors: SpecProblem[];
  /** Line and column of the deepest node that exists along `path` (the key, for a scalar value). */
  position: (path: readonly PropertyKey[]) => Position;
}

/** Parses `text` (duplicate keys are errors); `what` names the format in syntax errors ("YAML", "JSON", "YAML/JSON"). */
export function parsePositionedYaml(text: string, file: string, what: string): PositionedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors = document.errors.map((error): SpecProblem => {
    const position = lineCounter.linePos(error.pos[0]);
    return { file, line: position.line, column: position.col, path: '', message: `not valid ${what}: ${error.message.split('\n')[0]}` };
  });
  return {
    value: errors.length > 0 ? undefined : (document.toJS() as unknown),
    errors,
    position: (path) => locate(document, lineCounter, path),
  };
}

function locate(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): Position {
  let node: unknown = document.contents;
  let found = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      node = pair.value;
      // a scalar value is reported at its key: the line the user reads as "the field"
      found = isMap(node) || isSeq(node) ? node : pair.key;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      found = node;
    } else break;
  }
  const range = (found as { range?: [number, number, number] } | null)?.range;
  if (!range) return {};
  const position = lineCounter.linePos(range[0]);
  return { line: position.line, column: position.col };
}
