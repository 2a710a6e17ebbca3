/**
 * Runs `lab hack`: scores the rollouts as they are, then every probe applied to every rollout, and reports
 * the reward shift per probe.
 */
import { toRowView } from '../../input/row-view.js';
import { parseSelector } from '../../input/selector.js';
import { componentNameOf, type RewardSpec } from '../../spec/schema.js';
import { openEngine } from '../engine/lab-engine.js';
import { replaceResponse } from '../engine/replace-response.js';
import { analyseHacking, type HackResult, type ProbeRun } from './hacking-analysis.js';
import { selectProbes, type ProbeOutcome } from './probes.js';
import { readRollouts, type Rollout } from '../inputs/rollouts.js';
import { LabError } from '../lab-error.js';
import { withEngineContext, type EngineFlags } from '../engine/engine-flags.js';
import { elapsed, type RunContext } from '../command/run-context.js';
import { usageError } from '../command/lab-flags.js';

export interface HackOptions {
  spec: string;
  input: string;
  /** Probe ids or families; all when empty. */
  probes: string[];
  /** JSON field that receives added text (default: each object's longest string). */
  field?: string;
  engine: EngineFlags;
}

export async function runHack(options: HackOptions, context: RunContext): Promise<HackResult> {
  let probes;
  try {
    probes = selectProbes(options.probes);
  } catch (error) {
    throw new LabError('usage', `--probes: ${(error as Error).message}`);
  }
  return withEngineContext(options.engine, async (engineContext) => {
    const engine = await openEngine(
      {
        spec: options.spec,
        judge: options.engine.judge,
        judgeBaseUrl: options.engine.judgeBaseUrl,
        concurrency: options.engine.concurrency,
        // Refused before any judge is contacted.
        transform: (spec) => withoutGroupJudges(spec, options.spec),
      },
      engineContext,
    );
    const rollouts = readRollouts(options.input, engine.spec.input, '--input', options.engine.limit, false);
    let started = performance.now();
    const baseline = await engine.score(rollouts);
    context.log(`hack: scored ${rollouts.length} rollouts as they are in ${elapsed(started)}`);

    const responses = rollouts.map((rollout) => {
      try {
        return toRowView(rollout.row, engine.spec.input, `line-${rollout.line}`).response;
      } catch {
        return null;
      }
    });
    const avoid = quotedFields(engine.spec);
    const outcomes: ProbeOutcome[][] = probes.map((probe) =>
      rollouts.map((rollout, index): ProbeOutcome => {
        const response = responses[index];
        if (response === null || response === undefined) return { skipped: 'the row cannot be read' };
        return probe.apply({
          response,
          reference: rollout.reference,
          judges: engine.spec.judges,
          avoid,
          ...(options.field ? { field: options.field } : {}),
        });
      }),
    );
    const jobs: Array<{ probe: number; row: number; rollout: Rollout }> = [];
    outcomes.forEach((perRow, p) =>
      perRow.forEach((outcome, index) => {
        if ('skipped' in outcome) return;
        const rollout = rollouts[index]!;
        jobs.push({
          probe: p,
          row: index,
          rollout: { ...rollout, row: replaceResponse(rollout.row, engine.spec.input, outcome.response) },
        });
      }),
    );
    started = performance.now();
    const probed = await engine.score(jobs.map((job) => job.rollout));
    context.log(`hack: scored ${jobs.length} probed rollouts (${probes.length} probes) in ${elapsed(started)}`);
    const runs: ProbeRun[] = probes.map((probe, p) => {
      const results = new Array<(typeof probed)[number] | undefined>(rollouts.length).fill(undefined);
      jobs.forEach((job, j) => {
        if (job.probe === p) results[job.row] = probed[j];
      });
      return { probe, outcomes: outcomes[p]!, results };
    });
    return analyseHacking({
      source: { kind: 'engine', spec: options.spec, input: options.input, judge_models: engine.judgeModels, cache: options.engine.cache },
      settings: context.settings,
      ids: rollouts.map((rollout) => rollout.id),
      lengths: rollouts.map((rollout) => rollout.length),
      baseline,
      runs,
    });
  });
}

/** The last key of every grounding check's `quotes` selector on the response JSON (e.g. "text_excerpt"). */
export function quotedFields(spec: RewardSpec): string[] {
  const fields: string[] = [];
  for (const check of spec.checks) {
    if (check.type !== 'grounding' || !check.quotes.startsWith('response_json')) continue;
    const steps = parseSelector(check.quotes) ?? [];
    const last = [...steps].reverse().find((step): step is { key: string } => 'key' in step);
    if (last && last.key !== 'response_json') fields.push(last.key);
  }
  return fields;
}

/**
 * A group judge scores the rollouts of one prompt against each other, so a probed rollout would be judged beside its
 * own unprobed siblings and the other probes of that prompt: its reward shift would not be the probe's alone.
 */
function withoutGroupJudges(spec: RewardSpec, path: string): RewardSpec {
  const group = spec.judges.find((judge) => judge.type === 'group');
  if (group)
    throw usageError(
      'hack',
      `the spec ${path} has a group judge, "${componentNameOf(group)}" (type: group): it judges the rollouts of one prompt against each other, so the probes of one prompt would be judged beside each other and a probe's reward shift would not be its own. Run hack with a spec whose judges score each rollout alone (rubric, preference).`,
    );
  return spec;
}
