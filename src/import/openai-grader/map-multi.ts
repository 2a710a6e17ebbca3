/**
 * OpenAI `multi` → its graders as components (each named by its key in `graders`, which is the formula's variable) and
 * `calculate_output` as `aggregate.formula`. The formula is checked with the spec's own formula language
 * (spec/aggregate-formula.ts: the operators and functions OpenAI's graders guide lists, over the grader keys).
 *
 * OpenAI evaluates the formula on each grader's own output; rewardkit on component scores in [0, 1]. They are the same
 * for every grader but a score_model with a range other than [0, 1]: there each use of its key is rewritten to
 * (low + (high − low) · key), which is the grader's output again.
 */
import type { MathNode } from 'mathjs';
import { parseAggregateFormula, parseFormulaTree } from '../../spec/aggregate-formula.js';
import type { MultiGrader } from './grader-schema.js';
import type { GraderPath } from './import-problems.js';
import type { MapContext, MappedComponent } from './mapped-component.js';

const COMPONENT_NAME = /^[a-z][a-z0-9_]*$/;

/** Maps one sub-grader (dispatch lives in import-openai-grader.ts, which also maps top-level graders). */
export type MapGrader = (value: unknown, context: MapContext, nested: boolean) => MappedComponent | undefined;

export interface MappedMulti {
  components: MappedComponent[];
  formula: string;
}

export function mapMulti(grader: MultiGrader, context: MapContext, mapGrader: MapGrader): MappedMulti | undefined {
  const { path, problems } = context;
  const components: MappedComponent[] = [];
  let complete = true;
  const keys = Object.keys(grader.graders);
  if (keys.length === 0) {
    problems.add([...path, 'graders'], 'expected at least one grader');
    return undefined;
  }
  for (const key of keys) {
    const at: GraderPath = [...path, 'graders', key];
    if (!COMPONENT_NAME.test(key)) {
      problems.add(
        at,
        'expected a snake_case grader key (lowercase letters, digits and underscores, starting with a letter): the key is the formula variable and the component name, so it cannot be renamed',
        key,
      );
      complete = false;
      continue;
    }
    const mapped = mapGrader(grader.graders[key], { ...context, path: at, name: key }, true);
    if (mapped) components.push(mapped);
    else complete = false;
  }
  const formula = checkFormula(grader.calculate_output, keys, [...path, 'calculate_output'], context);
  if (!complete || formula === undefined) return undefined;
  const scaled = components.filter((component) => component.range[0] !== 0 || component.range[1] !== 1);
  const rewritten =
    scaled.length === 0
      ? formula
      : rescale(formula, new Map(scaled.map((component) => [String(component.component.name), component.range])));
  const outside = valueOutsideUnit(rewritten, keys);
  if (outside) {
    problems.add(
      [...path, 'calculate_output'],
      `can reach ${outside.value} (${outside.at}), outside [0, 1]: a rewardkit reward lies in a fixed range and would clamp it, which changes its meaning; write calculate_output so it stays in [0, 1] (e.g. divide by its largest value)`,
      grader.calculate_output,
    );
    return undefined;
  }
  if (scaled.length === 0) return { components, formula };
  problems.note(
    `calculate_output: ${scaled.map((component) => component.component.name).join(', ')} ${scaled.length === 1 ? 'is a score_model' : 'are score_models'} whose range is not [0, 1]; rewardkit scores ${scaled.length === 1 ? 'it' : 'them'} in [0, 1], so the formula reads each as low + (high − low) · score, its OpenAI output: ${rewritten}`,
  );
  return { components, formula: rewritten };
}

/**
 * A finite value of the formula outside [0, 1] at a corner of the scores (each grader 0 or 1), if there is one. Corners
 * are where the allowed functions of sums and products reach their extremes; a formula with up to 12 graders is checked.
 */
function valueOutsideUnit(formula: string, keys: readonly string[]): { value: number; at: string } | undefined {
  if (keys.length > 12) return undefined;
  const parsed = parseAggregateFormula(formula, keys);
  for (let corner = 0; corner < 2 ** keys.length; corner++) {
    const scores = new Map(keys.map((key, index) => [key, (corner >> index) & 1]));
    const value = parsed.evaluate(scores);
    if (Number.isFinite(value) && (value < 0 || value > 1)) {
      return { value: Math.round(value * 1e6) / 1e6, at: keys.map((key) => `${key} = ${scores.get(key)}`).join(', ') };
    }
  }
  return undefined;
}

/** The formula, when it parses and uses only the grader keys and the allowed operators and functions. */
function checkFormula(formula: string, keys: readonly string[], path: GraderPath, context: MapContext): string | undefined {
  try {
    parseAggregateFormula(formula, keys);
    return formula;
  } catch (error) {
    context.problems.add(path, (error as Error).message, formula);
    return undefined;
  }
}

/** `formula` with each use of a key in `ranges` replaced by (low + (high − low) · key). */
function rescale(formula: string, ranges: ReadonlyMap<string, readonly [number, number]>): string {
  const tree = parseFormulaTree(formula);
  const rewritten = tree.transform((node: MathNode, path: string) => {
    if (node.type !== 'SymbolNode' || path === 'fn') return node;
    const name = (node as MathNode & { name: string }).name;
    const range = ranges.get(name);
    return range ? parseFormulaTree(`(${range[0]} + ${range[1] - range[0]} * ${name})`) : node;
  });
  return rewritten.toString();
}
