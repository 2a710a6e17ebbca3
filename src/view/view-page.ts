/**
 * The viewer's one page — page/view.html, page/view.css and page/view.js, plain files with no build step and
 * nothing loaded from anywhere else — read once, and the Content-Security-Policy that holds the page to its own
 * origin (so it provably works offline).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ViewPage {
  html: string;
  css: string;
  js: string;
}

/** Only this server's own page, script, style and API; no inline script, no frame, no form posting elsewhere. */
export const VIEW_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Where the page files are: `page/` beside this module (src/view/ in development), else the source folder from a
 * build in dist/view/ of a checkout.
 */
function pageDir(): string {
  const candidates = [fileURLToPath(new URL('./page/', import.meta.url)), fileURLToPath(new URL('../../src/view/page/', import.meta.url))];
  return candidates.find((dir) => existsSync(join(dir, 'view.html'))) ?? candidates[0]!;
}

let cached: ViewPage | undefined;

export function viewPage(): ViewPage {
  if (!cached) {
    const dir = pageDir();
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    cached = { html: read('view.html'), css: read('view.css'), js: read('view.js') };
  }
  return cached;
}
