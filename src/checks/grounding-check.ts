/**
 * `grounding` check: every quote (e.g. each comment's text_excerpt) must occur in the source text after
 * normalising whitespace, quote marks and dashes — and, with `not_from`, must not occur in another text
 * (quoting the guidelines instead of the contract). Score = fraction of quotes grounded.
 */
import type { z } from 'zod';
import type { GroundingCheckSchema } from '../spec/schema.js';
import { selectedText, type Check } from './check.js';

type GroundingCheckSpec = z.output<typeof GroundingCheckSchema>;

/** Folds case, curly quotes, dashes, ellipses and runs of whitespace so formatting differences don't count. */
export function normaliseForQuote(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Strips the quote marks or ellipses a model may wrap an excerpt in. */
function stripWrapping(quote: string): string {
  return quote.replace(/^["'\s.…]+|["'\s.…]+$/g, '');
}

export type QuoteVerdict = 'grounded' | 'not_in_source' | 'from_forbidden_source' | 'too_short' | 'not_a_string';

export function groundingCheck(spec: GroundingCheckSpec): Check {
  return (context) => {
    const selected = context.select(spec.quotes);
    const quotes = selected.length === 1 && Array.isArray(selected[0]) ? selected[0] : selected;
    if (quotes.length === 0) return { score: spec.empty_score, message: `no quotes found at ${spec.quotes}` };
    const source = normaliseForQuote(selectedText(context, spec.source));
    const forbidden = spec.not_from ? normaliseForQuote(selectedText(context, spec.not_from)) : '';
    const verdicts: QuoteVerdict[] = quotes.map((quote) => {
      if (typeof quote !== 'string') return 'not_a_string';
      const needle = stripWrapping(normaliseForQuote(quote));
      if (needle.length < spec.min_chars) return 'too_short';
      if (source.includes(needle)) return 'grounded';
      return forbidden && forbidden.includes(needle) ? 'from_forbidden_source' : 'not_in_source';
    });
    const grounded = verdicts.filter((verdict) => verdict === 'grounded').length;
    const problems = verdicts.map((verdict, index) => (verdict === 'grounded' ? null : `#${index + 1} ${verdict}`)).filter(Boolean);
    return {
      score: grounded / quotes.length,
      message: `${grounded}/${quotes.length} quotes grounded${problems.length ? ` (${problems.join(', ')})` : ''}`,
      details: { verdicts },
    };
  };
}
