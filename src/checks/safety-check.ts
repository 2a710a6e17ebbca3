/**
 * `safety` check: forbidden terms (whole words, case-insensitive), forbidden regexes and built-in
 * PII/secret detectors. Any hit scores 0; hits are reported redacted so logs don't leak them.
 */
import type { z } from 'zod';
import type { SafetyCheckSchema } from '../spec/schema.js';
import { selectedText, type Check } from './check.js';
import { findPii, PII_DETECTORS, type PiiKind } from './pii-patterns.js';

type SafetyCheckSpec = z.output<typeof SafetyCheckSchema>;

export function redact(text: string): string {
  return text.length <= 4 ? '***' : `${text.slice(0, 2)}***${text.slice(-1)}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function safetyCheck(spec: SafetyCheckSpec): Check {
  const terms = spec.terms.map((term) => ({
    term,
    pattern: new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegex(term)}(?![\\p{L}\\p{N}_])`, 'iu'),
  }));
  const patterns = spec.patterns.map((source) => ({ source, pattern: new RegExp(source, 'iu') }));
  const piiKinds: PiiKind[] = spec.pii === true ? (Object.keys(PII_DETECTORS) as PiiKind[]) : spec.pii === false ? [] : spec.pii;
  return (context) => {
    const text = selectedText(context, spec.field);
    const hits: string[] = [];
    for (const { term, pattern } of terms) if (pattern.test(text)) hits.push(`term "${term}"`);
    for (const { source, pattern } of patterns) {
      const match = pattern.exec(text);
      if (match) hits.push(`pattern /${source}/ matched "${redact(match[0])}"`);
    }
    for (const { kind, match } of findPii(text, piiKinds)) hits.push(`${kind} "${redact(match)}"`);
    if (hits.length === 0) return { score: 1, message: 'no prohibited content' };
    return {
      score: 0,
      message: `prohibited content: ${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ` (+${hits.length - 5} more)` : ''}`,
      details: { hits },
    };
  };
}
