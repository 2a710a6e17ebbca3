/**
 * A judge that compares with a reference the row does not have (OpenRLHF's `""` without --label_key, verl's
 * `None`, a Nova row without `reference_answer`) cannot judge it: its component is `undetermined` (score null),
 * marked `details.no_reference`, and left out of the mean — not a judge error, and no call is made. The reward
 * puts the row-level flag `no_reference` on every row where a component says so.
 */
import type { RowContext } from '../input/row-view.js';
import { NO_REFERENCE, type ComponentResult } from '../result.js';
import { asPromptText } from './judge.js';

/** True when the selector finds nothing in the row, or its (first) value is null or blank text. */
export function lacksText(context: RowContext, selector: string): boolean {
  const values = context.select(selector);
  return values.length === 0 || asPromptText(values[0]).trim() === '';
}

export function noReferenceComponent(base: Pick<ComponentResult, 'name' | 'kind' | 'type' | 'weight'>, selector: string): ComponentResult {
  return {
    ...base,
    score: null,
    status: 'undetermined',
    rationale: `not judged: no reference — ${selector} is missing or empty in this row`,
    details: { [NO_REFERENCE]: true, missing: selector },
    calls: [],
  };
}
