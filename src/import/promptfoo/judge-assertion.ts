/**
 * promptfoo's model-graded assertions as rewardkit rubric judges on the built-in promptfoo templates
 * (templates/promptfoo-*.yaml), each with a text verdict read the way promptfoo reads the grader's reply
 * (promptfoo/promptfoo src/matchers/llmGrading.ts):
 * - llm-rubric: the reply's JSON `score` is the score (promptfoo: matchesLlmRubric → runJsonGradingPrompt); `value` is
 *   the rubric; `threshold` → pass_threshold.
 * - g-eval: the reply's JSON `score`, 0–10, divided by 10 (promptfoo: matchesGEval; outside 0–10 is an error there and
 *   here); `value` is the criteria; `threshold` (default 0.7, promptfoo's) → pass_threshold, since promptfoo's pass is
 *   score ≥ threshold alone. The evaluation steps are added by the importer (g-eval-steps.ts).
 * - factuality: the JSON `category` A–E, scored A/B/C/E 1 and D 0 unless `options.factuality` sets
 *   subset/superset/agree/differButFactual/disagree (promptfoo: getFactualityScoreLookup); `value` is the expert answer.
 * - model-graded-closedqa: 1 when the reply's last non-blank character is "Y", 0 when it is "N" (promptfoo:
 *   `output.trimEnd().endsWith('Y')`); `value` is the criterion.
 */
import type { AssertionValue } from './assertion-value.js';
import type { JudgeType } from './assertion-types.js';
import type { FactualityScores } from './promptfoo-config-schema.js';

/** llm-rubric: the number after "score": in the reply (a quoted number too, as promptfoo's Number(score) accepts). */
export const LLM_RUBRIC_SCORE_PATTERN = String.raw`"score"\s*:\s*"?\s*(?<verdict>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)`;
/** factuality: the letter of "category": (promptfoo trims and upper-cases it). */
export const FACTUALITY_CATEGORY_PATTERN = String.raw`"category"\s*:\s*"\s*(?<verdict>[A-Ea-e])\s*"`;
/** model-graded-closedqa: the last non-whitespace character of the reply. */
export const CLOSEDQA_LAST_CHARACTER_PATTERN = String.raw`(?<verdict>\S)\s*$`;

/** g-eval: the same reading of "score", on promptfoo's 0–10 scale. */
export const G_EVAL_SCORE_PATTERN = LLM_RUBRIC_SCORE_PATTERN;
/** promptfoo's g-eval threshold when the assertion sets none. */
export const G_EVAL_DEFAULT_THRESHOLD = 0.7;

export const BUILTIN_TEMPLATE_OF: Record<JudgeType, string> = {
  'llm-rubric': 'promptfoo-llm-rubric',
  'g-eval': 'promptfoo-g-eval',
  factuality: 'promptfoo-factuality',
  'model-graded-closedqa': 'promptfoo-closedqa',
};

/** promptfoo's default factuality scores per category (getFactualityScoreLookup). */
const FACTUALITY_DEFAULTS = { A: 1, B: 1, C: 1, D: 0, E: 1 } as const;

export interface JudgeAssertion {
  type: JudgeType;
  value: AssertionValue;
  threshold: number | undefined;
  factuality: FactualityScores | undefined;
}

export type JudgeFields = { ok: true; fields: Record<string, unknown> } | { ok: false; field: 'value' | 'threshold'; message: string };

/** The judge's own fields (type, instructions, verdict, pass_threshold; not name, weight, model or template). */
export function judgeFieldsOf(assertion: JudgeAssertion): JudgeFields {
  const { type, value } = assertion;
  switch (type) {
    case 'llm-rubric': {
      const rubric = fixedText(value, 'the rubric');
      if (!rubric.ok) return rubric;
      const threshold = assertion.threshold;
      if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
        return { ok: false, field: 'threshold', message: 'expected a threshold in [0, 1] (the imported score is in [0, 1])' };
      }
      return {
        ok: true,
        fields: {
          type: 'rubric',
          instructions: rubric.text,
          verdict: { format: 'regex', pattern: LLM_RUBRIC_SCORE_PATTERN, scale: [0, 1] },
          ...(threshold === undefined ? {} : { pass_threshold: threshold }),
        },
      };
    }
    case 'g-eval': {
      if (value.kind === 'data' && Array.isArray(value.data)) {
        return {
          ok: false,
          field: 'value',
          message:
            'not supported: a list of criteria — promptfoo scores each apart and averages them, and a failed one fails the whole assertion; write one g-eval assertion per criterion',
        };
      }
      const criteria = fixedText(value, 'the criteria');
      if (!criteria.ok) return criteria;
      const threshold = assertion.threshold ?? G_EVAL_DEFAULT_THRESHOLD;
      if (!(threshold >= 0 && threshold <= 1)) {
        return { ok: false, field: 'threshold', message: 'expected a threshold in [0, 1] (promptfoo compares it with score / 10)' };
      }
      return {
        ok: true,
        fields: {
          type: 'rubric',
          instructions: criteria.text,
          verdict: { format: 'regex', pattern: G_EVAL_SCORE_PATTERN, scale: [0, 10] },
          pass_threshold: threshold,
        },
      };
    }
    case 'factuality': {
      if (value.kind !== 'var') {
        return {
          ok: false,
          field: 'value',
          message:
            'expected the expert answer as one whole var, e.g. "{{ answer }}" (it becomes the row\'s reference, which differs row by row)',
        };
      }
      const scores = factualityScores(assertion.factuality ?? {});
      return { ok: true, fields: { type: 'rubric', verdict: { format: 'regex', pattern: FACTUALITY_CATEGORY_PATTERN, scores } } };
    }
    case 'model-graded-closedqa': {
      const criterion = fixedText(value, 'the criterion');
      if (!criterion.ok) return criterion;
      return {
        ok: true,
        fields: {
          type: 'rubric',
          instructions: criterion.text,
          verdict: { format: 'regex', pattern: CLOSEDQA_LAST_CHARACTER_PATTERN, scores: { Y: 1, N: 0 } },
        },
      };
    }
  }
}

/** Category letter (both cases, as promptfoo upper-cases it) → score. */
function factualityScores(overrides: FactualityScores): Record<string, number> {
  const scores: Record<string, number> = {
    A: overrides.subset ?? FACTUALITY_DEFAULTS.A,
    B: overrides.superset ?? FACTUALITY_DEFAULTS.B,
    C: overrides.agree ?? FACTUALITY_DEFAULTS.C,
    D: overrides.disagree ?? FACTUALITY_DEFAULTS.D,
    E: overrides.differButFactual ?? FACTUALITY_DEFAULTS.E,
  };
  for (const [letter, score] of Object.entries({ ...scores })) scores[letter.toLowerCase()] = score;
  return scores;
}

function fixedText(value: AssertionValue, what: string): { ok: true; text: string } | { ok: false; field: 'value'; message: string } {
  if (value.kind === 'text' && value.text.trim() !== '') return { ok: true, text: value.text };
  if (value.kind === 'var') {
    return {
      ok: false,
      field: 'value',
      message: `not supported: ${what} taken from a var — the import shows the judge ${what} as fixed text; write it in the assertion`,
    };
  }
  if (value.kind === 'unsupported') return { ok: false, field: 'value', message: `not supported: ${value.reason}` };
  return { ok: false, field: 'value', message: `expected ${what} as text` };
}
