/** `template:` may name a built-in template (a bare name) instead of a path relative to the spec. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES, builtinTemplatePath } from '../judges/judge-template.js';
import { builtinTemplateNames, isTemplateName } from './builtin-templates.js';
import { parseSpec } from './load-spec.js';

const model = 'judge_model: {provider: openai-compatible, model: m, base_url: "http://127.0.0.1:9/v1"}\n';
const rating = (template: string) =>
  `${model}judges:\n  - type: rubric\n    template: ${template}\n    verdict: {format: rating}\n    criteria: [{id: ok, description: helpful}]\n`;

describe('built-in templates by name', () => {
  it('lists the YAML files of the templates folder: the keys of BUILTIN_TEMPLATES', () => {
    expect(builtinTemplateNames()).toEqual(Object.keys(BUILTIN_TEMPLATES).sort());
    expect(Object.entries(BUILTIN_TEMPLATES).every(([name, file]) => file === `${name}.yaml`)).toBe(true);
  });

  it.each([
    ['mt-bench-single', true],
    ['arena-hard', true],
    ['./mt-bench-single', false],
    ['templates/judge.yaml', false],
    ['judge.yaml', false],
    ['judge.YML', false],
    ['sub\\judge', false],
  ])('%j is a bare name: %s', (value, expected) => {
    expect(isTemplateName(value)).toBe(expected);
  });

  it('resolves a built-in name to its file, on a judge and on a panel inner judge', () => {
    const spec = parseSpec(rating('mt-bench-single'), 'spec.yaml', '/nonexistent');
    expect(spec.judges[0]).toMatchObject({ template: builtinTemplatePath('mt-bench-single') });
    const panel = parseSpec(
      `${model}judges:\n  - type: panel\n    samples: 2\n    judge: {type: rubric, template: mt-bench-single, verdict: {format: rating}, criteria: [{id: ok, description: d}]}\n`,
    );
    expect(panel.judges[0]).toMatchObject({ judge: { template: builtinTemplatePath('mt-bench-single') } });
  });

  it('rejects an unknown bare name, listing the built-in names', () => {
    expect(() => parseSpec(rating('mt-bench-singel'), 'spec.yaml')).toThrow(
      `spec.yaml:4:5  judges[0].template: expected a built-in template name (${Object.keys(BUILTIN_TEMPLATES).sort().join(', ')}) or a template file path such as ./my-template.yaml (got "mt-bench-singel")`,
    );
  });

  it('still reads a path relative to the spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-helperF-template-'));
    writeFileSync(join(dir, 'mine.yaml'), 'version: mine@1\nuser: "Rate {{response}} as Rating: [[N]]"\n');
    expect(parseSpec(rating('mine.yaml'), 'spec.yaml', dir).judges[0]).toMatchObject({ template: join(dir, 'mine.yaml') });
    expect(parseSpec(rating('./mine.yaml'), 'spec.yaml', dir).judges[0]).toMatchObject({ template: join(dir, 'mine.yaml') });
  });
});
