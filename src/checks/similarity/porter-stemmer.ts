/**
 * Porter stemmer with exactly the behaviour of nltk's `PorterStemmer()` in its default mode (NLTK_EXTENSIONS):
 * Porter's 1980 steps 1a–5b plus nltk's changes (a small table of irregular forms, words of one or two characters
 * left alone, `-ies`/`-ied` on four-letter words kept as `-ie`, `y → i` only after a consonant, `alli` handled
 * before the other step-2 rules, `fulli → ful`, `logi → log`, `cvc` also true for a two-letter `vc` stem).
 * METEOR's second matching stage compares these stems.
 *
 * A word is handled as a list of Unicode code points, as Python indexes a `str`: a character outside the BMP
 * (an emoji) is one letter, never two, so lengths, "double consonant" and "ends cvc" agree with nltk.
 */

type Letters = readonly string[];

/** A suffix rule: when the word ends with `suffix`, it is replaced by `replacement` if `applies(stem)` holds. */
interface SuffixRule {
  suffix: string;
  replacement: string;
  applies?: (stem: Letters) => boolean;
}

/**
 * nltk's rule lists use the pseudo-suffix "*d" for "ends with a double consonant". Like nltk, a word that ends
 * with the two characters `*d` also matches it.
 */
const DOUBLE_CONSONANT = '*d';

/** nltk's irregular forms: the key word is the stem of each listed form. */
const IRREGULAR_STEMS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    sky: ['sky', 'skies'],
    die: ['dying'],
    lie: ['lying'],
    tie: ['tying'],
    news: ['news'],
    inning: ['innings', 'inning'],
    outing: ['outings', 'outing'],
    canning: ['cannings', 'canning'],
    howe: ['howe'],
    proceed: ['proceed'],
    exceed: ['exceed'],
    succeed: ['succeed'],
  }).flatMap(([stem, forms]) => forms.map((form): [string, string] => [form, stem])),
);

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/** `true` at each consonant: a letter other than a vowel, and a `y` only at the start or after a vowel. */
function consonantFlags(word: Letters, upTo = word.length): boolean[] {
  const flags: boolean[] = [];
  for (let i = 0; i < upTo; i++) {
    const letter = word[i]!;
    if (VOWELS.has(letter)) flags.push(false);
    else if (letter === 'y') flags.push(i === 0 ? true : !flags[i - 1]);
    else flags.push(true);
  }
  return flags;
}

function isConsonant(word: Letters, index: number): boolean {
  return consonantFlags(word, index + 1)[index]!;
}

/** Porter's m: the number of vowel-run → consonant-run transitions in [C](VC){m}[V]. */
function measure(stem: Letters): number {
  const flags = consonantFlags(stem);
  let count = 0;
  for (let i = 1; i < flags.length; i++) if (!flags[i - 1] && flags[i]) count++;
  return count;
}

const hasPositiveMeasure = (stem: Letters): boolean => measure(stem) > 0;
const hasMeasureAboveOne = (stem: Letters): boolean => measure(stem) > 1;

function containsVowel(stem: Letters): boolean {
  return consonantFlags(stem).some((consonant) => !consonant);
}

function endsWithDoubleConsonant(word: Letters): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** Porter's *o: consonant–vowel–consonant at the end, the last not w, x or y; nltk adds a whole two-letter `vc` word. */
function endsConsonantVowelConsonant(word: Letters): boolean {
  const n = word.length;
  if (n >= 3) {
    return isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1) && !['w', 'x', 'y'].includes(word[n - 1]!);
  }
  return n === 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

function endsWith(word: Letters, suffix: string): boolean {
  if (suffix.length > word.length) return false;
  const start = word.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (word[start + i] !== suffix[i]) return false;
  return true;
}

function withoutSuffix(word: Letters, length: number): string[] {
  return word.slice(0, word.length - length);
}

function withReplacement(stem: Letters, replacement: string): string[] {
  return [...stem, ...replacement];
}

/** The first rule whose suffix the word ends with decides: applied if its condition holds, else the word is kept. */
function applyFirstRule(word: Letters, rules: readonly SuffixRule[]): Letters {
  for (const rule of rules) {
    let stem: Letters | undefined;
    if (rule.suffix === DOUBLE_CONSONANT && endsWithDoubleConsonant(word)) stem = withoutSuffix(word, 2);
    else if (endsWith(word, rule.suffix)) stem = withoutSuffix(word, rule.suffix.length);
    if (stem === undefined) continue;
    return rule.applies === undefined || rule.applies(stem) ? withReplacement(stem, rule.replacement) : word;
  }
  return word;
}

const STEP_1A_RULES: readonly SuffixRule[] = [
  { suffix: 'sses', replacement: 'ss' },
  { suffix: 'ies', replacement: 'i' },
  { suffix: 'ss', replacement: 'ss' },
  { suffix: 's', replacement: '' },
];

function step1a(word: Letters): Letters {
  if (word.length === 4 && endsWith(word, 'ies')) return withReplacement(withoutSuffix(word, 3), 'ie');
  return applyFirstRule(word, STEP_1A_RULES);
}

function step1b(word: Letters): Letters {
  if (endsWith(word, 'ied')) return withReplacement(withoutSuffix(word, 3), word.length === 4 ? 'ie' : 'i');
  if (endsWith(word, 'eed')) {
    const stem = withoutSuffix(word, 3);
    return measure(stem) > 0 ? withReplacement(stem, 'ee') : word;
  }
  let stem: Letters | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (!endsWith(word, suffix)) continue;
    const candidate = withoutSuffix(word, suffix.length);
    if (containsVowel(candidate)) {
      stem = candidate;
      break;
    }
  }
  if (stem === undefined) return word;
  const last = stem[stem.length - 1]!;
  return applyFirstRule(stem, [
    { suffix: 'at', replacement: 'ate' },
    { suffix: 'bl', replacement: 'ble' },
    { suffix: 'iz', replacement: 'ize' },
    { suffix: DOUBLE_CONSONANT, replacement: last, applies: () => !['l', 's', 'z'].includes(last) },
    { suffix: '', replacement: 'e', applies: (rest) => measure(rest) === 1 && endsConsonantVowelConsonant(rest) },
  ]);
}

const STEP_1C_RULES: readonly SuffixRule[] = [
  { suffix: 'y', replacement: 'i', applies: (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1) },
];

const STEP_2_RULES: readonly SuffixRule[] = [
  ...(
    [
      ['ational', 'ate'],
      ['tional', 'tion'],
      ['enci', 'ence'],
      ['anci', 'ance'],
      ['izer', 'ize'],
      ['bli', 'ble'],
      ['alli', 'al'],
      ['entli', 'ent'],
      ['eli', 'e'],
      ['ousli', 'ous'],
      ['ization', 'ize'],
      ['ation', 'ate'],
      ['ator', 'ate'],
      ['alism', 'al'],
      ['iveness', 'ive'],
      ['fulness', 'ful'],
      ['ousness', 'ous'],
      ['aliti', 'al'],
      ['iviti', 'ive'],
      ['biliti', 'ble'],
      ['fulli', 'ful'],
    ] as const
  ).map(([suffix, replacement]): SuffixRule => ({ suffix, replacement, applies: hasPositiveMeasure })),
  // the `l` of `logi` counts as part of the stem, so short stems such as `geo-`/`theo-` qualify
  { suffix: 'logi', replacement: 'log', applies: (stem) => hasPositiveMeasure([...stem, 'l']) },
];

function step2(word: Letters): Letters {
  if (endsWith(word, 'alli') && hasPositiveMeasure(withoutSuffix(word, 4))) return step2(withReplacement(withoutSuffix(word, 4), 'al'));
  return applyFirstRule(word, STEP_2_RULES);
}

const STEP_3_RULES: readonly SuffixRule[] = (
  [
    ['icate', 'ic'],
    ['ative', ''],
    ['alize', 'al'],
    ['iciti', 'ic'],
    ['ical', 'ic'],
    ['ful', ''],
    ['ness', ''],
  ] as const
).map(([suffix, replacement]) => ({ suffix, replacement, applies: hasPositiveMeasure }));

const STEP_4_RULES: readonly SuffixRule[] = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion']
  .concat(['ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'])
  .map((suffix) => ({
    suffix,
    replacement: '',
    applies:
      suffix === 'ion' ? (stem: Letters) => hasMeasureAboveOne(stem) && ['s', 't'].includes(stem[stem.length - 1]!) : hasMeasureAboveOne,
  }));

function step5a(word: Letters): Letters {
  if (!endsWith(word, 'e')) return word;
  const stem = withoutSuffix(word, 1);
  const m = measure(stem);
  return m > 1 || (m === 1 && !endsConsonantVowelConsonant(stem)) ? stem : word;
}

function step5b(word: Letters): Letters {
  return applyFirstRule(word, [{ suffix: 'll', replacement: 'l', applies: () => hasMeasureAboveOne(withoutSuffix(word, 1)) }]);
}

/** The stem nltk's `PorterStemmer().stem(word)` returns (the word is lowercased first, as there). */
export function porterStem(word: string): string {
  const lowered = word.toLowerCase();
  const irregular = IRREGULAR_STEMS.get(lowered);
  if (irregular !== undefined) return irregular;
  const letters = Array.from(lowered);
  // nltk measures the length of the word as given (before lowercasing)
  if (Array.from(word).length <= 2) return lowered;
  let stem = step2(applyFirstRule(step1b(step1a(letters)), STEP_1C_RULES));
  stem = applyFirstRule(applyFirstRule(stem, STEP_3_RULES), STEP_4_RULES);
  return step5b(step5a(stem)).join('');
}
