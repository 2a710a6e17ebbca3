/**
 * Built-in PII and secret detectors for the safety check. Each is a regex plus an optional
 * validator (card numbers must pass the Luhn checksum, phone numbers need 9–15 digits).
 */

export type PiiKind = 'email' | 'phone' | 'credit_card' | 'aws_access_key' | 'private_key' | 'api_token';

interface PiiDetector {
  pattern: RegExp;
  valid?: (match: string) => boolean;
}

export const PII_DETECTORS: Record<PiiKind, PiiDetector> = {
  // the look-behind starts a match only at the beginning of a word: without it a long word costs quadratic time
  email: { pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  phone: {
    // +CC then 6–14 more digits in groups; or the North American (415) 555-0132 / 415-555-0132 shapes.
    // Runs of 4-digit groups (card, order numbers) and dotted quads (IP addresses) do not match.
    pattern:
      /(?<![\w+.])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){1,2}(?:[ .-]?\d{2,4}){2,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[ .-]\d{3}[ .-]\d{4})(?![\w.]*\d)/g,
    valid: (match) => {
      const digits = match.replace(/\D/g, '').length;
      return digits >= 10 && digits <= 15;
    },
  },
  credit_card: { pattern: /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g, valid: (match) => luhnValid(match.replace(/\D/g, '')) },
  aws_access_key: { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  private_key: { pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/g },
  api_token: {
    pattern: /\b(?:sk-(?:proj-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{36}|AIza[0-9A-Za-z_-]{35}|xox[baprs]-[A-Za-z0-9-]{10,})/g,
  },
};

/** The Luhn checksum used by payment card numbers. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Detector order: the most specific first, so a card number is not also reported as a phone number. */
const PRECEDENCE: readonly PiiKind[] = ['private_key', 'aws_access_key', 'api_token', 'credit_card', 'email', 'phone'];

export function findPii(text: string, kinds: readonly PiiKind[]): Array<{ kind: PiiKind; match: string }> {
  const found: Array<{ kind: PiiKind; match: string; start: number; end: number }> = [];
  for (const kind of PRECEDENCE.filter((candidate) => kinds.includes(candidate))) {
    const detector = PII_DETECTORS[kind];
    for (const match of text.matchAll(detector.pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (detector.valid && !detector.valid(match[0])) continue;
      if (found.some((hit) => start < hit.end && end > hit.start)) continue; // already reported as something more specific
      found.push({ kind, match: match[0], start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start).map(({ kind, match }) => ({ kind, match }));
}
