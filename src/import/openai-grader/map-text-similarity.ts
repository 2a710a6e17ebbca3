/**
 * OpenAI `text_similarity` → a rewardkit `similarity` check with the same metric (fuzzy_match, bleu, gleu, meteor,
 * rouge_1…rouge_5, rouge_l; input is the text graded, reference the text graded against), or, for `cosine`, an
 * `embedding` judge on the model OpenAI's graders guide names for it (text-embedding-3-large, on the openai provider).
 * input and reference must each be one template variable (a field selector); `pass_threshold` becomes the component's.
 */
import type { TextSimilarityGrader } from './grader-schema.js';
import { type MapContext, type MappedComponent } from './mapped-component.js';
import { classifyTemplate, selectorFor } from './template-variables.js';

/** The embedding model OpenAI's graders guide names for the cosine metric. */
const COSINE_EMBEDDING_MODEL = 'text-embedding-3-large';

export function mapTextSimilarity(grader: TextSimilarityGrader, context: MapContext): MappedComponent | undefined {
  const field = selectorOf(grader.input, 'input', context);
  const reference = selectorOf(grader.reference, 'reference', context);
  if (field === undefined || reference === undefined) return undefined;
  const passThreshold = grader.pass_threshold ?? undefined;
  const shared = { name: context.name, field, reference, ...(passThreshold === undefined ? {} : { pass_threshold: passThreshold }) };
  if (grader.evaluation_metric === 'cosine') {
    context.problems.note(
      `${context.name} (cosine): embeds both texts with ${COSINE_EMBEDDING_MODEL} on the openai provider, the model OpenAI's graders guide names (OPENAI_API_KEY); a negative cosine scores 0.`,
    );
    return {
      section: 'judges',
      component: { type: 'embedding', ...shared, model: { provider: 'openai', model: COSINE_EMBEDDING_MODEL } },
      range: [0, 1],
    };
  }
  context.problems.note(
    `${context.name}: a row where ${reference} is missing or empty is not scored (undetermined, flagged no_reference), where OpenAI would compare with an empty text.`,
  );
  if (grader.evaluation_metric === 'fuzzy_match') {
    context.problems.note(
      `${context.name} (fuzzy_match): OpenAI names rapidfuzz but not its scorer; the check uses rapidfuzz's fuzz.ratio / 100 (the similarity check's default scorer) — set scorer: token_sort_ratio or token_set_ratio if your grader was tuned on another.`,
    );
  }
  return { section: 'checks', component: { type: 'similarity', metric: grader.evaluation_metric, ...shared }, range: [0, 1] };
}

function selectorOf(template: string, key: 'input' | 'reference', context: MapContext): string | undefined {
  const at = [...context.path, key];
  const parsed = classifyTemplate(template);
  if (parsed.kind !== 'variable') {
    context.problems.add(
      at,
      `expected exactly one template variable such as {{sample.output_text}} or {{item.FIELD}} (a similarity check compares two row fields); ${parsed.kind === 'literal' ? 'a fixed text has no selector: put it in the rows as a field' : 'text mixed with variables has no exact equivalent'}`,
      template,
    );
    return undefined;
  }
  const selector = selectorFor(parsed.variable);
  if (!selector.ok) {
    context.problems.add(at, selector.message, template);
    return undefined;
  }
  return selector.value;
}
