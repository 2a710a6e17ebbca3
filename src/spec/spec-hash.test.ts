import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec, parseSpec } from './load-spec.js';
import { specHash } from './spec-hash.js';

const YAML_SPEC = `checks:
  - {type: length, unit: words, max: 300, name: short}
  - {type: json, name: format, gate: true}
`;
const JSON_SPEC = JSON.stringify({
  checks: [
    { name: 'short', max: 300, unit: 'words', type: 'length' },
    { gate: true, type: 'json', name: 'format' },
  ],
});

describe('specHash', () => {
  it('is the SHA-256 of the canonical JSON (sorted keys, undefined dropped)', () => {
    const spec = parseSpec(YAML_SPEC, 'a.yaml');
    const canonical = JSON.stringify(sortKeys(spec));
    expect(specHash(spec)).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(specHash(spec)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order or on YAML vs JSON, and changes with any value', () => {
    const fromYaml = specHash(parseSpec(YAML_SPEC, 'a.yaml'));
    expect(specHash(parseSpec(JSON_SPEC, 'a.json'))).toBe(fromYaml);
    expect(specHash(parseSpec(YAML_SPEC.replace('max: 300', 'max: 301'), 'a.yaml'))).not.toBe(fromYaml);
  });

  it('counts a referenced file by its content, not its path', () => {
    const spec =
      'judge_model: {provider: openai-compatible, model: m, base_url: http://127.0.0.1:1/v1}\njudges:\n  - {type: rubric, name: q, template: t.yaml, criteria: [{id: ok, description: fine}]}\n';
    const template = 'version: "1"\nsystem: judge\nuser: "{{response}} {{criteria}} {{output_format}}"\n';
    const dirs = [mkdtempSync(join(tmpdir(), 'spec-hash-a-')), mkdtempSync(join(tmpdir(), 'spec-hash-b-'))];
    for (const dir of dirs) {
      writeFileSync(join(dir, 'spec.yaml'), spec);
      writeFileSync(join(dir, 't.yaml'), template);
    }
    const [a, b] = dirs.map((dir) => specHash(loadSpec(join(dir, 'spec.yaml')).spec));
    expect(a).toBe(b);
    writeFileSync(join(dirs[1]!, 't.yaml'), template.replace('judge', 'a judge'));
    expect(specHash(loadSpec(join(dirs[1]!, 'spec.yaml')).spec)).not.toBe(a);
    const nested = join(dirs[0]!, 'nested');
    mkdirSync(nested);
    copyFileSync(join(dirs[0]!, 't.yaml'), join(nested, 't.yaml'));
    writeFileSync(join(nested, 'spec.yaml'), spec);
    expect(specHash(loadSpec(join(nested, 'spec.yaml')).spec)).toBe(a);
  });
});

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, item]) => [key, sortKeys(item)]),
  );
}
