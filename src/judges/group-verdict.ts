/**
 * The group judge's verdict: its JSON Schema (exactly one required entry per rollout label, so structured output
 * cannot return a wrong count) and the reader of a reply. A reply that still misses or adds a rollout is a
 * parse_error for the whole call, and a score off the scale is out_of_scale — never a guessed or clamped score.
 */
import type { VerdictReading } from './judge.js';
import { field, findEntry, readNumber, readText } from './verdict-values.js';

export interface GroupVerdict {
  /** By label: the raw score on the judge's scale and its rationale. */
  entries: Record<string, { score: number; rationale: string }>;
}

export function groupVerdictSchema(labels: readonly string[], scale: readonly [number, number]): Record<string, unknown> {
  const entry = {
    type: 'object',
    properties: { rationale: { type: 'string' }, score: { type: 'integer', minimum: scale[0], maximum: scale[1] } },
    required: ['rationale', 'score'],
    additionalProperties: false,
  };
  return {
    type: 'object',
    properties: {
      rollouts: {
        type: 'object',
        properties: Object.fromEntries(labels.map((label) => [label, entry])),
        required: [...labels],
        additionalProperties: false,
      },
    },
    required: ['rollouts'],
    additionalProperties: false,
  };
}

/**
 * Reads `{rollouts: {A: {rationale, score}, …}}` — or the entries under `scores`, or at the top level; keyed by label
 * ("A", "rollout_a", "Rollout A") or as a list of {id | label | name, score, rationale}.
 */
export function readGroupVerdict(
  json: Record<string, unknown>,
  labels: readonly string[],
  scale: readonly [number, number],
): VerdictReading<GroupVerdict> {
  const section = findEntry(json, 'rollouts') ?? findEntry(json, 'scores') ?? json;
  const found = entriesOf(section);
  if (typeof found === 'string') return parseError(found);
  const wanted = new Map(labels.map((label) => [labelKey(label), label]));
  const byLabel = new Map<string, unknown>();
  const unexpected: string[] = [];
  for (const [key, value] of found) {
    const label = wanted.get(labelKey(key));
    if (label === undefined) unexpected.push(key);
    else if (byLabel.has(label)) unexpected.push(`${label} (repeated)`);
    else byLabel.set(label, value);
  }
  const missing = labels.filter((label) => !byLabel.has(label));
  const range = labels.length === 1 ? labels[0]! : `${labels[0]}–${labels[labels.length - 1]}`;
  const countProblems = [
    missing.length > 0 ? `missing score for rollout(s) ${missing.join(', ')}` : '',
    unexpected.length > 0 ? `unexpected rollout(s) ${unexpected.join(', ')}: the group has ${labels.length} (${range})` : '',
  ].filter(Boolean);
  if (countProblems.length > 0) return parseError(countProblems.join('; '));

  const entries: GroupVerdict['entries'] = {};
  const unreadable: string[] = [];
  const offScale: string[] = [];
  for (const label of labels) {
    const entry = byLabel.get(label);
    const score = readNumber(entry !== null && typeof entry === 'object' ? field(entry, 'score', 'rating', 'value') : entry);
    if (score === undefined) {
      unreadable.push(label);
      continue;
    }
    if (score < scale[0] || score > scale[1]) {
      offScale.push(`${label}=${score}`);
      continue;
    }
    entries[label] = { score, rationale: readText(field(entry, 'rationale', 'reasoning', 'justification', 'explanation', 'reason')) };
  }
  if (unreadable.length > 0) return parseError(`unreadable score for rollout(s) ${unreadable.join(', ')}`);
  if (offScale.length > 0) {
    return {
      ok: false,
      error: { kind: 'out_of_scale', message: `score outside the scale ${scale[0]}–${scale[1]}: ${offScale.join(', ')}` },
    };
  }
  return { ok: true, verdict: { entries } };
}

/** The (key, entry) pairs of a verdict section, or why it holds none. */
function entriesOf(section: unknown): Array<[string, unknown]> | string {
  if (Array.isArray(section)) {
    const pairs: Array<[string, unknown]> = [];
    for (const [index, entry] of section.entries()) {
      const key = entry !== null && typeof entry === 'object' ? field(entry, 'id', 'label', 'name', 'rollout') : undefined;
      if (typeof key !== 'string' && typeof key !== 'number') return `rollout entry ${index + 1} of the list has no label (id)`;
      pairs.push([String(key), entry]);
    }
    return pairs;
  }
  if (section !== null && typeof section === 'object') return Object.entries(section);
  return 'expected an object of rollout scores keyed by label';
}

/** "A", "a", "rollout_a", "Rollout A" → "a". */
function labelKey(key: string): string {
  return key
    .toLowerCase()
    .replace(/[\s_-]+/g, '')
    .replace(/^rollout/, '');
}

function parseError(message: string): VerdictReading<GroupVerdict> {
  return { ok: false, error: { kind: 'parse_error', message } };
}
