/**
 * The run description: what a worker on another machine needs to score a queued run's chunks exactly as the producer
 * would score them itself, stored once per run in Redis (queue-keys.ts). A loaded spec is not self-contained — a
 * judge's `template` and a check's `schema_file` are paths on the producer's machine (built-in templates too) — so
 * the description carries the spec as loaded (judge override, concurrency and prices already applied) with each such
 * file's bytes inlined, the spec hash, the rewardkit version, and the run's settings that change results (cache on or
 * off, cache namespace, row deadline, preflight). A worker writes the files into a folder of its own, validates the
 * spec again and checks it hashes as the producer's did: nothing of the producer's filesystem is read.
 * Judge credentials are never in it: each worker uses its own environment.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { validateSpecObject } from '../spec/load-spec.js';
import type { RewardSpec } from '../spec/schema.js';
import { SpecError } from '../spec/spec-error.js';
import { specHash, FILE_KEYS } from '../spec/spec-hash.js';
import { REWARDKIT_VERSION } from '../version.js';
import { QueueError } from './queue-error.js';

/** What a file path becomes in the description: an index into `files`. */
const FILE_REFERENCE = /^rewardkit-file:(\d+)$/;

export const ScoringSettingsSchema = z.strictObject({
  /** False when the producer said --no-cache: workers then score this run without their cache. */
  cache: z.boolean(),
  cache_namespace: z.string().min(1).optional(),
  row_deadline_ms: z.number().int().positive().optional(),
  /** Whether a worker checks each judge answers before scoring the run's first chunk (--no-preflight: false). */
  preflight: z.boolean(),
});
export type ScoringSettings = z.infer<typeof ScoringSettingsSchema>;

export const RunDescriptionSchema = z.strictObject({
  format: z.literal(1),
  rewardkit_version: z.string().min(1),
  /** host:pid of the producer, for messages. */
  producer: z.string().min(1),
  spec_hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in hex'),
  spec: z.record(z.string(), z.unknown()),
  files: z.array(z.strictObject({ name: z.string().min(1), base64: z.string() })),
  scoring: ScoringSettingsSchema,
});
export type RunDescription = z.infer<typeof RunDescriptionSchema>;

/** The description of a run of `spec` (as loaded: every file it names exists and has been checked). */
export function describeRun(spec: RewardSpec, scoring: ScoringSettings, producer: string): RunDescription {
  const files: RunDescription['files'] = [];
  const indexOfPath = new Map<string, number>();
  const reference = (path: string): string => {
    let index = indexOfPath.get(path);
    if (index === undefined) {
      index = files.length;
      files.push({ name: basename(path), base64: readFileSync(path).toString('base64') });
      indexOfPath.set(path, index);
    }
    return `rewardkit-file:${index}`;
  };
  const inlined = mapFileKeys(spec, reference) as Record<string, unknown>;
  return {
    format: 1,
    rewardkit_version: REWARDKIT_VERSION,
    producer,
    spec_hash: specHash(spec),
    spec: inlined,
    files,
    scoring,
  };
}

/** Parses a stored description (QueueError 'bad_job' when it is not one this rewardkit writes). */
export function parseRunDescription(text: string): RunDescription {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new QueueError('bad_job', `the run description is not JSON: ${(error as Error).message}`);
  }
  const parsed = RunDescriptionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new QueueError('bad_job', `the run description is invalid at ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The run's spec on this machine: its files written into `folder`, validated as a spec file would be, checked to hash
 * as the producer's did. A QueueError: 'version' (another rewardkit), 'spec' (invalid here, or another hash), 'bad_job'.
 */
export function rebuildRunSpec(description: RunDescription, folder: string): RewardSpec {
  if (description.rewardkit_version !== REWARDKIT_VERSION) {
    throw new QueueError(
      'version',
      `the run comes from rewardkit ${description.rewardkit_version} (producer ${description.producer}), this worker is rewardkit ${REWARDKIT_VERSION}: run workers of the producer's version`,
    );
  }
  const paths = description.files.map((file, index) => {
    const path = join(folder, `${index}-${file.name.replace(/[^\w.-]/g, '_')}`);
    writeFileSync(path, Buffer.from(file.base64, 'base64'));
    return path;
  });
  const local = mapFileKeys(description.spec, (value) => {
    const index = FILE_REFERENCE.exec(value)?.[1];
    const path = index === undefined ? undefined : paths[Number(index)];
    if (path === undefined) throw new QueueError('bad_job', `the run description names a file it does not carry: ${JSON.stringify(value)}`);
    return path;
  });
  let spec: RewardSpec;
  try {
    spec = validateSpecObject(local, `the spec of the run from ${description.producer}`, folder);
  } catch (error) {
    if (SpecError.isInstance(error)) throw new QueueError('spec', error.message);
    throw error;
  }
  const hash = specHash(spec);
  if (hash !== description.spec_hash) {
    throw new QueueError('spec', `the run's spec rebuilds here with spec hash ${hash}, the producer's is ${description.spec_hash}`);
  }
  return spec;
}

/**
 * A copy of `value` with every file path (a string under a FILE_KEYS key) replaced by `replace(path)`; next to a
 * `schema_file`, the JSON Schema read from it is left out (the loader reads it again, and refuses both together).
 */
function mapFileKeys(value: unknown, replace: (path: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapFileKeys(item, replace));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    if (key === 'schema' && typeof source.schema_file === 'string') continue;
    copy[key] = FILE_KEYS.has(key) && typeof item === 'string' ? replace(item) : mapFileKeys(item, replace);
  }
  return copy;
}
