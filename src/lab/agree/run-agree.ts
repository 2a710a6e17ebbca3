/**
 * Runs `lab agree`: two or more raters on the same items — judges run now (several specs, or one spec
 * under several --judge models), `score` output files, or the raters' fields of an external verdict file.
 */
import { basename, extname } from 'node:path';
import type { Rating } from '../statistics/index.js';
import { analyseAgreement, type AgreementResult } from './agreement-analysis.js';
import { openEngine, type LabEngine } from '../engine/lab-engine.js';
import { describeSelector, scoreOf, type ScoreSelector } from '../engine/row-signals.js';
import { readExternalVerdicts } from '../inputs/external-verdicts.js';
import { readRollouts } from '../inputs/rollouts.js';
import { readScoreOutput, unionIds } from '../inputs/score-output.js';
import { LabError } from '../lab-error.js';
import type { MeasurementLevel } from '../rating-values.js';
import { withEngineContext, type EngineFlags } from '../engine/engine-flags.js';
import { lengthsFromRollouts } from '../inputs/response-lengths.js';
import { elapsed, type RunContext } from '../command/run-context.js';

interface AgreeShared {
  level?: MeasurementLevel;
  categories?: Rating[];
  top?: number;
}

export type AgreeOptions = AgreeShared &
  (
    | {
        mode: 'engine';
        specs: string[];
        judges: string[];
        judgeBaseUrls: string[];
        input: string;
        names?: string[];
        score: ScoreSelector;
        engine: Omit<EngineFlags, 'judge' | 'judgeBaseUrl'>;
      }
    | { mode: 'scored'; files: string[]; names?: string[]; score: ScoreSelector; rollouts?: string }
    | { mode: 'external'; input: string; raters: string[]; lengthField?: string }
  );

interface Configuration {
  name: string;
  spec: string;
  judge?: string;
  judgeBaseUrl?: string;
}

/** One rater per spec, per --judge, or per (spec, judge) pair. */
export function configurations(
  specs: readonly string[],
  judges: readonly string[],
  baseUrls: readonly string[],
  names: readonly string[] | undefined,
): Configuration[] {
  if (baseUrls.length > 1 && baseUrls.length !== judges.length) {
    throw new LabError(
      'usage',
      `--judge-base-url: give one URL for every --judge, or a single one for all (got ${baseUrls.length} URLs for ${judges.length} judges)`,
    );
  }
  if (baseUrls.length > 0 && judges.length === 0) throw new LabError('usage', '--judge-base-url needs --judge PROVIDER:MODEL as well');
  const urlFor = (index: number) => (baseUrls.length === 1 ? baseUrls[0] : baseUrls[index]);
  let list: Configuration[];
  if (specs.length >= 2 && judges.length >= 2) {
    if (specs.length !== judges.length)
      throw new LabError(
        'usage',
        `give as many --judge as --spec (paired in order), or one --judge for every spec (got ${specs.length} specs and ${judges.length} judges)`,
      );
    list = specs.map((spec, index) => ({ name: modelName(judges[index]!), spec, judge: judges[index], judgeBaseUrl: urlFor(index) }));
  } else if (specs.length >= 2) {
    list = specs.map((spec) => ({ name: specName(spec), spec, judge: judges[0], judgeBaseUrl: urlFor(0) }));
  } else if (judges.length >= 2 && specs.length === 1) {
    list = judges.map((judge, index) => ({ name: modelName(judge), spec: specs[0]!, judge, judgeBaseUrl: urlFor(index) }));
  } else {
    throw new LabError(
      'usage',
      'agree needs two or more raters: several --spec files, one --spec with several --judge PROVIDER:MODEL, several --scored files, or --input FILE --raters A,B',
    );
  }
  return applyNames(list, names);
}

function applyNames<T extends { name: string }>(list: T[], names: readonly string[] | undefined): T[] {
  if (names) {
    if (names.length !== list.length)
      throw new LabError('usage', `--names: expected ${list.length} names (one per rater), got ${names.length}`);
    return list.map((entry, index) => ({ ...entry, name: names[index]! }));
  }
  // Make default names unique: "spec", "spec-2", …
  const seen = new Map<string, number>();
  return list.map((entry) => {
    const count = (seen.get(entry.name) ?? 0) + 1;
    seen.set(entry.name, count);
    return count === 1 ? entry : { ...entry, name: `${entry.name}-${count}` };
  });
}

function modelName(judge: string): string {
  return judge.slice(judge.indexOf(':') + 1);
}

function specName(path: string): string {
  return basename(path, extname(path));
}

export async function runAgree(options: AgreeOptions, context: RunContext): Promise<AgreementResult> {
  const shared = { settings: context.settings, level: options.level, categories: options.categories, top: options.top };
  if (options.mode === 'external') {
    if (options.raters.length < 2)
      throw new LabError(
        'usage',
        `--raters: name two or more rater fields, e.g. --raters gpt,claude (got ${options.raters.join(',') || 'none'})`,
      );
    const verdicts = readExternalVerdicts(options.input, options.raters, { lengthField: options.lengthField });
    return analyseAgreement({
      ...shared,
      source: { kind: 'external', input: options.input },
      raters: verdicts.raters,
      rating: `the fields ${verdicts.raters.join(', ')} of ${options.input}`,
      ids: verdicts.ids,
      ratings: verdicts.ratings,
      lengths: verdicts.lengths,
      lengthReason: verdicts.reason,
    });
  }
  if (options.mode === 'scored') {
    if (options.files.length < 2) throw new LabError('usage', 'agree needs two or more --scored files (one per judge)');
    const outputs = options.files.map((file) => readScoreOutput(file));
    const raters = applyNames(
      options.files.map((file) => ({ name: specName(file) })),
      options.names,
    ).map((entry) => entry.name);
    const ids = unionIds(outputs);
    const lengths = lengthsFromRollouts(ids, options.rollouts, 'score output files');
    return analyseAgreement({
      ...shared,
      source: { kind: 'scored', files: options.files },
      raters,
      rating: describeSelector(options.score),
      ids,
      ratings: ids.map((id) =>
        outputs.map((output) => {
          const result = output.byId.get(id);
          return result ? scoreOf(result, options.score) : null;
        }),
      ),
      lengths: lengths.lengths,
      lengthReason: lengths.reason,
    });
  }
  const list = configurations(options.specs, options.judges, options.judgeBaseUrls, options.names);
  return withEngineContext({ ...options.engine }, async (engineContext) => {
    const engines: LabEngine[] = [];
    for (const entry of list) {
      engines.push(
        await openEngine(
          { spec: entry.spec, judge: entry.judge, judgeBaseUrl: entry.judgeBaseUrl, concurrency: options.engine.concurrency },
          engineContext,
        ),
      );
    }
    const rollouts = readRollouts(options.input, engines[0]!.spec.input, '--input', options.engine.limit, false);
    const started = performance.now();
    const results = await Promise.all(engines.map((engine) => engine.score(rollouts)));
    context.log(`agree: ${list.length} judges scored ${rollouts.length} rows in ${elapsed(started)}`);
    return analyseAgreement({
      ...shared,
      source: {
        kind: 'engine',
        spec: [...new Set(list.map((entry) => entry.spec))].join(', '),
        input: options.input,
        judge_models: engines.flatMap((engine) => engine.judgeModels),
        cache: options.engine.cache,
      },
      raters: list.map((entry) => entry.name),
      rating: describeSelector(options.score),
      ids: rollouts.map((rollout) => rollout.id),
      ratings: rollouts.map((_rollout, index) => results.map((perJudge) => scoreOf(perJudge[index]!, options.score))),
      lengths: rollouts.map((rollout) => rollout.length),
      lengthReason: '',
    });
  });
}
