// The console's static files, read once at start from the package: the app's own modules under
// src/console/assets/ and the libraries from node_modules (no CDN, no network at run time). The one
// "build" step is here: the hooks module imports the bare name "preact", which a browser cannot resolve
// without an import map (an inline script), so it is pointed at the served file instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const TYPES: Readonly<Record<string, string>> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', html: 'text/html; charset=utf-8', svg: 'image/svg+xml' };
const typeOf = (name: string): string => TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';

const LIBRARIES: Readonly<Record<string, string>> = {
  'preact.js': 'preact/dist/preact.module.js',
  'hooks.js': 'preact/hooks/dist/hooks.module.js',
  'htm.js': 'htm/dist/htm.module.js',
  'uplot.js': 'uplot/dist/uPlot.esm.js',
  'uplot.css': 'uplot/dist/uPlot.min.css',
};

export function loadConsoleAssets(): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, path] of Object.entries(LIBRARIES)) {
    let text = readFileSync(join(PROJECT_ROOT, 'node_modules', path), 'utf8');
    if (name === 'hooks.js') text = text.replace(/from\s*["']preact["']/g, 'from"./preact.js"');
    // source maps are not shipped: drop the reference so browsers do not ask for them
    text = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    assets.set(name, { type: typeOf(name), body: Buffer.from(text) });
  }
  const own = join(PROJECT_ROOT, 'src', 'console', 'assets');
  for (const name of readdirSync(own)) assets.set(name, { type: typeOf(name), body: readFileSync(join(own, name)) });
  return assets;
}
