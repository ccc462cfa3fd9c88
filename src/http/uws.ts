// uWebSockets.js from the registry mirror, loaded from its native binary directly. The package's own
// entry point silently falls back to a slow pure-JS server when the binary cannot load; we refuse to
// run on that instead.
import { createRequire } from 'node:module';
import type * as Uws from 'uWebSockets.js';

export type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js';

const require = createRequire(import.meta.url);

function loadNative(): typeof Uws {
  const file = `uWebSockets.js/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  try {
    return require(file) as typeof Uws;
  } catch (err) {
    throw new Error(
      `uWebSockets.js has no native binary for ${process.platform}/${process.arch} with Node ABI ${process.versions.modules} ` +
        `(${err instanceof Error ? err.message.split('\n')[0] : String(err)}); use Node.js 20 on Linux x64/arm64`,
    );
  }
}

export const uws: typeof Uws = loadNative();
