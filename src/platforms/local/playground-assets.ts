import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The page's files: plain modules and a stylesheet, served as they are under `/ui/` (no build step). */
const files: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'thread.js': 'text/javascript; charset=utf-8',
  'composer.js': 'text/javascript; charset=utf-8',
  'operator.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

export interface PlaygroundAsset {
  readonly type: string;
  readonly body: string;
}

/**
 * `web/` beside this module (run from `src/` by tsx and the tests), else the source tree's from the build's
 * `dist/src/platforms/local/` (`npm start`, and the container, which copies `src/platforms/local/web`).
 */
const candidates = [
  new URL('./web/', import.meta.url),
  new URL('../../../../src/platforms/local/web/', import.meta.url),
];

/** Reads every file once; a missing one fails the start, naming where it looked. */
export function loadPlaygroundAssets(): Map<string, PlaygroundAsset> {
  for (const directory of candidates) {
    try {
      const assets = new Map<string, PlaygroundAsset>();
      for (const [name, type] of Object.entries(files)) {
        assets.set(name, { type, body: readFileSync(new URL(name, directory), 'utf8') });
      }
      return assets;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const places = candidates.map((url) => fileURLToPath(url)).join(' or ');
  throw new Error(`The playground's page files are missing: looked in ${places}.`);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** `index.html` with what the page needs to know before its first call (no secret: whether a token is needed). */
export function renderPage(
  template: string,
  options: { readonly offline: boolean; readonly defaultModel: string; readonly tokenRequired: boolean },
): string {
  return template
    .replace('{{token}}', options.tokenRequired ? 'required' : 'none')
    .replace('{{offline}}', options.offline ? 'true' : 'false')
    .replace('{{model}}', escapeHtml(options.defaultModel));
}
