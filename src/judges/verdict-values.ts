/**
 * Reading single values out of a parsed verdict, forgivingly but never by guessing:
 * "4", "4/5", " 4.0 " are the number 4; "pass", "yes", "true", 1 are true. Anything else is undefined,
 * which the caller reports as a parse error.
 */

export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?)?\s*$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

const TRUE_WORDS = new Set(['true', 'pass', 'passed', 'yes', 'y', '1', 'met', 'satisfied']);
const FALSE_WORDS = new Set(['false', 'fail', 'failed', 'no', 'n', '0', 'not met', 'unmet', 'not satisfied']);

export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

export function readText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/**
 * Looks up an entry by id in a verdict section given either as an object keyed by id or as a list of
 * {id, …} objects. Keys match case-insensitively, ignoring spaces, dashes and underscores.
 */
export function findEntry(section: unknown, id: string): unknown {
  const wanted = squash(id);
  if (Array.isArray(section)) {
    return section.find((entry) => {
      if (!entry || typeof entry !== 'object') return false;
      const label = (entry as Record<string, unknown>).id ?? (entry as Record<string, unknown>).name;
      return (typeof label === 'string' || typeof label === 'number') && squash(String(label)) === wanted;
    });
  }
  if (section && typeof section === 'object') {
    for (const [key, value] of Object.entries(section)) if (squash(key) === wanted) return value;
  }
  return undefined;
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The first of several accepted names for a verdict field, e.g. field(entry, 'score', 'rating'). */
export function field(entry: unknown, ...names: string[]): unknown {
  if (entry === null || typeof entry !== 'object') return undefined;
  for (const name of names) {
    const value = findEntry(entry, name);
    if (value !== undefined) return value;
  }
  return undefined;
}
