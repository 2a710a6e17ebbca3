/**
 * OpenAI grader templates (`{{ item.* }}`, `{{ sample.* }}`) and what each variable is in rewardkit: a field selector
 * (for checks) or a judge-template variable (for model graders). Rows are Nova RFT rows — an OpenAI RFT row (messages,
 * reference_answer, its other fields) with the rollout as the last assistant message; the spec the import writes says
 * `input.format: nova` — so:
 *
 *   {{sample.output_text}}        → response             (the rollout's final answer)
 *   {{sample.output_json.a[0]}}   → response_json.a[0]   (selectors only: templates show text, not parsed JSON)
 *   {{item.reference_answer.x}}   → reference.x
 *   {{item.X.y}}                  → metadata.X.y         (every other row field lands in metadata)
 *
 * Anything else has no exact rewardkit equivalent and is a problem with the reason: sample.output_tools / choices /
 * output_audio, the whole {{item}}, and the row fields rewardkit reads itself (id, messages, metadata), which never
 * reach metadata as they are.
 */

/** One piece of a template text: literal text or a `{{ … }}` variable (its inside, trimmed). */
export type TemplatePiece = { text: string } | { variable: string };

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** `.key` (a selector key) or `[n]`, after the namespace. */
const STEP = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]/y;
const NAMESPACE = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Row fields rewardkit reads itself: in a row they never land in `metadata`. */
const RESERVED_ITEM_FIELDS = ['id', 'messages', 'metadata'];
const SAMPLE_WITHOUT_EQUIVALENT: Record<string, string> = {
  output_tools:
    "the rollout's tool calls have no rewardkit selector (rewardkit scores the final assistant answer; tool calls reach judges only as context)",
  choices: 'rewardkit scores one answer per row: the chat completion choices have no selector',
  output_audio: 'rewardkit scores text: audio output has no selector',
};

export function templatePieces(template: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let last = 0;
  for (const match of template.matchAll(VARIABLE)) {
    if (match.index > last) pieces.push({ text: template.slice(last, match.index) });
    pieces.push({ variable: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < template.length) pieces.push({ text: template.slice(last) });
  return pieces;
}

/** What a grader's `input` / `reference` text is: exactly one variable, a fixed text, or a mix (no exact equivalent). */
export type TemplateText = { kind: 'variable'; variable: string } | { kind: 'literal'; text: string } | { kind: 'mixed' };

export function classifyTemplate(template: string): TemplateText {
  const pieces = templatePieces(template);
  if (pieces.length === 1 && 'variable' in pieces[0]!) return { kind: 'variable', variable: pieces[0].variable };
  if (pieces.every((piece) => 'text' in piece)) return { kind: 'literal', text: template };
  return { kind: 'mixed' };
}

type Step = { key: string } | { index: number };
export type Mapped<T> = { ok: true; value: T } | { ok: false; message: string };

function parseVariable(variable: string): { namespace: string; steps: Step[] } | null {
  const head = NAMESPACE.exec(variable);
  if (!head) return null;
  const steps: Step[] = [];
  STEP.lastIndex = head[0].length;
  while (STEP.lastIndex < variable.length) {
    const start = STEP.lastIndex;
    const match = STEP.exec(variable);
    if (!match || match.index !== start) return null;
    steps.push(match[1] !== undefined ? { key: match[1] } : { index: Number(match[2]) });
  }
  return { namespace: head[0], steps };
}

const stepsText = (steps: readonly Step[]) => steps.map((step) => ('key' in step ? `.${step.key}` : `[${step.index}]`)).join('');

/** The rewardkit field selector for `{{variable}}` (a check's field or expected value). */
export function selectorFor(variable: string): Mapped<string> {
  const parsed = parseVariable(variable);
  const shown = `{{${variable}}}`;
  if (!parsed) {
    return fail(
      `${shown} is not a variable rewardkit can read: expected item.FIELD or sample.output_text / sample.output_json.FIELD, with .key and [n] steps`,
    );
  }
  const { namespace, steps } = parsed;
  const [first, ...rest] = steps;
  if (namespace === 'sample') {
    const name = first && 'key' in first ? first.key : undefined;
    if (name === 'output_text') {
      return rest.length === 0 ? ok('response') : fail(`${shown}: sample.output_text is the answer text; it has no fields`);
    }
    if (name === 'output_json') return ok(`response_json${stepsText(rest)}`);
    if (name !== undefined && Object.hasOwn(SAMPLE_WITHOUT_EQUIVALENT, name)) {
      return fail(`${shown} is not supported: ${SAMPLE_WITHOUT_EQUIVALENT[name]}`);
    }
    return fail(`${shown} is not supported: expected sample.output_text or sample.output_json`);
  }
  if (namespace === 'item') {
    if (!first || !('key' in first)) return fail(`${shown} is not supported: expected a field of the row, item.FIELD`);
    if (first.key === 'reference_answer') return ok(`reference${stepsText(rest)}`);
    if (RESERVED_ITEM_FIELDS.includes(first.key)) {
      return fail(
        `${shown} is not supported: rewardkit reads the row field "${first.key}" itself (${RESERVED_ITEM_FIELDS.join(', ')}), so it is not available as a plain field`,
      );
    }
    return ok(`metadata${stepsText(steps)}`);
  }
  return fail(`${shown} is not supported: OpenAI templates read only the item and sample namespaces`);
}

/** The rewardkit judge-template variable for `{{variable}}` in a model grader's message. */
export function templateVariableFor(variable: string): Mapped<string> {
  const selector = selectorFor(variable);
  if (!selector.ok) return selector;
  const shown = `{{${variable}}}`;
  if (selector.value.startsWith('response_json')) {
    return fail(
      `${shown} is not supported in a model grader's message: rewardkit judge templates show the answer as text ({{sample.output_text}}), not its parsed JSON`,
    );
  }
  if (selector.value.includes('['))
    return fail(`${shown} is not supported in a model grader's message: a template variable cannot index a list`);
  if (selector.value.startsWith('reference.')) {
    return fail(`${shown} is not supported in a model grader's message: the reference is shown whole ({{item.reference_answer}})`);
  }
  return ok(selector.value);
}

function ok<T>(value: T): Mapped<T> {
  return { ok: true, value };
}

function fail(message: string): Mapped<never> {
  return { ok: false, message };
}
