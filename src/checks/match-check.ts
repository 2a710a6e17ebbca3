/**
 * `match` check (verifiable rewards): compare the response (or a field) with the expected value by
 * exact text, containment, regex or number with tolerance. Score 1 or 0. Without an expected value (no
 * reference in the row, unless mode regex has its own `pattern`) it is undetermined and marked no_reference.
 * `trim: false` compares exact and contains on the text exactly as given; `negate` turns the score into 1 − score
 * (an undetermined result stays undetermined).
 */
import type { z } from 'zod';
import type { MatchCheckSchema } from '../spec/schema.js';
import { NO_REFERENCE } from '../result.js';
import type { RowContext } from '../input/row-view.js';
import { selectedText, type Check, type CheckOutcome } from './check.js';

type MatchCheckSpec = z.output<typeof MatchCheckSchema>;

/** Last number in the text ("The answer is 1,234.5" → 1234.5); null when there is none. */
export function lastNumber(text: string): number | null {
  const matches = [...text.matchAll(/-?\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?|-?\.\d+/g)];
  const last = matches[matches.length - 1];
  if (!last) return null;
  const value = Number(last[0].replace(/,/g, ''));
  return Number.isFinite(value) ? value : null;
}

function extracted(text: string, extract: RegExp | undefined): string | null {
  if (!extract) return text;
  const matches = [...text.matchAll(extract)];
  const last = matches[matches.length - 1];
  if (!last) return null;
  return last[1] ?? last[0];
}

export function matchCheck(spec: MatchCheckSpec): Check {
  const check = positiveMatchCheck(spec);
  if (!spec.negate) return check;
  return (context) => {
    const outcome = check(context);
    if (outcome.score === null) return outcome;
    return { ...outcome, score: 1 - outcome.score, message: `not (${outcome.message})` };
  };
}

/** The check without `negate`. */
function positiveMatchCheck(spec: MatchCheckSpec): (context: RowContext) => CheckOutcome {
  const extract = spec.extract ? new RegExp(spec.extract, 'gu') : undefined;
  const needsExpected = !(spec.mode === 'regex' && spec.pattern !== undefined);
  return (context) => {
    const expected = selectedText(context, spec.expected);
    if (needsExpected && expected.trim() === '') {
      const message = `no expected value: ${spec.expected} is missing or empty in this row`;
      return { score: null, message, details: { [NO_REFERENCE]: true, missing: spec.expected } };
    }
    const actual = extracted(selectedText(context, spec.field), extract);
    if (actual === null) return { score: 0, message: `nothing matched extract /${spec.extract}/` };
    const fold = (text: string) => {
      const trimmed = spec.trim ? text.trim() : text;
      return spec.case_sensitive ? trimmed : trimmed.toLowerCase();
    };
    switch (spec.mode) {
      case 'exact': {
        const ok = fold(actual) === fold(expected);
        return { score: ok ? 1 : 0, message: ok ? 'exact match' : 'no exact match' };
      }
      case 'contains': {
        const ok = expected.trim() !== '' && fold(actual).includes(fold(expected));
        return { score: ok ? 1 : 0, message: ok ? 'contains the expected text' : 'does not contain the expected text' };
      }
      case 'regex': {
        const pattern = new RegExp(spec.pattern ?? expected, spec.case_sensitive ? 'u' : 'iu');
        const ok = pattern.test(actual);
        return { score: ok ? 1 : 0, message: ok ? 'regex matched' : 'regex did not match' };
      }
      case 'numeric': {
        const got = lastNumber(actual);
        const want = lastNumber(expected);
        if (want === null) return { score: 0, message: `expected value ${JSON.stringify(expected.slice(0, 40))} has no number` };
        if (got === null) return { score: 0, message: 'no number in the response' };
        const allowed = Math.max(spec.tolerance, spec.relative_tolerance * Math.abs(want));
        const ok = Math.abs(got - want) <= allowed;
        return {
          score: ok ? 1 : 0,
          message: `${got} vs ${want}${ok ? ' within' : ' outside'} tolerance ${allowed}`,
          details: { got, want },
        };
      }
    }
  };
}
