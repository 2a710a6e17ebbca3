import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JUDGE, loadSpecWithJudge } from './load-spec-with-judge.js';
import { loadSpec } from './load-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'rewardkit-spec-judge-'));
function specFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const RUBRIC = '{type: rubric, criteria: [{id: ok, description: fine}]}';

describe('loadSpecWithJudge: which judge a run uses', () => {
  it('a spec that names no judge model gets the default local judge, and says so', () => {
    const path = specFile('none.yaml', `judges:\n  - ${RUBRIC}\n`);
    const { spec, judgeModelDefaulted } = loadSpecWithJudge(path);
    expect(DEFAULT_JUDGE).toEqual({ provider: 'local', model: 'default' });
    expect([spec.judge_model?.provider, spec.judge_model?.model, judgeModelDefaulted]).toEqual(['local', 'default', true]);
    expect(() => loadSpec(path)).toThrow('expected a judge model: set judge_model at the top of the spec or model on this judge');
  });

  it('--judge wins over the default, and over the spec', () => {
    const none = specFile('none-override.yaml', `judges:\n  - ${RUBRIC}\n`);
    const named = specFile('named.yaml', `judge_model: {provider: openai, model: gpt-4o-mini}\njudges:\n  - ${RUBRIC}\n`);
    const override = { provider: 'ollama' as const, model: 'qwen3:1.7b' };
    expect(loadSpecWithJudge(none, override).spec.judge_model).toMatchObject(override);
    expect(loadSpecWithJudge(named, override).spec.judge_model).toMatchObject(override);
    expect(loadSpecWithJudge(named).judgeModelDefaulted).toBe(false);
    expect(loadSpecWithJudge(named).spec.judge_model).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('adds nothing when every judge has its own model or there is no judge', () => {
    const own = loadSpecWithJudge(
      specFile(
        'own.yaml',
        `judges:\n  - {type: rubric, model: {provider: openai, model: gpt-4o}, criteria: [{id: ok, description: fine}]}\n`,
      ),
    );
    expect([own.spec.judge_model, own.judgeModelDefaulted]).toEqual([undefined, false]);
    const checksOnly = loadSpecWithJudge(specFile('checks.yaml', 'checks:\n  - {type: json}\n'));
    expect([checksOnly.spec.judge_model, checksOnly.judgeModelDefaulted]).toEqual([undefined, false]);
  });
});
