/**
 * Where the `ollama` provider sends calls: Ollama's OpenAI-compatible endpoint, at OLLAMA_HOST (the variable
 * Ollama itself reads: "host:port", "http://host:port" or ":port") or http://127.0.0.1:11434, path /v1.
 */
export const OLLAMA_DEFAULT_BASE_URL = 'http://127.0.0.1:11434/v1';

export function ollamaBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.OLLAMA_HOST?.trim();
  if (!host) return OLLAMA_DEFAULT_BASE_URL;
  const withScheme = /^https?:\/\//i.test(host) ? host : `http://${host.startsWith(':') ? `127.0.0.1${host}` : host}`;
  const url = new URL(withScheme);
  if (!url.port && !/^https?:\/\/[^/]+:\d+/i.test(withScheme)) url.port = url.protocol === 'https:' ? '' : '11434';
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/v1') ? path : `${path}/v1`}`;
}
