// A server of the bench (hello-uws.js, hello-node-http.js, floor-server.js, export-reader.js in bench/,
// above this library) as a child process.
import { stopChild } from './stop-child.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/redis/embedded-redis.js';

export class ServerProcess {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  /** Starts `dist/bench/<script>.js` (with `env` added to ours) and waits for its "ready" line. */
  static async start(name: string, script: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const port = await freePort();
    const file = fileURLToPath(new URL(`../${script}.js`, import.meta.url));
    const child = spawn(process.execPath, [file], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(name, child, `http://127.0.0.1:${port}`);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start in 15 s: ${out}`)), 15_000);
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (out.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code}: ${out}`));
      });
    }).catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
    return server;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
