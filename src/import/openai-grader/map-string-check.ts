/**
 * OpenAI `string_check` → a rewardkit `match` check. OpenAI's graders guide defines the operations: eq — input equals
 * the reference, case-sensitive; ne — does not; like — input contains the reference, case-sensitive; ilike — contains,
 * not case-sensitive; each scores 1 or 0. So the check compares without trimming (`trim: false`), case-sensitive but
 * for ilike, and `ne` is eq with `negate: true`.
 *
 * input and reference are templates: one variable each becomes the check's `field` / `expected` selectors. A fixed
 * reference text becomes `mode: regex` with the text escaped (anchored ^…$ for eq/ne), which matches exactly the same
 * texts; a fixed input with a variable reference works for eq/ne (equality is symmetric), not for like/ilike. Two
 * fixed texts, or text mixed with variables, have no exact equivalent: problems.
 */
import { type MapContext, type MappedComponent } from './mapped-component.js';
import type { StringCheckGrader } from './grader-schema.js';
import { classifyTemplate, selectorFor, type TemplateText } from './template-variables.js';

export function mapStringCheck(grader: StringCheckGrader, context: MapContext): MappedComponent | undefined {
  const { path, problems } = context;
  const input = readSide(grader.input, 'input', context);
  const reference = readSide(grader.reference, 'reference', context);
  if (!input || !reference) return undefined;
  const equality = grader.operation === 'eq' || grader.operation === 'ne';
  const base = {
    type: 'match',
    name: context.name,
    case_sensitive: grader.operation !== 'ilike',
    trim: false,
    ...(grader.operation === 'ne' ? { negate: true } : {}),
  };
  if (grader.operation === 'ilike') {
    problems.note(
      `${context.name} (ilike): case is ignored by Unicode lower-casing (JavaScript's); OpenAI does not document its case folding, and the two can differ on a few non-ASCII letters.`,
    );
  }
  const check = (component: Record<string, unknown>): MappedComponent => ({
    section: 'checks',
    component: { ...base, ...component },
    range: [0, 1],
  });

  if (input.kind === 'selector' && reference.kind === 'selector') {
    problems.note(
      `${context.name}: a row where ${reference.selector} is missing or empty is not scored by this check (undetermined, flagged no_reference), where OpenAI would compare with an empty text.`,
    );
    return check({ mode: equality ? 'exact' : 'contains', field: input.selector, expected: reference.selector });
  }
  if (input.kind === 'selector' && reference.kind === 'literal') {
    return check({ mode: 'regex', field: input.selector, pattern: literalPattern(reference.text, equality) });
  }
  if (input.kind === 'literal' && reference.kind === 'selector') {
    if (equality) return check({ mode: 'regex', field: reference.selector, pattern: literalPattern(input.text, true) });
    problems.add(
      [...path, 'input'],
      `a fixed input text with a templated reference ("does this fixed text contain the row's value?") has no rewardkit match check; expected input to be a template such as {{sample.output_text}}`,
      grader.input,
    );
    return undefined;
  }
  problems.add(
    [...path, 'input'],
    'input and reference are both fixed texts (no {{item.*}} / {{sample.*}} variable): the grader scores every row the same; expected at least one template',
    grader.input,
  );
  return undefined;
}

type Side = { kind: 'selector'; selector: string } | { kind: 'literal'; text: string };

/** One side (input or reference) as a selector or a fixed text; a problem (undefined) otherwise. */
function readSide(template: string, key: 'input' | 'reference', context: MapContext): Side | undefined {
  const parsed: TemplateText = classifyTemplate(template);
  const at = [...context.path, key];
  if (parsed.kind === 'literal') return { kind: 'literal', text: parsed.text };
  if (parsed.kind === 'mixed') {
    context.problems.add(
      at,
      'text mixed with template variables has no exact rewardkit equivalent (a check compares one field); expected exactly one variable such as {{item.FIELD}}, or a fixed text',
      template,
    );
    return undefined;
  }
  const selector = selectorFor(parsed.variable);
  if (!selector.ok) {
    context.problems.add(at, selector.message, template);
    return undefined;
  }
  return { kind: 'selector', selector: selector.value };
}

/** A regex that matches exactly what eq (whole text) or like (contains) matches for a fixed text. */
function literalPattern(text: string, whole: boolean): string {
  const escaped = text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  return whole ? `^(?:${escaped})$` : escaped;
}
