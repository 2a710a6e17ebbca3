/**
 * Runs `lab calibrate`: the judge's scores (a spec run now, or a `score` output file) joined by id with
 * human labels, or the judge and human fields of an external verdict file. Per-criterion labels
 * (`criteria` in the labels file) are matched to the judge's verdict lines of the same id.
 */
import type { RewardResult } from '../../result.js';
import type { Rating } from '../statistics/index.js';
import { analyseCalibration, type CalibrationInput, type CalibrationOptions, type CalibrationResult } from './calibration-analysis.js';
import { openEngine } from '../engine/lab-engine.js';
import { describeSelector, judgeLines, rowLineValue, scoreOf, type JudgeLine, type ScoreSelector } from '../engine/row-signals.js';
import { readExternalVerdicts } from '../inputs/external-verdicts.js';
import { readHumanLabels, type HumanLabel } from '../inputs/human-labels.js';
import { readRollouts } from '../inputs/rollouts.js';
import { readScoreOutput } from '../inputs/score-output.js';
import { LabError } from '../lab-error.js';
import type { LabSource } from '../lab-result.js';
import { withEngineContext, type EngineFlags } from '../engine/engine-flags.js';
import { lengthsFromRollouts } from '../inputs/response-lengths.js';
import { elapsed, type RunContext } from '../command/run-context.js';

export type CalibrateOptions = { calibration: CalibrationOptions } & (
  | { mode: 'engine'; spec: string; input: string; labels: string; humanField: string; score: ScoreSelector; engine: EngineFlags }
  | { mode: 'scored'; file: string; labels: string; humanField: string; score: ScoreSelector; rollouts?: string }
  | { mode: 'external'; input: string; judgeField: string; humanField: string; lengthField?: string }
);

export async function runCalibrate(options: CalibrateOptions, context: RunContext): Promise<CalibrationResult> {
  if (options.mode === 'external') {
    if (options.judgeField === options.humanField) throw new LabError('usage', '--judge and --human name the same field');
    const verdicts = readExternalVerdicts(options.input, [options.judgeField, options.humanField], { lengthField: options.lengthField });
    return analyseCalibration({
      source: { kind: 'external', input: options.input },
      settings: context.settings,
      judgeName: options.judgeField,
      humanName: options.humanField,
      ids: verdicts.ids,
      judge: verdicts.ratings.map((row) => row[0] ?? null),
      human: verdicts.ratings.map((row) => row[1] ?? null),
      lengths: verdicts.lengths,
      lengthReason: verdicts.reason,
      options: options.calibration,
    });
  }
  const labels = readHumanLabels(options.labels, options.humanField);
  if (options.mode === 'scored') {
    const output = readScoreOutput(options.file);
    const ids = output.results.map((result) => result.id);
    const lengths = lengthsFromRollouts(ids, options.rollouts, 'score output files');
    return analyseCalibration(
      joined({ kind: 'scored', files: [options.file] }, options, context, output.results, ids, labels, lengths.lengths, lengths.reason),
    );
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
    const rollouts = readRollouts(options.input, engine.spec.input, '--input', options.engine.limit);
    const started = performance.now();
    const results = await engine.score(rollouts);
    context.log(`calibrate: judged ${rollouts.length} rows in ${elapsed(started)}`);
    const source: LabSource = {
      kind: 'engine',
      spec: options.spec,
      input: options.input,
      judge_models: engine.judgeModels,
      cache: options.engine.cache,
    };
    return analyseCalibration(
      joined(
        source,
        options,
        context,
        results,
        rollouts.map((rollout) => rollout.id),
        labels,
        rollouts.map((rollout) => rollout.length),
        '',
      ),
    );
  });
}

function joined(
  source: LabSource,
  options: { labels: string; humanField: string; score: ScoreSelector; calibration: CalibrationOptions },
  context: RunContext,
  results: readonly RewardResult[],
  ids: readonly string[],
  labels: Map<string, HumanLabel>,
  lengths: (number | null)[] | null,
  lengthReason: string,
): CalibrationInput {
  const known = new Set(ids);
  const unmatched = [...labels.keys()].filter((id) => !known.has(id));
  if (unmatched.length > 0)
    context.log(`calibrate: ${unmatched.length} labelled id(s) have no judged row, e.g. ${unmatched.slice(0, 3).join(', ')}`);
  if (ids.every((id) => !labels.has(id)))
    throw new LabError('input', `no id of the judged rows appears in --labels ${options.labels}; the files must share ids`);
  return {
    source: { ...source, files: [...(source.files ?? []), options.labels] },
    settings: context.settings,
    judgeName: describeSelector(options.score),
    humanName: options.humanField,
    ids,
    judge: results.map((result) => scoreOf(result, options.score)),
    human: ids.map((id) => labels.get(id)?.label ?? null),
    lengths,
    lengthReason,
    options: options.calibration,
    criteria: criterionPairs(results, ids, labels, context.log),
  };
}

/**
 * One judge/human pair of series per criterion the labels name, matched by "judge.line" or by a unique line id.
 * When no judge of the spec has verdict lines at all (group or preference judges only), per-criterion labels cannot
 * be compared: that is said once, and only the overall label is compared.
 */
function criterionPairs(
  results: readonly RewardResult[],
  ids: readonly string[],
  labels: Map<string, HumanLabel>,
  log: (message: string) => void,
): NonNullable<CalibrationInput['criteria']> {
  const names = [...new Set([...labels.values()].flatMap((label) => [...label.criteria.keys()]))];
  if (names.length === 0) return [];
  const perRow = results.map((result) => judgeLines(result));
  const lineKeys = new Map<string, JudgeLine>();
  for (const lines of perRow) for (const [key, line] of lines) if (!lineKeys.has(key)) lineKeys.set(key, line);
  if (lineKeys.size === 0) {
    log(
      `calibrate: --labels scores ${names.length} criteria (${names.join(', ')}) but no judge of the spec has verdict lines (rubric criteria or dimensions): only the overall label is compared`,
    );
    return [];
  }
  return names.map((name) => {
    const matches = lineKeys.has(name) ? [name] : [...lineKeys.keys()].filter((key) => key.endsWith(`.${name}`));
    if (matches.length !== 1) {
      throw new LabError(
        'usage',
        `--labels: the criterion "${name}" ${matches.length === 0 ? 'matches no verdict line of the judges' : `is ambiguous (${matches.join(', ')}); write it as "judge.${name}"`} (lines: ${[...lineKeys.keys()].join(', ') || 'none'})`,
      );
    }
    const key = matches[0]!;
    const judge: Rating[] = perRow.map((lines) => {
      const line = lines.get(key);
      return line ? rowLineValue(line) : null;
    });
    return {
      criterion: name,
      judgeLine: key,
      kind: lineKeys.get(key)!.kind,
      judge,
      human: ids.map((id) => labels.get(id)?.criteria.get(name) ?? null),
    };
  });
}
