/** Builds validated specs for tests: a judge model pointing at the fake judge, plus the given parts. */
import { validateSpecObject } from '../../src/spec/load-spec.js';
import type { RewardSpec } from '../../src/spec/schema.js';

export function testSpec(judgeUrl: string, parts: Record<string, unknown>, model: Record<string, unknown> = {}): RewardSpec {
  return validateSpecObject({
    judge_model: {
      provider: 'openai-compatible',
      model: 'fake-judge',
      base_url: judgeUrl,
      max_retries: 2,
      initial_backoff_ms: 5,
      max_backoff_ms: 50,
      timeout_ms: 2000,
      ...model,
    },
    ...parts,
  });
}

/** Verdict JSON for a boolean-criteria rubric. */
export function criteriaVerdict(passes: Record<string, boolean>): string {
  return JSON.stringify({
    criteria: Object.fromEntries(
      Object.entries(passes).map(([id, pass]) => [id, { rationale: `${id} ${pass ? 'met' : 'not met'}`, pass }]),
    ),
  });
}
