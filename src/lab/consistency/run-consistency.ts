/**
 * Runs `lab consistency`: judges every rollout k times (repeat r under cache namespace "repeat-r", one
 * repeat after another so each is a full pass), or reads k `score` output files, then analyses them.
 */
import type { RewardResult } from '../../result.js';
import { analyseConsistency, type ConsistencyResult } from './consistency-analysis.js';
import { openEngine } from '../engine/lab-engine.js';
import { readRollouts } from '../inputs/rollouts.js';
import { readScoreOutput, unionIds } from '../inputs/score-output.js';
import { LabError } from '../lab-error.js';
import { withEngineContext, type EngineFlags } from '../engine/engine-flags.js';
import { lengthsFromRollouts } from '../inputs/response-lengths.js';
import { elapsed, type RunContext } from '../command/run-context.js';

export type ConsistencyOptions =
  | { mode: 'engine'; spec: string; input: string; repeats: number; engine: EngineFlags }
  | { mode: 'scored'; files: string[]; rollouts?: string };

export async function runConsistency(options: ConsistencyOptions, context: RunContext): Promise<ConsistencyResult> {
  if (options.mode === 'scored') {
    if (options.files.length < 2) throw new LabError('usage', 'consistency needs at least two --scored files (the same rows judged again)');
    const outputs = options.files.map((file) => readScoreOutput(file));
    const ids = unionIds(outputs);
    const lengths = lengthsFromRollouts(ids, options.rollouts, 'score output files');
    return analyseConsistency({
      source: { kind: 'scored', files: options.files },
      settings: context.settings,
      ids,
      lengths: lengths.lengths,
      lengthReason: lengths.reason,
      repeats: outputs.map((output) => ids.map((id) => output.byId.get(id))),
    });
  }
  return withEngineContext(options.engine, async (engineContext) => {
    const engine = await openEngine(
      {
        spec: options.spec,
        judge: options.engine.judge,
        judgeBaseUrl: options.engine.judgeBaseUrl,
        concurrency: options.engine.concurrency,
      },
      engineContext,
    );
    if (engine.spec.judges.length === 0)
      throw new LabError('usage', `consistency: the spec ${options.spec} has no judge: there is nothing to repeat`);
    const rollouts = readRollouts(options.input, engine.spec.input, '--input', options.engine.limit, false);
    const repeats: RewardResult[][] = [];
    for (let r = 1; r <= options.repeats; r += 1) {
      const started = performance.now();
      repeats.push(await engine.score(rollouts, { namespace: `repeat-${r}` }));
      context.log(`consistency: repeat ${r}/${options.repeats} judged ${rollouts.length} rows in ${elapsed(started)}`);
    }
    return analyseConsistency({
      source: { kind: 'engine', spec: options.spec, input: options.input, judge_models: engine.judgeModels, cache: options.engine.cache },
      settings: context.settings,
      ids: rollouts.map((rollout) => rollout.id),
      lengths: rollouts.map((rollout) => rollout.length),
      lengthReason: '',
      repeats,
    });
  });
}
