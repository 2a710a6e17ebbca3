/**
 * Which promptfoo assertion types the import carries over, and why each other one is refused. A `not-` prefix
 * (promptfoo's inverse) is accepted on every check type, where promptfoo's inverse is the exact complement (the match
 * checks' and the json check's `negate`); on the model-graded types it is refused —
 * promptfoo itself ignores it on factuality and model-graded-closedqa, and inverts llm-rubric's and g-eval's score,
 * which a judge cannot.
 */

export const CHECK_TYPES = ['contains', 'icontains', 'equals', 'regex', 'is-json', 'contains-json'] as const;
export const JUDGE_TYPES = ['llm-rubric', 'g-eval', 'factuality', 'model-graded-closedqa'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];
export type JudgeType = (typeof JUDGE_TYPES)[number];

const SUPPORTED_LIST = `${[...CHECK_TYPES, ...JUDGE_TYPES].join(', ')} (and the not- form of each check type)`;

/** Why a known promptfoo type has no exact rewardkit equivalent (the rest get the generic message). */
const REASONS: Record<string, string> = {
  javascript: 'it runs your JavaScript; write the logic as rewardkit checks or a judge instead',
  python: 'it runs your Python; write the logic as rewardkit checks or a judge instead',
  ruby: 'it runs your Ruby; write the logic as rewardkit checks or a judge instead',
  webhook: 'it calls your web service',
  'assert-set': 'a nested set with its own threshold has no rewardkit component; list its assertions at the top level',
  similar: 'it compares embeddings, which rewardkit judges do not compute',
  'select-best': 'it compares the outputs of several prompts, not one response',
  'max-score': 'it compares the outputs of several prompts, not one response',
};

export type AssertionKind =
  { kind: 'check'; type: CheckType; negate: boolean } | { kind: 'judge'; type: JudgeType } | { kind: 'unsupported'; message: string };

export function classifyAssertion(fullType: string): AssertionKind {
  const negate = fullType.startsWith('not-');
  const type = negate ? fullType.slice('not-'.length) : fullType;
  if ((CHECK_TYPES as readonly string[]).includes(type)) return { kind: 'check', type: type as CheckType, negate };
  if ((JUDGE_TYPES as readonly string[]).includes(type)) {
    if (negate) {
      const why =
        type === 'llm-rubric' || type === 'g-eval'
          ? "promptfoo scores it 1 − the grader's score, which a rewardkit judge cannot"
          : `promptfoo ignores the not- prefix on ${type} (it grades as ${type}), so the intent is unclear`;
      return { kind: 'unsupported', message: notSupported(fullType, why) };
    }
    return { kind: 'judge', type: type as JudgeType };
  }
  const why = REASONS[type] ?? 'rewardkit has no exact equivalent';
  return { kind: 'unsupported', message: notSupported(fullType, why) };
}

function notSupported(type: string, why: string): string {
  return `not supported: ${type} — ${why}; supported: ${SUPPORTED_LIST}`;
}
