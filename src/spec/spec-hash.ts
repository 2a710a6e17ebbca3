/**
 * The spec's fingerprint for provenance: SHA-256 of the normalised spec (after defaults and overrides),
 * as canonical JSON with sorted keys. Files the spec points to (a check's `schema_file`, a judge's
 * `template`) count by their content, not their path, so the same spec gives the same hash on every
 * machine and editing a referenced file changes it. Every result carries it as `spec_hash`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RewardSpec } from './schema.js';

/** The spec keys whose string value is a file path (the hash covers the file's contents; a queued run carries the file). */
export const FILE_KEYS: ReadonlySet<string> = new Set(['schema_file', 'template']);

export function specHash(spec: RewardSpec): string {
  return sha256(canonicalJson(spec, undefined));
}

function canonicalJson(value: unknown, key: string | undefined): string {
  if (key !== undefined && FILE_KEYS.has(key) && typeof value === 'string') return JSON.stringify(fileFingerprint(value));
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, undefined)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item, name)}`).join(',')}}`;
}

function fileFingerprint(path: string): string {
  try {
    return `sha256:${sha256(readFileSync(path))}`;
  } catch {
    return `unreadable:${path}`; // loadSpec has already checked the file; only a spec built in code gets here
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
