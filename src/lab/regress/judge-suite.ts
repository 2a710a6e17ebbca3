/**
 * The judge test suite file (`lab regress --suite FILE`): cases with a row and what the judge must decide
 * about it. One zod schema is the source of truth for the format; paths in it resolve against the suite
 * file. A case names a row of the suite's `rows` file by id (optionally replacing its response) or gives
 * the row inline.
 *
 *   spec: spec.yaml            # the reward spec under test (--spec overrides)
 *   rows: rollouts.jsonl       # rows that cases refer to by id
 *   cases:
 *     - name: a vague action scores low on actionability
 *       row_id: nda-vague
 *       expect:
 *         reward: {min: 0.6, max: 0.9}
 *         verdicts: {review_quality: {actionability: {max: 2}}}
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { LabError } from '../lab-error.js';

const bound = z.number().describe('inclusive bound');

export const RangeSchema = z.union([
  z.number().describe('exactly this value (within the suite tolerance)'),
  z
    .strictObject({ min: bound.optional(), max: bound.optional() })
    .refine((range) => range.min !== undefined || range.max !== undefined, { message: 'expected min, max or both' })
    .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, { message: 'expected min ≤ max' }),
]);

export const ComponentExpectationSchema = z.union([
  RangeSchema,
  z.strictObject({
    min: bound.optional(),
    max: bound.optional(),
    status: z.enum(['scored', 'undetermined', 'skipped', 'error']).optional(),
  }),
]);

/**
 * A verdict line: `pass` / `fail` (true / false) — every item passes / none does — or a number or range
 * on the line's own value (share of items passing; mean score on a dimension's scale); `response`,
 * `other` or `tie` for a preference judge's winner.
 */
export const VerdictExpectationSchema = z.union([z.boolean(), z.enum(['pass', 'fail', 'response', 'other', 'tie']), RangeSchema]);

export const ExpectSchema = z.strictObject({
  reward: RangeSchema.optional(),
  neutral: z.boolean().optional(),
  gated_by: z.string().nullable().optional(),
  flags: z.array(z.string()).optional().describe('flags the result must have'),
  not_flags: z.array(z.string()).optional().describe('flags the result must not have'),
  components: z.record(z.string(), ComponentExpectationSchema).optional(),
  verdicts: z.record(z.string(), z.record(z.string(), VerdictExpectationSchema)).optional(),
});

export const CaseSchema = z
  .strictObject({
    name: z.string().min(1),
    row_id: z.string().min(1).optional(),
    row: z.record(z.string(), z.unknown()).optional(),
    response: z.string().optional().describe("replaces the row's response (the rollout) before judging"),
    expect: ExpectSchema,
  })
  .refine((entry) => (entry.row_id === undefined) !== (entry.row === undefined), { message: 'expected exactly one of row_id or row' });

export const SuiteSchema = z.strictObject({
  spec: z.string().optional(),
  rows: z.string().optional(),
  tolerance: z.number().min(0).default(1e-6).describe('how close a result must be to an exact expected number'),
  cases: z.array(CaseSchema).min(1),
});

export type Range = z.output<typeof RangeSchema>;
export type ComponentExpectation = z.output<typeof ComponentExpectationSchema>;
export type VerdictExpectation = z.output<typeof VerdictExpectationSchema>;
export type Expectations = z.output<typeof ExpectSchema>;
export type SuiteCase = z.output<typeof CaseSchema>;

export interface JudgeSuite {
  path: string;
  /** Absolute paths, resolved against the suite file. */
  spec?: string;
  rows?: string;
  tolerance: number;
  cases: SuiteCase[];
}

export function loadSuite(path: string): JudgeSuite {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LabError(
      'input',
      `--suite ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0)
    throw new LabError('spec', `invalid judge suite ${path}: not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  const parsed = SuiteSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${path}: ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
    throw new LabError('spec', `invalid judge suite:\n${problems.join('\n')}`);
  }
  const names = new Set<string>();
  for (const entry of parsed.data.cases) {
    if (names.has(entry.name))
      throw new LabError(
        'spec',
        `invalid judge suite ${path}: two cases are named ${JSON.stringify(entry.name)}; names must be unique (they key the baseline)`,
      );
    names.add(entry.name);
  }
  const base = dirname(resolve(path));
  const from = (file: string | undefined) => (file === undefined ? undefined : isAbsolute(file) ? file : resolve(base, file));
  return { path, spec: from(parsed.data.spec), rows: from(parsed.data.rows), tolerance: parsed.data.tolerance, cases: parsed.data.cases };
}
