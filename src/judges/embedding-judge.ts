/**
 * Embedding judge (OpenAI's text_similarity grader with `evaluation_metric: cosine`): embeds the response (or
 * `field`) and the reference with an embedding model and scores their cosine similarity, clamped to [0, 1] — a
 * negative cosine scores 0, its raw value kept in `details.cosine`. The two texts go out in one call through the
 * runtime's embedding path (cache, in-flight dedup, admission and retries per text: runtime/embedding-calls.ts).
 * A row without the reference is not judged: undetermined, marked no_reference (no-reference.ts), no call made.
 * An empty `field` (other than the response, which the reward's empty-response rule handles) scores 0, no call.
 */
import type { RowContext } from '../input/row-view.js';
import type { ComponentError, ComponentResult } from '../result.js';
import { round6 } from '../round6.js';
import type { EmbeddingJudgeSpec } from '../spec/schema.js';
import { asPromptText, recordOf, type Judge, type JudgePrompt } from './judge.js';
import { noReferenceComponent } from './no-reference.js';

export interface EmbeddingJudgeOptions {
  name: string;
  modelKey: string;
  /** Longer texts are cut to this many characters before they are embedded. */
  maxResponseChars: number;
}

/** The label of the call record of an embedding judge. */
const CALL_LABEL = 'embedding';

/** Cosine similarity of two vectors of one length; null when either is the zero vector (no direction). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number | null {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return null;
  return dot / (Math.sqrt(normA) * Math.sqrt(normB));
}

export function createEmbeddingJudge(spec: EmbeddingJudgeSpec, options: EmbeddingJudgeOptions): Judge {
  const base = { name: options.name, kind: 'judge' as const, type: 'embedding', weight: spec.weight };
  /** Every value the selector reaches, as one text (non-strings as JSON), cut to maxResponseChars. */
  const textOf = (context: RowContext, selector: string): string =>
    context.select(selector).map(asPromptText).join('\n').slice(0, options.maxResponseChars);
  const texts = (context: RowContext): { field: string; reference: string } => ({
    field: textOf(context, spec.field),
    reference: textOf(context, spec.reference),
  });

  /** For a dry run: the one call the judge makes (both texts in one request), showing the texts it embeds. */
  const prompts = (context: RowContext): JudgePrompt[] => {
    const { field, reference } = texts(context);
    if (reference.trim() === '' || field.trim() === '') return []; // nothing to embed: no call (see run)
    const shown = `${spec.field}:\n${field}\n\n${spec.reference}:\n${reference}`;
    return [{ label: `${CALL_LABEL} of ${spec.field} and ${spec.reference}`, request: { system: '', user: shown } }];
  };

  async function run(context: RowContext, caller: Parameters<Judge['run']>[1]): Promise<ComponentResult> {
    const { field, reference } = texts(context);
    if (reference.trim() === '') return noReferenceComponent(base, spec.reference);
    if (field.trim() === '') {
      return {
        ...base,
        score: 0,
        status: 'scored',
        rationale: `${spec.field} is empty: nothing to compare`,
        details: { empty: spec.field },
        calls: [],
      };
    }
    const failed = (error: ComponentError, calls: ComponentResult['calls'] = []): ComponentResult => ({
      ...base,
      score: null,
      status: 'error',
      error,
      calls,
    });
    if (!caller.embed)
      return failed({ kind: 'unknown', message: 'this caller cannot embed texts (an embedding judge needs the reward runtime)' });
    const call = await caller.embed([field, reference]);
    const record = recordOf({ label: CALL_LABEL, request: { system: '', user: '' } }, call);
    if (!call.ok) return failed(call.error, [record]);
    const [fieldVector, referenceVector] = call.vectors as [number[], number[]];
    if (fieldVector.length !== referenceVector.length) {
      return failed(
        {
          kind: 'unknown',
          message: `the embeddings differ in length (${fieldVector.length} and ${referenceVector.length}): was the model changed while cached?`,
        },
        [record],
      );
    }
    const cosine = cosineSimilarity(fieldVector, referenceVector);
    if (cosine === null) {
      const zero = fieldVector.every((value) => value === 0) ? spec.field : spec.reference;
      return failed({ kind: 'unknown', message: `the embedding of ${zero} is the zero vector: its cosine is undefined` }, [record]);
    }
    const score = Math.min(1, Math.max(0, cosine));
    const shown = round6(cosine);
    return {
      ...base,
      score,
      status: 'scored',
      rationale:
        cosine < 0
          ? `cosine similarity of ${spec.field} and ${spec.reference}: ${shown} (negative: scored 0)`
          : `cosine similarity of ${spec.field} and ${spec.reference}: ${shown}`,
      details: { cosine, dimensions: fieldVector.length },
      calls: [record],
    };
  }

  return { name: options.name, type: 'embedding', weight: spec.weight, modelKey: options.modelKey, prompts, run };
}
