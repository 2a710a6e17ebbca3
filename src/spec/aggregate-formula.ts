/**
 * The language of `aggregate.formula`: an arithmetic expression over component names (OpenAI multi-grader
 * `calculate_output`, e.g. "0.5 * name_ok + 0.5 * args_score" or "min(a, b) * c"). mathjs parses the text once;
 * this module walks the parse tree, admits only numbers, parentheses, + - * / ^, unary minus and plus, the
 * component names of the spec and FORMULA_FUNCTIONS, and evaluates the tree itself — nothing is ever handed
 * to mathjs' evaluator, eval or Function. What a missing score or a result outside [0, 1] does is the
 * composer's rule (row-phases.ts), not this module's.
 */
import { createRequire } from 'node:module';
import type { MathNode } from 'mathjs';

type MathjsNumber = typeof import('mathjs/number');
let parser: ((expression: string) => MathNode) | undefined; // loaded on first use (mathjsParser)

/**
 * mathjs' parser, loaded on first use: importing mathjs costs about a second of CPU, which only a spec with a formula
 * should pay (not every CLI start, server or Lambda cold start). The number-only build and only its parser: no
 * evaluator, no function library.
 */
function mathjsParser(): (expression: string) => MathNode {
  if (!parser) {
    let mathjs: MathjsNumber;
    try {
      mathjs = createRequire(import.meta.url)('mathjs/number') as MathjsNumber;
    } catch (error) {
      throw new Error(
        `aggregate.formula needs the mathjs package, which cannot be loaded here: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    parser = mathjs.create({ parseDependencies: mathjs.parseDependencies! }, {}).parse;
  }
  return parser;
}

/**
 * The mathjs parse tree of `source`, unchecked (throws mathjs' error on a syntax error): for tools that rewrite a formula
 * (e.g. the OpenAI grader importer) without importing mathjs themselves, which every process would then pay for.
 */
export function parseFormulaTree(source: string): MathNode {
  return mathjsParser()(source);
}

/** The functions a formula may call, with the number of arguments each takes. `log` is the natural logarithm. */
const FUNCTIONS: Record<string, { arity: 'one' | 'many'; apply: (...args: number[]) => number }> = {
  min: { arity: 'many', apply: Math.min },
  max: { arity: 'many', apply: Math.max },
  abs: { arity: 'one', apply: Math.abs },
  floor: { arity: 'one', apply: Math.floor },
  ceil: { arity: 'one', apply: Math.ceil },
  round: { arity: 'one', apply: Math.round },
  exp: { arity: 'one', apply: Math.exp },
  sqrt: { arity: 'one', apply: Math.sqrt },
  log: { arity: 'one', apply: Math.log },
};

export const FORMULA_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

const BINARY: Record<string, (left: number, right: number) => number> = {
  '+': (left, right) => left + right,
  '-': (left, right) => left - right,
  '*': (left, right) => left * right,
  '/': (left, right) => left / right,
  '^': (left, right) => left ** right,
};

/** A formula checked against a spec's component names, ready to evaluate. */
export interface AggregateFormula {
  readonly source: string;
  /** The component names the formula reads, each once, in order of first use. */
  readonly names: readonly string[];
  /** The formula's value for component scores by name (every name in `names` must be present). */
  evaluate(scores: ReadonlyMap<string, number>): number;
}

/** Why a formula was refused: the offending part, and what a formula may hold. */
export class FormulaError extends Error {
  constructor(problem: string, componentNames: readonly string[]) {
    super(`${problem}; ${formulaAllowed(componentNames)}`);
    this.name = 'FormulaError';
  }
}

/** What a formula may hold, for error messages. */
export function formulaAllowed(componentNames: readonly string[]): string {
  const names = componentNames.length > 0 ? componentNames.join(', ') : '(none)';
  return (
    `allowed: numbers, ( ), the operators + - * / ^ and unary minus, the functions ${FORMULA_FUNCTIONS.join(', ')} ` +
    `(log is the natural logarithm), and the component names of this spec: ${names}`
  );
}

/** Parses and checks `source`; throws FormulaError naming the offending part. */
export function parseAggregateFormula(source: string, componentNames: readonly string[]): AggregateFormula {
  const known = new Set(componentNames);
  const refuse = (problem: string): never => {
    throw new FormulaError(problem, componentNames);
  };
  const parse = mathjsParser(); // a missing mathjs is not the formula's fault: its error goes out as it is
  let tree: MathNode;
  try {
    tree = parse(source);
  } catch (error) {
    return refuse(`cannot parse "${source}": ${(error as Error).message}`);
  }
  const names: string[] = [];
  const evaluate = compile(tree, known, names, refuse);
  return { source, names, evaluate };
}

type Evaluator = (scores: ReadonlyMap<string, number>) => number;

/** Checks `node` and returns its evaluator; records the component names read in `names`. */
function compile(node: MathNode, known: ReadonlySet<string>, names: string[], refuse: (problem: string) => never): Evaluator {
  const part = () => `"${node.toString()}"`;
  switch (node.type) {
    case 'ConstantNode': {
      const { value } = node as MathNode & { value: unknown };
      if (typeof value !== 'number' || !Number.isFinite(value)) return refuse(`${part()} is not a finite number`);
      return () => value;
    }
    case 'ParenthesisNode':
      return compile((node as MathNode & { content: MathNode }).content, known, names, refuse);
    case 'SymbolNode': {
      const { name } = node as MathNode & { name: string };
      if (!known.has(name)) return refuse(`unknown name "${name}"`);
      if (!names.includes(name)) names.push(name);
      return (scores) => scores.get(name)!;
    }
    case 'OperatorNode': {
      const operator = node as MathNode & { op: string; fn: string; args: MathNode[]; implicit: boolean; isPercentage: boolean };
      if (operator.implicit) return refuse(`${part()} multiplies without "*": write the operator`);
      if (operator.isPercentage) return refuse(`${part()} uses "%"`);
      const args = operator.args.map((arg) => compile(arg, known, names, refuse));
      if (args.length === 1 && (operator.fn === 'unaryMinus' || operator.fn === 'unaryPlus')) {
        const [arg] = args as [Evaluator];
        return operator.fn === 'unaryMinus' ? (scores) => -arg(scores) : arg;
      }
      if (args.length !== 2 || !Object.hasOwn(BINARY, operator.op)) return refuse(`operator "${operator.op}" in ${part()}`);
      const apply = BINARY[operator.op]!;
      const [left, right] = args as [Evaluator, Evaluator];
      return (scores) => apply(left(scores), right(scores));
    }
    case 'FunctionNode': {
      const call = node as MathNode & { fn: MathNode & { name?: string }; args: MathNode[] };
      const name = call.fn.type === 'SymbolNode' ? call.fn.name! : undefined;
      const fn = name !== undefined && Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name]! : undefined;
      if (!fn)
        return refuse(`function call ${part()}: ${name === undefined ? 'not a function name' : `"${name}" is not an allowed function`}`);
      if (fn.arity === 'one' ? call.args.length !== 1 : call.args.length === 0) {
        return refuse(`${part()}: ${name} takes ${fn.arity === 'one' ? 'one argument' : 'one or more arguments'}`);
      }
      const args = call.args.map((arg) => compile(arg, known, names, refuse));
      return (scores) => fn.apply(...args.map((arg) => arg(scores)));
    }
    default:
      return refuse(`${part()} is ${describeNode(node.type)}`);
  }
}

function describeNode(type: string): string {
  const kinds: Record<string, string> = {
    AssignmentNode: 'an assignment',
    FunctionAssignmentNode: 'a function definition',
    AccessorNode: 'a member or index access',
    IndexNode: 'a member or index access',
    ArrayNode: 'a matrix',
    ObjectNode: 'an object',
    ConditionalNode: 'a conditional (? :)',
    RangeNode: 'a range',
    BlockNode: 'several expressions',
    RelationalNode: 'a comparison',
  };
  return kinds[type] ?? `not allowed (${type})`;
}
