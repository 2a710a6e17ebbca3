/**
 * Fences untrusted text (prompt, response, reference, row fields) for a judge prompt, so that nothing in the
 * data can close its section and talk to the judge.
 *
 * Markers. A section is `<<<BEGIN NAME nonce>>>` … `<<<END NAME nonce>>>`, with one nonce per rendered prompt:
 * 12 hex digits of HMAC-SHA256(secret, every untrusted value the prompt shows; a `foreach` item counts through the
 * whole response that holds it, so one row's item prompts share a nonce — judge-template.ts). The nonce is a pure function
 * of the content, so the same row renders the same prompt and the judge cache keeps working; yet the data can
 * never show it — a text that contained its own nonce would be a fixed point of the hash. The secret comes from
 * REWARDKIT_FENCE_SECRET (the spec file is no place for a secret: it is committed and hashed into provenance),
 * else a built-in constant; even with the constant the nonce cannot be forged, the secret only makes it
 * unpredictable to anyone who does not hold it. Changing the secret changes every prompt (and cache key).
 *
 * Body. Unicode format characters (category Cf: zero-width space/joiner/non-joiner, BOM, bidi controls, soft
 * hyphen, tag characters, …) are stripped; the text is put in NFC and every character whose NFKC form is a
 * bracket is NFKC-normalised (full-width `＜`, small `﹤`, vertical `︿`, `〈` U+2329). Only those: NFKC of the
 * whole text would change what the judge reads (`10⁻³` would become `10-3`, `x²` `x2`). Then every run of two
 * or more `<`/`>` look-alikes — ASCII, angle quotation marks ‹›«», angle brackets 〈〉《》⟨⟩⟪⟫, ornaments
 * ❬❭❮❯❰❱, arrowheads ˂˃, ≺≻, ≪≫, ⋘⋙, … — joined by nothing, spaces, combining marks or invisible fillers is
 * written as character references (`&lt;`, `&gt;`, `&#x27E8;`). A character that draws two or three brackets
 * (≪, 《, ⋘) is a run on its own. So the data holds no run of angle brackets at all and nothing in it can
 * read as a marker. A single bracket (`a < b`, `<b>`, « guillemets ») is kept as it is.
 */
import { createHmac } from 'node:crypto';

/** The environment variable that holds the fence secret. */
export const FENCE_SECRET_ENV = 'REWARDKIT_FENCE_SECRET';
/** Used when REWARDKIT_FENCE_SECRET is unset or empty. */
export const DEFAULT_FENCE_SECRET = 'rewardkit-fence-v1';
/** The template variable that holds the prompt's nonce (trusted: it comes from rewardkit, not from the row). */
export const FENCE_NONCE_VARIABLE = 'fence_nonce';
export const FENCE_NONCE_LENGTH = 12;

/** Look-alikes drawing one bracket (their mirror images included). */
const SINGLE = '<>‹›˂˃˱˲〈〉〈〉⟨⟩❬❭❮❯❰❱⦑⦒⦓⦔⧼⧽≺≻⋖⋗≮≯⧀⧁⩹⩺ᐸᐳ︿﹀﹤﹥＜＞«»';
/** Look-alikes drawing two brackets. (« » draw two as well but are counted as one: they are quotation marks.) */
const DOUBLE = '≪≫⟪⟫《》⪡⪢⦕⦖⪻⪼︽︾';
/** Look-alikes drawing three brackets. */
const TRIPLE = '⋘⋙⫷⫸';
const LOOKALIKE = `[${SINGLE}${DOUBLE}${TRIPLE}]`;
/** What may sit between the brackets of one run and still let them read as one: spaces, marks, invisible fillers. */
const GLUE = '[\\t\\p{Zs}\\p{M}\\p{Default_Ignorable_Code_Point}]';
const RUN = new RegExp(`${LOOKALIKE}(?:${GLUE}*${LOOKALIKE})*`, 'gu');
const ONE_LOOKALIKE = new RegExp(LOOKALIKE, 'gu');
const FORMAT_CHARACTERS = /\p{Cf}/gu;
const NON_ASCII = /[^\p{ASCII}]/gu;
const LOOKALIKE_TEST = new RegExp(LOOKALIKE, 'u');
/** Non-ASCII character → itself, or its NFKC form when that is a bracket look-alike. */
const folded = new Map<string, string>();

function foldToBracket(character: string): string {
  let result = folded.get(character);
  if (result === undefined) {
    const compatible = character.normalize('NFKC');
    result = compatible !== character && LOOKALIKE_TEST.test(compatible) ? compatible : character;
    if (folded.size < 10_000) folded.set(character, result);
  }
  return result;
}

function bracketsDrawn(character: string): number {
  if (TRIPLE.includes(character)) return 3;
  return DOUBLE.includes(character) ? 2 : 1;
}

function characterReference(character: string): string {
  if (character === '<') return '&lt;';
  if (character === '>') return '&gt;';
  return `&#x${character.codePointAt(0)!.toString(16).toUpperCase()};`;
}

/** Format characters stripped, NFC, compatibility brackets NFKC-folded: what the judge reads, before escaping. */
export function normaliseUntrusted(text: string): string {
  return text.replace(FORMAT_CHARACTERS, '').normalize('NFC').replace(NON_ASCII, foldToBracket);
}

/** The text as it goes inside a fence: normalised, every run of bracket look-alikes written as references. */
export function neutraliseDelimiters(text: string): string {
  return normaliseUntrusted(text).replace(RUN, (run) => {
    const drawn = [...run.matchAll(ONE_LOOKALIKE)].reduce((sum, match) => sum + bracketsDrawn(match[0]), 0);
    return drawn < 2 ? run : run.replace(ONE_LOOKALIKE, characterReference);
  });
}

/** The secret for fence nonces: REWARDKIT_FENCE_SECRET, else the built-in constant. */
export function fenceSecretFromEnvironment(environment: NodeJS.ProcessEnv = process.env): string {
  const value = environment[FENCE_SECRET_ENV];
  return value === undefined || value === '' ? DEFAULT_FENCE_SECRET : value;
}

/** The nonce of one rendered prompt: from the secret and every (variable, untrusted text) pair it shows. */
export function fenceNonce(secret: string, untrusted: ReadonlyArray<readonly [string, string]>): string {
  return createHmac('sha256', secret).update(JSON.stringify(untrusted)).digest('hex').slice(0, FENCE_NONCE_LENGTH);
}

function sectionName(label: string): string {
  return label.toUpperCase().replace(/[^A-Z0-9_.]+/g, '_');
}

export function fenceUntrusted(label: string, text: string, nonce: string): string {
  const name = sectionName(label);
  const body = neutraliseDelimiters(text);
  return `<<<BEGIN ${name} ${nonce}>>>\n${body.trim() === '' ? '(empty)' : body}\n<<<END ${name} ${nonce}>>>`;
}

/**
 * The body of the section `label` in a rendered prompt (as the judge reads it: normalised and escaped), or
 * undefined when the prompt has no such section. For scripted judges and tests.
 */
export function readFenced(prompt: string, label: string): string | undefined {
  const name = sectionName(label).replace(/\./g, '\\.');
  const pattern = new RegExp(`<<<BEGIN ${name} ([0-9a-f]{${FENCE_NONCE_LENGTH}})>>>\\n([\\s\\S]*?)\\n<<<END ${name} \\1>>>`);
  return pattern.exec(prompt)?.[2];
}
