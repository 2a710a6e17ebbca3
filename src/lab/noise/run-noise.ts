/**
 * Runs `lab noise`: judges every rollout k times — repeat r under cache namespace "noise-r", one repeat after
 * another so each is a full pass; with --source permute each repeat also shows the rollouts of every group judge in
 * another order (group order seed "noise-r") — then analyses the judge's noise against the groups' spread.
 */
import { groupKeyOf } from '../../input/group-key.js';
import { RowError } from '../../input/row-error.js';
import { toRowView } from '../../input/row-view.js';
import type { RewardResult } from '../../result.js';
import type { RewardSpec } from '../../spec/schema.js';
import { elapsed, type RunContext } from '../command/run-context.js';
import { usageError } from '../command/lab-flags.js';
import { withEngineContext, type EngineFlags } from '../engine/engine-flags.js';
import { openEngine } from '../engine/lab-engine.js';
import { readRollouts } from '../inputs/rollouts.js';
import { analyseNoise, type NoiseResult, type NoiseSource } from './noise-analysis.js';

export interface NoiseOptions {
  spec: string;
  input: string;
  /** Judgements per row, at least 2. */
  repeats: number;
  source: NoiseSource;
  engine: EngineFlags;
}

/** Characters of a group key shown in the result (the key is a SHA-256 in hex). */
const GROUP_KEY_CHARS = 12;

export async function runNoise(options: NoiseOptions, context: RunContext): Promise<NoiseResult> {
  return withEngineContext(options.engine, async (engineContext) => {
    const engine = await openEngine(
      {
        spec: options.spec,
        judge: options.engine.judge,
        judgeBaseUrl: options.engine.judgeBaseUrl,
        concurrency: options.engine.concurrency,
        // Refused before any judge is contacted.
        transform: (spec) => checkedSpec(spec, options),
      },
      engineContext,
    );
    const rollouts = readRollouts(options.input, engine.spec.input, '--input', options.engine.limit, false);
    const groups = rollouts.map((rollout) => {
      try {
        return groupKeyOf(toRowView(rollout.row, engine.spec.input, `line-${rollout.line}`)).slice(0, GROUP_KEY_CHARS);
      } catch (error) {
        if (RowError.isInstance(error)) return null;
        throw error;
      }
    });
    const repeats: RewardResult[][] = [];
    for (let r = 1; r <= options.repeats; r += 1) {
      const started = performance.now();
      const namespace = `noise-${r}`;
      repeats.push(await engine.score(rollouts, { namespace, ...(options.source === 'permute' ? { groupOrderSeed: namespace } : {}) }));
      context.log(`noise: repeat ${r}/${options.repeats} judged ${rollouts.length} rows in ${elapsed(started)}`);
    }
    return analyseNoise({
      source: { kind: 'engine', spec: options.spec, input: options.input, judge_models: engine.judgeModels, cache: options.engine.cache },
      settings: context.settings,
      ids: rollouts.map((rollout) => rollout.id),
      groups,
      lengths: rollouts.map((rollout) => rollout.length),
      repeats,
      noiseSource: options.source,
      callsSent: repeats.reduce((sum, results) => sum + callsSent(results), 0),
    });
  });
}

/** A spec noise can measure: one with a judge, and a group judge for --source permute. */
function checkedSpec(spec: RewardSpec, options: NoiseOptions): RewardSpec {
  if (spec.judges.length === 0) throw usageError('noise', `the spec ${options.spec} has no judge: there is no noise to measure`);
  if (options.source === 'permute' && !spec.judges.some((judge) => judge.type === 'group'))
    throw usageError(
      'noise',
      `--source permute shows the rollouts of group judges (type: group) in other orders, but the spec ${options.spec} has none: use --source sample`,
    );
  return spec;
}

/** Judge calls that went to a model (not answered from the cache or shared with an identical call in flight). */
function callsSent(results: readonly RewardResult[]): number {
  let sent = 0;
  for (const result of results)
    for (const component of result.components) sent += (component.calls ?? []).filter((call) => !call.cached).length;
  return sent;
}
