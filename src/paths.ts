// Where the project's files are at run time, whether running compiled (dist/src/…) or from source.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lua'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the scanlot project root (package.json next to lua/)');
}

export const PROJECT_ROOT = findRoot();
export const LUA_DIR = join(PROJECT_ROOT, 'lua');
