/**
 * Parses a policy response as JSON, the way a format check should: strictly (no repair),
 * but accepting a ```json fenced block with prose around it when allowed.
 */

export type ResponseJson = { ok: true; value: unknown; fenced: boolean } | { ok: false; error: string };

const FENCE = /```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n?```/g;

export function parseResponseJson(text: string, allowFenced = true): ResponseJson {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'response is empty' };
  const direct = tryParse(trimmed);
  if (direct.ok) return { ok: true, value: direct.value, fenced: false };
  if (allowFenced) {
    const blocks = [...trimmed.matchAll(FENCE)].map((match) => match[1] ?? '');
    for (const block of blocks.reverse()) {
      const parsed = tryParse(block.trim());
      if (parsed.ok) return { ok: true, value: parsed.value, fenced: true };
    }
  }
  return { ok: false, error: direct.error };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
}
