/** Spec validation: every problem listed with file, line, column, field path, the value and what was expected. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewardSpecJsonSchema } from './json-schema.js';
import { applyJudgeOverride, parseJudgeFlag } from './judge-override.js';
import { loadSpec, parseSpec } from './load-spec.js';
import { SpecError, type SpecProblem } from './spec-error.js';

function problemsOf(text: string, baseDir?: string): SpecProblem[] {
  try {
    parseSpec(text, 'spec.yaml', baseDir);
  } catch (error) {
    if (SpecError.isInstance(error)) return error.problems;
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

const MODEL = 'judge_model: {provider: openai-compatible, model: m, base_url: "http://127.0.0.1:8000/v1"}\n';

describe('parseSpec', () => {
  it('applies defaults to a minimal valid spec', () => {
    const spec = parseSpec(`${MODEL}judges:\n  - {type: rubric, criteria: [{id: ok, description: fine}]}\n`);
    expect(spec.aggregate).toEqual({ range: [0, 1], on_judge_error: 'neutral', max_response_chars: 20000 });
    expect(spec.input).toEqual({ format: 'auto', id: 'id', prompt: 'prompt', response: 'response', reference: 'reference' });
    expect(spec.judge_model).toMatchObject({
      temperature: 0,
      concurrency: 16,
      timeout_ms: 60000,
      max_retries: 4,
      structured_output: 'json_schema',
    });
    expect(spec.judge_model!.max_tokens).toBeUndefined(); // resolved by model id (src/models/max-tokens.ts)
  });

  it('lists every field problem with its line, column, path and value', () => {
    const text = [
      MODEL.trimEnd(),
      'checks:',
      '  - type: length',
      '    max: abc',
      '    colour: red',
      '  - type: jsn',
      '  - {type: grounding, quotes: "a..b", source: metadata.doc}',
      'judges:',
      '  - type: rubric',
      '    criteria: []',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      { file: 'spec.yaml', line: 4, column: 5, path: 'checks[0].max', message: 'expected number, received string', value: 'abc' },
      {
        file: 'spec.yaml',
        line: 5,
        column: 5,
        path: 'checks[0].colour',
        message: 'unknown field "colour"; check the spelling (see schema/reward-spec.schema.json)',
      },
      {
        file: 'spec.yaml',
        line: 6,
        column: 5,
        path: 'checks[1].type',
        message: 'expected one of "json" | "length" | "language" | "safety" | "grounding" | "match" | "similarity"',
        value: 'jsn',
      },
      {
        file: 'spec.yaml',
        line: 7,
        column: 23,
        path: 'checks[2].quotes',
        message:
          'expected a field selector for the quoted strings, e.g. "response", "metadata.target_document" or "response_json.comments[*].text_excerpt"',
        value: 'a..b',
      },
      {
        file: 'spec.yaml',
        line: 10,
        column: 15,
        path: 'judges[0].criteria',
        message: 'Too small: expected array to have >=1 items',
        value: [],
      },
    ]);
  });

  it('names a missing required field', () => {
    expect(problemsOf(`${MODEL}checks:\n  - {type: grounding, quotes: response}\n`)).toEqual([
      { file: 'spec.yaml', line: 3, column: 5, path: 'checks[0].source', message: 'missing required field (expected string)' },
    ]);
  });

  it('checks cross-field rules once fields are well-formed', () => {
    const text = [
      'checks:',
      '  - {type: length, min: 10, max: 5}',
      '  - {type: safety, patterns: ["(unclosed"]}',
      '  - {type: length, name: length, max: 3}',
      'judges:',
      '  - {type: rubric, criteria: [{id: a, description: x}], dimensions: [{id: b, description: y, min: 5, max: 1}]}',
      'aggregate: {range: [1, 0], neutral: 3}',
    ].join('\n');
    expect(problemsOf(text).map((problem) => `${problem.line}:${problem.path}: ${problem.message}`)).toEqual([
      '2:checks[0].min: expected min (10) <= max (5)',
      '3:checks[1].patterns[0]: invalid regular expression: Invalid regular expression: /(unclosed/iu: Unterminated group',
      '4:checks[2].name: duplicate component name "length" (also used by checks[0]); give each a unique name',
      '6:judges[0].model: expected a judge model: set judge_model at the top of the spec or model on this judge',
      '6:judges[0]: expected exactly one of criteria (pass/fail) or dimensions (scaled)',
      '6:judges[0].dimensions[0].max: expected max (1) > min (5)',
      '7:aggregate.range: expected range [low, high] with low < high, got [1, 0]',
      '7:aggregate.neutral: expected a value inside range [1, 0], got 3',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('checks: [\n  {type: json\n')).toEqual([
      {
        file: 'spec.yaml',
        line: 3,
        column: 1,
        path: '',
        message: 'not valid YAML/JSON: Flow map in block collection must be sufficiently indented and end with a }',
      },
      {
        file: 'spec.yaml',
        line: 3,
        column: 1,
        path: '',
        message: 'not valid YAML/JSON: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('accepts JSON as well as YAML', () => {
    const spec = parseSpec(JSON.stringify({ checks: [{ type: 'json' }] }));
    expect(spec.checks[0]).toEqual({ type: 'json', weight: 1, allow_fenced: true });
  });

  it('rejects a spec that is not a mapping, or has no component', () => {
    expect(problemsOf('- a\n- b\n')).toEqual([
      { file: 'spec.yaml', line: 1, path: '', message: 'expected a mapping (object) at the top of the spec' },
    ]);
    expect(problemsOf('name: empty\n').map((problem) => problem.message)).toEqual(['expected at least one check or judge']);
  });

  it('resolves schema_file and template relative to the spec and reports bad ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewardkit-spec-'));
    writeFileSync(join(dir, 'schema.json'), '{"type": "object", "required": ["a"]}');
    writeFileSync(join(dir, 'broken.json'), '{"type": ');
    writeFileSync(join(dir, 'bad-template.yaml'), 'version: x\n');
    const good = parseSpec('checks:\n  - {type: json, schema_file: schema.json}\n', 'spec.yaml', dir);
    expect(good.checks[0]).toMatchObject({ schema: { type: 'object', required: ['a'] }, schema_file: join(dir, 'schema.json') });
    const problems = problemsOf(
      `${MODEL}checks:\n  - {type: json, schema_file: broken.json}\njudges:\n  - {type: rubric, template: nope.yaml, criteria: [{id: a, description: x}]}\n  - {type: rubric, name: r2, template: bad-template.yaml, criteria: [{id: a, description: x}]}\n`,
      dir,
    );
    expect(problems.map((problem) => `${problem.line}:${problem.path}`)).toEqual([
      '3:checks[0].schema_file',
      '5:judges[0].template',
      '6:judges[1].template',
    ]);
    expect(problems[0]!.message).toMatch(/^expected a readable JSON Schema file: /);
    expect(problems[1]!.message).toBe(`expected an existing template file (looked at ${join(dir, 'nope.yaml')})`);
    expect(problems[2]!.message).toBe(
      `judge template ${join(dir, 'bad-template.yaml')} is invalid: user: Invalid input: expected string, received undefined (expected YAML with version, system, user)`,
    );
  });

  it('takes the --judge model as judge_model when the spec has none', () => {
    const text = 'judges:\n  - {type: rubric, criteria: [{id: a, description: x}]}\n';
    expect(problemsOf(text).map((problem) => problem.path)).toEqual(['judges[0].model']);
    const spec = parseSpec(text, 'spec.yaml', undefined, {
      defaultJudgeModel: { provider: 'openai-compatible', model: 'm', base_url: 'http://127.0.0.1:8000/v1' },
    });
    expect(spec.judge_model).toMatchObject({
      provider: 'openai-compatible',
      model: 'm',
      base_url: 'http://127.0.0.1:8000/v1',
      concurrency: 16,
    });
  });

  it('loadSpec names a file it cannot read', () => {
    expect(() => loadSpec('/nonexistent/spec.yaml')).toThrow('cannot read spec file: ENOENT');
  });
});

describe('judge override', () => {
  it('parses PROVIDER:MODEL, keeping colons in the model name', () => {
    expect(parseJudgeFlag('openai-compatible:qwen3:8b', 'http://127.0.0.1:11434/v1')).toEqual({
      provider: 'openai-compatible',
      model: 'qwen3:8b',
      base_url: 'http://127.0.0.1:11434/v1',
    });
    expect(() => parseJudgeFlag('gpt-4o')).toThrow(
      '--judge: expected PROVIDER:MODEL with PROVIDER one of openai-compatible | openai | bedrock | anthropic | local | ollama (or just local), got "gpt-4o"',
    );
    expect(parseJudgeFlag('local')).toEqual({ provider: 'local', model: 'default' });
    expect(parseJudgeFlag('local:/models/judge.gguf')).toEqual({ provider: 'local', model: '/models/judge.gguf' });
    expect(parseJudgeFlag('local:hf:unsloth/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf')).toEqual({
      provider: 'local',
      model: 'hf:unsloth/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf',
    });
    expect(parseJudgeFlag('ollama:qwen3:1.7b')).toEqual({ provider: 'ollama', model: 'qwen3:1.7b' });
    expect(() => parseJudgeFlag('openai:gpt-4o', 'localhost:8000')).toThrow('--judge-base-url: expected an http(s) URL');
  });

  it('replaces every judge model but keeps its other settings', () => {
    const spec = parseSpec(
      `judge_model: {provider: openai, model: gpt-4o, temperature: 0.2, concurrency: 4}\njudges:\n  - {type: rubric, criteria: [{id: a, description: x}]}\n  - {type: rubric, name: other, model: {provider: anthropic, model: claude, max_tokens: 99}, criteria: [{id: a, description: x}]}\n`,
    );
    const overridden = applyJudgeOverride(
      spec,
      { provider: 'openai-compatible', model: 'qwen3-8b', base_url: 'http://127.0.0.1:8000/v1' },
      32,
    );
    expect(overridden.judge_model).toMatchObject({
      provider: 'openai-compatible',
      model: 'qwen3-8b',
      base_url: 'http://127.0.0.1:8000/v1',
      temperature: 0.2,
      concurrency: 32,
    });
    expect(overridden.judges[1]!.model).toMatchObject({
      provider: 'openai-compatible',
      model: 'qwen3-8b',
      max_tokens: 99,
      concurrency: 32,
    });
    expect(spec.judge_model!.provider).toBe('openai'); // the original is untouched
  });

  it("replaces a panel's member models too, and applies --concurrency to them", () => {
    const spec = parseSpec(
      `judges:
  - type: panel
    members:
      - {model: {provider: openai, model: gpt-4o-mini, temperature: 0.3}}
      - {model: {provider: anthropic, model: claude-x}}
    judge: {type: rubric, criteria: [{id: a, description: x}]}
`,
    );
    const overridden = applyJudgeOverride(spec, { provider: 'ollama', model: 'qwen3:1.7b' }, 3);
    const panel = overridden.judges[0]!;
    expect(
      panel.type === 'panel' &&
        panel.members!.map((member) => [member.model.provider, member.model.model, member.model.temperature, member.model.concurrency]),
    ).toEqual([
      ['ollama', 'qwen3:1.7b', 0.3, 3],
      ['ollama', 'qwen3:1.7b', 0, 3],
    ]);
    const onlyConcurrency = applyJudgeOverride(spec, undefined, 5).judges[0]!;
    expect(
      onlyConcurrency.type === 'panel' && onlyConcurrency.members!.map((member) => [member.model.model, member.model.concurrency]),
    ).toEqual([
      ['gpt-4o-mini', 5],
      ['claude-x', 5],
    ]);
  });
});

describe('JSON Schema export', () => {
  it('is in sync with schema/reward-spec.schema.json (regenerate: npx rewardkit schema --output schema/reward-spec.schema.json)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schema/reward-spec.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(rewardSpecJsonSchema());
  });
});
