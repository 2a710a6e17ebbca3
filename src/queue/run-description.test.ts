/**
 * The run description carries a spec to another machine: its files (a JSON Schema, a judge template, a built-in
 * template) travel as bytes and are written into the worker's folder; the rebuilt spec validates and hashes as the
 * producer's. A description of another rewardkit version, with another hash, with a missing file or an invalid spec
 * is refused with the kind of QueueError the producer reports.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRewardSpec } from '../open-reward.js';
import { specHash } from '../spec/spec-hash.js';
import { REWARDKIT_VERSION } from '../version.js';
import { QueueError } from './queue-error.js';
import { describeRun, parseRunDescription, rebuildRunSpec, type RunDescription } from './run-description.js';

const SETTINGS = { cache: true, cache_namespace: 'repeat-2', row_deadline_ms: 5000, preflight: false };
const CONTRACT_REVIEW = 'examples/contract-review/spec.yaml';

function loaded(path: string) {
  return loadRewardSpec({ spec: path, judge: 'openai-compatible:qwen3-8b', judgeBaseUrl: 'http://127.0.0.1:8000/v1', concurrency: 7 }).spec;
}

function refusal(description: RunDescription): { kind: string; message: string } {
  try {
    rebuildRunSpec(description, mkdtempSync(join(tmpdir(), 'rewardkit-h4-rebuild-')));
  } catch (error) {
    if (QueueError.isInstance(error)) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('rebuildRunSpec accepted it');
}

describe('run description', () => {
  it('carries the spec with its files inlined; a worker rebuilds it in its own folder with the same hash', () => {
    const spec = loaded(CONTRACT_REVIEW);
    const description = parseRunDescription(JSON.stringify(describeRun(spec, SETTINGS, 'host-a:42')));
    expect(description.files.map((file) => file.name)).toEqual(['response.schema.json', 'judge-contract-review.yaml']);
    expect(Buffer.from(description.files[1]!.base64, 'base64').toString('utf8')).toBe(
      readFileSync('examples/contract-review/judge-contract-review.yaml', 'utf8'),
    );
    expect(JSON.stringify(description.spec)).not.toContain('/work/');
    expect([description.spec_hash, description.rewardkit_version, description.producer, description.scoring]).toEqual([
      specHash(spec),
      REWARDKIT_VERSION,
      'host-a:42',
      SETTINGS,
    ]);

    const folder = mkdtempSync(join(tmpdir(), 'rewardkit-h4-rebuild-'));
    const rebuilt = rebuildRunSpec(description, folder);
    expect(specHash(rebuilt)).toBe(specHash(spec));
    const check = rebuilt.checks[0] as { schema_file: string; schema: unknown };
    const judge = rebuilt.judges[0] as { template: string; model?: unknown };
    expect([check.schema_file, judge.template]).toEqual([
      join(folder, '0-response.schema.json'),
      join(folder, '1-judge-contract-review.yaml'),
    ]);
    // apart from the two paths, the rebuilt spec is the producer's (judge override and concurrency included)
    const withoutPaths = (value: object) =>
      JSON.stringify(value).replaceAll(folder, '').replaceAll(join(process.cwd(), 'examples/contract-review'), '');
    expect(withoutPaths(rebuilt).replace('/0-', '/').replace('/1-', '/')).toBe(withoutPaths(spec));
  });

  it('inlines a built-in template named by the spec, so the worker does not need the producer’s templates folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'rewardkit-h4-builtin-'));
    writeFileSync(
      join(folder, 'spec.yaml'),
      'judges:\n  - {type: rubric, name: q, template: mt-bench-single, dimensions: [{id: overall, description: how good}]}\n',
    );
    const spec = loaded(join(folder, 'spec.yaml'));
    const description = describeRun(spec, SETTINGS, 'host-a:42');
    expect(description.files.map((file) => file.name)).toEqual(['mt-bench-single.yaml']);
    expect(description.spec.judges).toEqual([expect.objectContaining({ template: 'rewardkit-file:0' })]);
    expect(specHash(rebuildRunSpec(description, mkdtempSync(join(tmpdir(), 'rewardkit-h4-rebuild-'))))).toBe(specHash(spec));
  });

  it('refuses another version, another hash, a missing file and an invalid spec, each with its kind', () => {
    const description = describeRun(loaded(CONTRACT_REVIEW), SETTINGS, 'host-a:42');
    expect(refusal({ ...description, rewardkit_version: '0.0.1' })).toEqual({
      kind: 'version',
      message: `the run comes from rewardkit 0.0.1 (producer host-a:42), this worker is rewardkit ${REWARDKIT_VERSION}: run workers of the producer's version`,
    });
    const otherHash = 'f'.repeat(64);
    expect(refusal({ ...description, spec_hash: otherHash })).toEqual({
      kind: 'spec',
      message: `the run's spec rebuilds here with spec hash ${description.spec_hash}, the producer's is ${otherHash}`,
    });
    expect(refusal({ ...description, files: description.files.slice(0, 1) })).toEqual({
      kind: 'bad_job',
      message: 'the run description names a file it does not carry: "rewardkit-file:1"',
    });
    const invalid = refusal({ ...description, spec: { ...description.spec, judges: 'all of them' } });
    expect(invalid.kind).toBe('spec');
    expect(invalid.message).toContain('judges');
  });

  it('a stored description that is not JSON or not of this format is a bad job', () => {
    const kindOf = (text: string) => {
      try {
        parseRunDescription(text);
        return 'accepted';
      } catch (error) {
        return QueueError.isInstance(error) ? `${error.kind}: ${error.message.split(':')[0]}` : 'other';
      }
    };
    expect(kindOf('{')).toBe('bad_job: the run description is not JSON');
    expect(kindOf('{"format": 2}')).toBe('bad_job: the run description is invalid at format');
  });
});
