/**
 * The one list of assertions a reward spec can hold: promptfoo runs `defaultTest.assert` and then each test's own
 * `assert` on that test's output, with `defaultTest.options` merged under the test's options. A reward spec scores
 * every row alike, so per-test assertions (and grading options) are imported only when every test has the same ones;
 * their values may still differ row by row through vars, which become row fields.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConfigPath, ImportProblems } from './import-problems.js';
import type { PromptfooTest } from './promptfoo-config-schema.js';

export interface LocatedAssertion {
  raw: unknown;
  path: ConfigPath;
}

export interface SharedAssertions {
  assertions: LocatedAssertion[];
  /** The grading options in force, each with where it was written. */
  options: Record<string, { value: unknown; path: ConfigPath }>;
  /** Test-level threshold, if any (affects promptfoo's pass only). */
  threshold?: { value: number; path: ConfigPath };
}

/** Grading options that change how an assertion scores; other option keys (prefix, suffix, …) concern the prompt. */
const GRADING_OPTIONS = ['provider', 'rubricPrompt', 'factuality', 'transform', 'postprocess', 'disableDefaultAsserts'] as const;

export function sharedAssertions(
  defaultTest: PromptfooTest | undefined,
  tests: ReadonlyArray<{ test: PromptfooTest; index: number }>,
  problems: ImportProblems,
): SharedAssertions {
  const first = tests[0];
  tests.slice(1).forEach(({ test, index }) => {
    if (!isDeepStrictEqual(test.assert ?? [], first!.test.assert ?? [])) {
      problems.add(
        ['tests', index, ...(test.assert ? ['assert'] : [])],
        `expected the same assertions as tests[${first!.index}] — a reward spec scores every row alike; move shared assertions to defaultTest.assert and put what differs per test in vars (a "{{ var }}" value becomes a row field)`,
      );
    }
    for (const key of GRADING_OPTIONS) {
      if (!isDeepStrictEqual(test.options?.[key], first!.test.options?.[key])) {
        problems.add(
          ['tests', index, 'options', ...(test.options?.[key] === undefined ? [] : [key])],
          `expected the same options.${key} as tests[${first!.index}] — a reward spec grades every row alike; set it in defaultTest.options`,
          test.options?.[key],
        );
      }
    }
  });
  const assertions: LocatedAssertion[] = [];
  (defaultTest?.assert ?? []).forEach((raw, index) => assertions.push({ raw, path: ['defaultTest', 'assert', index] }));
  (first?.test.assert ?? []).forEach((raw, index) => assertions.push({ raw, path: ['tests', first!.index, 'assert', index] }));
  const options: SharedAssertions['options'] = {};
  for (const key of GRADING_OPTIONS) {
    const fromTest = first?.test.options?.[key];
    const fromDefault = defaultTest?.options?.[key];
    if (fromTest !== undefined) options[key] = { value: fromTest, path: ['tests', first!.index, 'options', key] };
    else if (fromDefault !== undefined) options[key] = { value: fromDefault, path: ['defaultTest', 'options', key] };
  }
  const threshold =
    first?.test.threshold !== undefined
      ? { value: first.test.threshold, path: ['tests', first.index, 'threshold'] }
      : defaultTest?.threshold !== undefined
        ? { value: defaultTest.threshold, path: ['defaultTest', 'threshold'] }
        : undefined;
  return { assertions, options, ...(threshold ? { threshold } : {}) };
}
