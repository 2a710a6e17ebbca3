/**
 * Fences untrusted text (prompt, response, reference, row fields) for a judge prompt. The text sits
 * between <<<BEGIN NAME>>> and <<<END NAME>>> markers, and any run of three or more angle brackets inside
 * it is turned into look-alike characters, so a response cannot close the fence and talk to the judge.
 */

export function neutraliseDelimiters(text: string): string {
  return text.replace(/<{3,}/g, (run) => '‹'.repeat(run.length)).replace(/>{3,}/g, (run) => '›'.repeat(run.length));
}

export function fenceUntrusted(label: string, text: string): string {
  const name = label.toUpperCase().replace(/[^A-Z0-9_.]+/g, '_');
  const body = text.trim() === '' ? '(empty)' : neutraliseDelimiters(text);
  return `<<<BEGIN ${name}>>>\n${body}\n<<<END ${name}>>>`;
}
