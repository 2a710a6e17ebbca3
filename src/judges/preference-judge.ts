/**
 * Preference judge: the response against another answer (the reference by default), verdict A / B / tie.
 * Position bias is controlled: by default both orders are judged and a verdict that flips with the order
 * counts as a tie. Score: response better 1, tie 0.5, other answer better 0. A row without the other answer
 * (no reference) is not judged: the component is undetermined and flagged no_reference (no-reference.ts).
 */
import { createHash } from 'node:crypto';
import type { RowContext } from '../input/row-view.js';
import type { PreferenceJudgeSpec } from '../spec/schema.js';
import type { ComponentResult } from '../result.js';
import {
  asPromptText,
  firstError,
  rowVariables,
  runPrompt,
  ROW_VARIABLES,
  type Judge,
  type JudgePrompt,
  type PromptOutcome,
  type VerdictReading,
} from './judge.js';
import { loadTemplate } from '../spec/judge-template-file.js';
import { assertKnownVariables, builtinTemplatePath, renderTemplate } from './judge-template.js';
import { lacksText, noReferenceComponent } from './no-reference.js';
import { field, readText } from './verdict-values.js';
import { describeTextFormat, readTextVerdict, type TextVerdict, type TextVerdictFormat } from './verdict-format.js';

export type PairVerdict = 'A' | 'B' | 'tie';
export type Winner = 'response' | 'other' | 'tie';

export interface PreferenceJudgeOptions {
  name: string;
  modelKey: string;
  maxResponseChars: number;
  /** The secret for fence nonces (fence.ts); default: the built-in constant. */
  fenceSecret?: string;
}

interface Order {
  label: 'response-first' | 'response-second';
  responseIs: 'A' | 'B';
}

const RESPONSE_FIRST: Order = { label: 'response-first', responseIs: 'A' };
const RESPONSE_SECOND: Order = { label: 'response-second', responseIs: 'B' };

export const WINNER_SCORE: Record<Winner, number> = { response: 1, tie: 0.5, other: 0 };

export function createPreferenceJudge(spec: PreferenceJudgeSpec, options: PreferenceJudgeOptions): Judge {
  // verdict: {format: pairwise} — [[A]]/[[B]]/[[C]] or Arena-Hard's [[A>>B]]… read from text (verdict-format.ts)
  const textFormat: TextVerdictFormat | undefined = spec.verdict?.format === 'pairwise' ? spec.verdict : undefined;
  const template = loadTemplate(spec.template ?? builtinTemplatePath(textFormat ? 'mt-bench-pairwise' : 'preference'));
  const trusted = {
    instructions: spec.instructions ?? '',
    criteria: spec.criteria,
    output_format: textFormat ? describeTextFormat(textFormat) : JSON.stringify({ rationale: '…', verdict: 'A | B | tie' }, null, 2),
  };
  assertKnownVariables(template, Object.keys(trusted), [...ROW_VARIABLES, 'answer_a', 'answer_b']);
  const schema = {
    type: 'object',
    properties: { rationale: { type: 'string' }, verdict: { type: 'string', enum: ['A', 'B', 'tie'] } },
    required: ['rationale', 'verdict'],
    additionalProperties: false,
  };

  const orders = (context: RowContext): Order[] => {
    if (spec.position === 'both') return [RESPONSE_FIRST, RESPONSE_SECOND];
    if (spec.position === 'fixed') return [RESPONSE_FIRST];
    // random: a coin flip seeded by the row id, so a re-run judges the same order
    const byte = createHash('sha256').update(context.view.id).digest()[0]!;
    return [byte % 2 === 0 ? RESPONSE_FIRST : RESPONSE_SECOND];
  };

  const prompts = (context: RowContext): JudgePrompt[] => {
    if (lacksText(context, spec.against)) return []; // nothing to compare with: not judged (see run)
    const variables = rowVariables(context, options.maxResponseChars);
    const response = variables('response') ?? '';
    const other = asPromptText(context.select(spec.against)[0]);
    return orders(context).map((order) => {
      const [answerA, answerB] = order.responseIs === 'A' ? [response, other] : [other, response];
      const rendered = renderTemplate(
        template,
        trusted,
        rowVariables(context, options.maxResponseChars, { answer_a: answerA, answer_b: answerB }),
        options.fenceSecret,
      );
      return {
        label: `order ${order.label}`,
        request: textFormat
          ? { ...rendered, plainText: true, templateVersion: template.version }
          : { ...rendered, schema, schemaName: 'preference_verdict', templateVersion: template.version },
      };
    });
  };

  return {
    name: options.name,
    type: 'preference',
    weight: spec.weight,
    modelKey: options.modelKey,
    prompts,
    async run(context, caller): Promise<ComponentResult> {
      const base = { name: options.name, kind: 'judge' as const, type: 'preference', weight: spec.weight };
      if (lacksText(context, spec.against)) return noReferenceComponent(base, spec.against);
      const chosen = orders(context);
      const list = prompts(context);
      if (textFormat) {
        const read = { fromText: (text: string) => readTextVerdict(text, textFormat) };
        const textOutcomes = await Promise.all(list.map((prompt) => runPrompt(prompt, caller, read)));
        return scoreTextOutcomes(base, textOutcomes, chosen, list);
      }
      const outcomes = await Promise.all(list.map((prompt) => runPrompt(prompt, caller, readPreferenceVerdict)));
      const calls = outcomes.map((outcome) => outcome.record);
      const error = firstError(outcomes);
      if (error) return { ...base, score: null, status: 'error', error, calls };
      const winners = outcomes.map((outcome, index) => toWinner(outcome.verdict!.verdict, chosen[index]!));
      const flipped = winners.length === 2 && winners[0] !== winners[1];
      const winner: Winner = flipped ? 'tie' : winners[0]!;
      return {
        ...base,
        score: WINNER_SCORE[winner],
        status: 'scored',
        rationale: outcomes
          .map((outcome, index) => `[${list[index]!.label}] ${outcome.verdict!.verdict}: ${outcome.verdict!.rationale}`)
          .join('\n'),
        details: {
          winner,
          per_order: Object.fromEntries(chosen.map((order, index) => [order.label, winners[index]])),
          position_flip: flipped,
        },
        calls,
      };
    },
  };
}

/**
 * A pairwise text verdict per order: the response's score is answer A's score when it was A, else 1 − it; the component
 * scores their mean, so a verdict that flips with the order averages out (a full flip is 0.5, a tie).
 */
function scoreTextOutcomes(
  base: { name: string; kind: 'judge'; type: string; weight: number },
  outcomes: ReadonlyArray<PromptOutcome<TextVerdict>>,
  chosen: readonly Order[],
  list: readonly JudgePrompt[],
): ComponentResult {
  const calls = outcomes.map((outcome) => outcome.record);
  const error = firstError(outcomes);
  if (error) return { ...base, score: null, status: 'error', error, calls };
  const scores = outcomes.map((outcome, index) => {
    const ofA = outcome.verdict!.score;
    return chosen[index]!.responseIs === 'A' ? ofA : 1 - ofA;
  });
  const winnerOf = (score: number): Winner => (score > 0.5 ? 'response' : score < 0.5 ? 'other' : 'tie');
  const winners = scores.map(winnerOf);
  const score = scores.reduce((sum, value) => sum + value, 0) / scores.length;
  return {
    ...base,
    score,
    status: 'scored',
    rationale: outcomes.map((outcome, index) => `[${list[index]!.label}] [[${outcome.verdict!.label}]]`).join('\n'),
    details: {
      winner: winnerOf(score),
      per_order: Object.fromEntries(chosen.map((order, index) => [order.label, winners[index]])),
      per_order_verdict: Object.fromEntries(chosen.map((order, index) => [order.label, outcomes[index]!.verdict!.label])),
      position_flip: winners.length === 2 && winners[0] !== winners[1],
    },
    calls,
  };
}

/** Which answer won, given the verdict and where the response was placed. */
export function toWinner(verdict: PairVerdict, order: Order): Winner {
  if (verdict === 'tie') return 'tie';
  return verdict === order.responseIs ? 'response' : 'other';
}

export function readPreferenceVerdict(json: Record<string, unknown>): VerdictReading<{ verdict: PairVerdict; rationale: string }> {
  const value = field(json, 'verdict', 'winner', 'preferred', 'preference', 'choice', 'better');
  const verdict = readPairVerdict(value);
  if (!verdict) {
    return {
      ok: false,
      error: {
        kind: 'parse_error',
        message: `expected verdict "A", "B" or "tie", got ${value === undefined ? 'no verdict field' : JSON.stringify(value)}`,
      },
    };
  }
  return { ok: true, verdict: { verdict, rationale: readText(field(json, 'rationale', 'reasoning', 'explanation', 'justification')) } };
}

function readPairVerdict(value: unknown): PairVerdict | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value
    .trim()
    .replace(/^\[\[|\]\]$/g, '')
    .replace(/^(answer|response)\s+/i, '')
    .trim()
    .toLowerCase();
  if (word === 'a') return 'A';
  if (word === 'b') return 'B';
  if (['tie', 'equal', 'draw', 'same', 'c'].includes(word)) return 'tie';
  return undefined;
}
