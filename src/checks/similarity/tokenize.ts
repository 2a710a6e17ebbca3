/**
 * Python's notion of whitespace, for the similarity metrics whose reference is a Python library: the word
 * tokenizer shared by the metrics that have no tokenizer of their own (GLEU, METEOR), which splits like
 * `str.split()` with no argument, and `str.rstrip()`. Case and punctuation are kept as they are.
 */

/**
 * The characters Python's `str.isspace()` accepts: the C0 separators, the Unicode space separators, and the line
 * and paragraph separators. Not the same set as the regex `\s`, which adds U+FEFF and lacks U+001C–U+001F and
 * U+0085.
 */
const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE_RUN = new RegExp(`[${PYTHON_WHITESPACE}]+`, 'u');
const TRAILING_WHITESPACE = new RegExp(`[${PYTHON_WHITESPACE}]+$`, 'u');

/** Whitespace-separated words, as Python's `text.split()`: `whitespaceTokens('  a  b\tc ')` → `['a', 'b', 'c']`; `''` → `[]`. */
export function whitespaceTokens(text: string): string[] {
  return text.split(WHITESPACE_RUN).filter((token) => token !== '');
}

/** The text without trailing whitespace, as Python's `text.rstrip()`. */
export function trimEndPython(text: string): string {
  return text.replace(TRAILING_WHITESPACE, '');
}
