/**
 * Runs `lab regress`: loads the judge test suite, builds each case's row (a row of the suite's rows file,
 * possibly with its response replaced, or an inline row), judges them all and checks the expectations.
 */
import { toRowView } from '../../input/row-view.js';
import { openEngine } from '../engine/lab-engine.js';
import { replaceResponse } from '../engine/replace-response.js';
import { readRollouts, type Rollout } from '../inputs/rollouts.js';
import { LabError } from '../lab-error.js';
import { analyseRegression, readBaseline, type RegressionResult } from './regression-analysis.js';
import { loadSuite } from './judge-suite.js';
import { withEngineContext, type EngineFlags } from '../engine/engine-flags.js';
import { elapsed, type RunContext } from '../command/run-context.js';

export interface RegressOptions {
  suite: string;
  /** Overrides the suite's `spec`. */
  spec?: string;
  baseline?: string;
  moveTolerance?: number;
  engine: EngineFlags;
}

export async function runRegress(options: RegressOptions, context: RunContext): Promise<RegressionResult> {
  const suite = loadSuite(options.suite);
  const specPath = options.spec ?? suite.spec;
  if (!specPath) throw new LabError('usage', `regress: ${options.suite} names no spec; add "spec: FILE" to the suite or pass --spec`);
  const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  return withEngineContext(options.engine, async (engineContext) => {
    const engine = await openEngine(
      { spec: specPath, judge: options.engine.judge, judgeBaseUrl: options.engine.judgeBaseUrl, concurrency: options.engine.concurrency },
      engineContext,
    );
    const needsRows = suite.cases.some((entry) => entry.row_id !== undefined);
    if (needsRows && !suite.rows)
      throw new LabError('spec', `invalid judge suite ${options.suite}: cases refer to rows by row_id, but the suite has no "rows: FILE"`);
    const byId = new Map<string, Rollout>(
      needsRows ? readRollouts(suite.rows!, engine.spec.input, 'rows').map((rollout) => [rollout.id, rollout]) : [],
    );
    const rows = suite.cases.map((entry) => {
      let row: Record<string, unknown>;
      if (entry.row_id !== undefined) {
        const rollout = byId.get(entry.row_id);
        if (!rollout)
          throw new LabError(
            'spec',
            `invalid judge suite ${options.suite}: case ${JSON.stringify(entry.name)}: no row with id ${JSON.stringify(entry.row_id)} in ${suite.rows}`,
          );
        row = rollout.row;
      } else {
        row = entry.row!;
      }
      return entry.response === undefined ? row : replaceResponse(row, engine.spec.input, entry.response);
    });
    const rollouts: Rollout[] = rows.map((row, index) => ({
      line: index + 1,
      id: suite.cases[index]!.name,
      row,
      length: responseLength(row, engine.spec.input),
      reference: '',
    }));
    const started = performance.now();
    const results = await engine.score(rollouts);
    context.log(`regress: judged ${rollouts.length} cases in ${elapsed(started)}`);
    return analyseRegression({
      source: { kind: 'engine', spec: specPath, input: suite.rows, judge_models: engine.judgeModels, cache: options.engine.cache },
      settings: context.settings,
      suite: options.suite,
      cases: suite.cases,
      results,
      lengths: rollouts.map((rollout) => rollout.length),
      tolerance: suite.tolerance,
      ...(baseline ? { baseline } : {}),
      ...(options.moveTolerance !== undefined ? { moveTolerance: options.moveTolerance } : {}),
    });
  });
}

function responseLength(row: Record<string, unknown>, input: Parameters<typeof toRowView>[1]): number | null {
  try {
    return toRowView(row, input, 'case').response.length;
  } catch {
    return null;
  }
}
