// Builds the engine once: end-to-end tests run the compiled engine as a real child process.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

export default function setup(): void {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PROJECT_ROOT, 'tsconfig.json')], { stdio: 'inherit' });
}
