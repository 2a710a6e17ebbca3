// Import layering of src/ (run: npm run layers; part of npm test). Layers, top to bottom — a module may import its own
// folder and any layer BELOW it, never one above:
//   faces        cli/ (outermost), serve/, lab/, judge-test/, import/, data/, rollouts/, plan/, view/, queue/ — the ways a user runs (or brings) a reward, its datasets, baseline rollouts, run plans and scored rows (queue/: on workers)
//   composition  src/*.ts other than the leaves (reward.ts, open-reward.ts, index.ts, …) — builds a reward
//   checks/  judges/   (peers: neither imports the other)             — score one row
//   runtime/                                                          — the one retry layer, scheduling, cache
//   models/                                                           — talks to a judge model (HTTP, headers, cost)
//   spec/                                                             — the reward spec's schema and loader
//   input/                                                            — reads a row (its spec section, selectors)
//   leaves       result.ts, version.ts, rewardkit-error.ts, round6.ts — import nothing of ours
// lab/statistics/ depends on nothing of ours (so, like the leaves, any layer may use it); each lab command folder (lab/consistency/ … lab/hack/) is a slice that
// imports no other command, and the lab toolkit imports none. Tests (*.test.ts, test/) may import anything: they are not cruised.
// Each folder's README.md says what it owns; src/runtime/README.md first.

const LEAVES = '^src/(result|version|rewardkit-error|round6)[.]ts$';
const COMPOSITION = '^src/[^/]+[.]ts$';
const FACES = '^src/(cli|serve|lab|judge-test|import|data|rollouts|plan|view|queue)/';
/** The lab's vertical slices: one folder per command (src/lab/README.md); compare/ is the slice behind `rewardkit compare`. */
const LAB_COMMANDS = 'consistency|position|agree|calibrate|regress|hack|noise|compare';

/** `from` may not import any of `above` (regular expressions over paths). */
const upward = (name, from, above, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from, pathNot: '[.]test[.]ts$' },
  // lab/statistics imports nothing of ours (rule below), so like the leaves it may be used from any layer (judges use Kendall's τ)
  to: { path: above, pathNot: [LEAVES, '^src/lab/statistics/'] },
});

const ABOVE_RUNTIME = ['^src/(checks|judges)/', COMPOSITION, FACES];

export default {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'No import cycle between modules (folder cycles are ruled out by the layer rules below).',
      from: { pathNot: '[.]test[.]ts$' },
      to: { circular: true },
    },
    {
      name: 'leaves-import-nothing',
      severity: 'error',
      comment: 'result.ts, version.ts, rewardkit-error.ts and round6.ts are imported by every layer, so they import nothing of ours.',
      from: { path: LEAVES },
      to: { path: '^src/' },
    },
    {
      name: 'statistics-import-nothing',
      severity: 'error',
      comment: 'lab/statistics is pure maths tested against published values: it depends on nothing of ours.',
      from: { path: '^src/lab/statistics/', pathNot: '[.]test[.]ts$' },
      to: { path: '^src/', pathNot: '^src/lab/statistics/' },
    },
    {
      name: 'lab-commands-are-slices',
      severity: 'error',
      comment:
        'Each lab command folder (flags, run, analysis, report) stands alone: it uses the shared lab toolkit, never another command.',
      from: { path: `^src/lab/(${LAB_COMMANDS})/`, pathNot: '[.]test[.]ts$' },
      to: { path: `^src/lab/(${LAB_COMMANDS})/`, pathNot: '^src/lab/$1/' },
    },
    {
      name: 'lab-toolkit-below-commands',
      severity: 'error',
      comment:
        'The lab toolkit (command/, engine/, inputs/, report/, statistics/, the root modules) knows no command; only lab-commands.ts and index.ts list them.',
      from: { path: '^src/lab/', pathNot: [`^src/lab/(${LAB_COMMANDS})/`, '^src/lab/(lab-commands|index)[.]ts$', '[.]test[.]ts$'] },
      to: { path: `^src/lab/(${LAB_COMMANDS})/` },
    },
    upward(
      'input-is-the-bottom',
      '^src/input/',
      ['^src/(spec|models|runtime|checks|judges)/', COMPOSITION, FACES],
      'input/ reads rows: it knows no spec, model or judge.',
    ),
    upward(
      'spec-below-models',
      '^src/spec/',
      ['^src/(models|runtime|checks|judges)/', COMPOSITION, FACES],
      'spec/ is the vocabulary every layer reads.',
    ),
    upward(
      'models-below-runtime',
      '^src/models/',
      ['^src/runtime/', ...ABOVE_RUNTIME],
      'models/ makes one call; retries, limits and scheduling are runtime/ and call down into it.',
    ),
    upward(
      'runtime-below-judges',
      '^src/runtime/',
      ABOVE_RUNTIME,
      'runtime/ runs calls for any judge: it knows no judge, check or reward.',
    ),
    upward(
      'checks-not-judges',
      '^src/checks/',
      ['^src/judges/', COMPOSITION, FACES],
      'checks/ are pure and deterministic: no judge, no model call.',
    ),
    upward(
      'judges-not-checks',
      '^src/judges/',
      ['^src/checks/', COMPOSITION, FACES],
      'judges/ do not use checks; the reward composes both.',
    ),
    upward('composition-below-faces', COMPOSITION, [FACES], 'The library core never imports a CLI, server or lab face.'),
    upward(
      'cli-is-outermost',
      '^src/(serve|lab|judge-test|import|data|rollouts|plan|view|queue)/',
      ['^src/cli/'],
      'Only cli/ (and nothing below it) may import cli/.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    exclude: { path: '(^src/.*[.]test[.]ts$)|__fixtures__' },
    // type-only imports count: a layer that needs another's types depends on it
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
