/**
 * Runs `lab position`: one preference judge, every rollout judged in both orders. The spec is narrowed to
 * that judge (no checks, no other judges, `position: both`) so every non-empty row reaches it and no other
 * judge is paid for. Or reads a `score` output file whose preference judge ran with `position: both`.
 */
import { componentNameOf, type RewardSpec } from '../../spec/schema.js';
import { analysePosition, type PositionResult } from './position-analysis.js';
import { openEngine } from '../engine/lab-engine.js';
import { readRollouts } from '../inputs/rollouts.js';
import { readScoreOutput } from '../inputs/score-output.js';
import { LabError } from '../lab-error.js';
import { withEngineContext, type EngineFlags } from '../engine/engine-flags.js';
import { lengthsFromRollouts } from '../inputs/response-lengths.js';
import { elapsed, type RunContext } from '../command/run-context.js';

export type PositionOptions =
  | { mode: 'engine'; spec: string; input: string; judgeName?: string; engine: EngineFlags }
  | { mode: 'scored'; file: string; judgeName?: string; rollouts?: string };

/** The preference judge to study: the named one, or the spec's only one. */
export function choosePreferenceJudge(spec: RewardSpec, requested: string | undefined, specPath: string): string {
  const names = spec.judges.filter((judge) => judge.type === 'preference').map(componentNameOf);
  if (requested !== undefined) {
    if (!names.includes(requested)) {
      throw new LabError(
        'usage',
        `--judge-name ${requested}: ${specPath} has no preference judge of that name (preference judges: ${names.join(', ') || 'none'})`,
      );
    }
    return requested;
  }
  if (names.length === 0)
    throw new LabError(
      'usage',
      `position: ${specPath} has no preference judge; position bias is measured on pairwise (type: preference) judges`,
    );
  if (names.length > 1)
    throw new LabError('usage', `position: ${specPath} has several preference judges (${names.join(', ')}); choose one with --judge-name`);
  return names[0]!;
}

/** The spec narrowed to one preference judge, judging both orders. */
export function positionSpec(spec: RewardSpec, judgeName: string): RewardSpec {
  return {
    ...spec,
    checks: [],
    judges: spec.judges
      .filter((judge) => componentNameOf(judge) === judgeName)
      .map((judge) => (judge.type === 'preference' ? { ...judge, position: 'both' as const } : judge)),
  };
}

export async function runPosition(options: PositionOptions, context: RunContext): Promise<PositionResult> {
  if (options.mode === 'scored') {
    const output = readScoreOutput(options.file);
    const ids = output.results.map((result) => result.id);
    const judges = [
      ...new Set(
        output.results.flatMap((result) =>
          result.components.filter((component) => component.type === 'preference').map((component) => component.name),
        ),
      ),
    ];
    const judge = options.judgeName ?? (judges.length === 1 ? judges[0]! : undefined);
    if (judge === undefined) {
      throw new LabError(
        'usage',
        judges.length === 0
          ? `position: ${options.file} has no preference judge results`
          : `position: ${options.file} has several preference judges (${judges.join(', ')}); choose one with --judge-name`,
      );
    }
    const lengths = lengthsFromRollouts(ids, options.rollouts, 'score output files');
    return analysePosition({
      source: { kind: 'scored', files: [options.file] },
      settings: context.settings,
      judge,
      ids,
      lengths: lengths.lengths,
      lengthReason: lengths.reason,
      results: output.results,
    });
  }
  return withEngineContext(options.engine, async (engineContext) => {
    let judgeName = '';
    const engine = await openEngine(
      {
        spec: options.spec,
        judge: options.engine.judge,
        judgeBaseUrl: options.engine.judgeBaseUrl,
        concurrency: options.engine.concurrency,
        transform: (spec) => {
          judgeName = choosePreferenceJudge(spec, options.judgeName, options.spec);
          return positionSpec(spec, judgeName);
        },
      },
      engineContext,
    );
    const rollouts = readRollouts(options.input, engine.spec.input, '--input', options.engine.limit, false);
    const started = performance.now();
    const results = await engine.score(rollouts);
    context.log(`position: judged ${rollouts.length} rows in both orders in ${elapsed(started)}`);
    return analysePosition({
      source: { kind: 'engine', spec: options.spec, input: options.input, judge_models: engine.judgeModels, cache: options.engine.cache },
      settings: context.settings,
      judge: judgeName,
      ids: rollouts.map((rollout) => rollout.id),
      lengths: rollouts.map((rollout) => rollout.length),
      lengthReason: '',
      results,
    });
  });
}
