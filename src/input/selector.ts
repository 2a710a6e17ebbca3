/**
 * Field selectors: the small path language a spec uses to point into a row,
 * e.g. `metadata.target_document` or `response_json.comments[*].text_excerpt`.
 * Owns parsing and resolving selectors; knows nothing about what the fields mean.
 */

export type SelectorStep = { key: string } | { index: number } | { each: true };

const STEP = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[(\*)\]/y;
const HEAD = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Parses a selector into steps; returns null when the syntax is wrong. */
export function parseSelector(selector: string): SelectorStep[] | null {
  const head = HEAD.exec(selector);
  if (!head) return null;
  const steps: SelectorStep[] = [{ key: head[0] }];
  STEP.lastIndex = head[0].length;
  while (STEP.lastIndex < selector.length) {
    const start = STEP.lastIndex;
    const match = STEP.exec(selector);
    if (!match || match.index !== start) return null;
    if (match[1] !== undefined) steps.push({ key: match[1] });
    else if (match[2] !== undefined) steps.push({ index: Number(match[2]) });
    else steps.push({ each: true });
  }
  return steps;
}

export function isValidSelector(selector: string): boolean {
  return parseSelector(selector) !== null;
}

/** All values the selector reaches (a `[*]` step fans out); missing paths give no values. */
export function selectAll(root: unknown, selector: string): unknown[] {
  const steps = parseSelector(selector);
  if (!steps) throw new Error(`invalid selector "${selector}"`);
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if ('key' in step) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step.key)) {
          next.push((value as Record<string, unknown>)[step.key]);
        }
      } else if ('index' in step) {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if (Array.isArray(value)) {
        next.push(...(value as unknown[]));
      }
    }
    current = next;
  }
  return current;
}

/** The first value the selector reaches, or undefined. */
export function selectOne(root: unknown, selector: string): unknown {
  return selectAll(root, selector)[0];
}

/** True when the selector starts at `response_json` (it needs the response parsed as JSON). */
export function selectorNeedsJson(selector: string): boolean {
  return selector === 'response_json' || selector.startsWith('response_json.') || selector.startsWith('response_json[');
}

/** Text form of a selected value: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}
