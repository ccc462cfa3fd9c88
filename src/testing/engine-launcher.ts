// The compiled engine (dist/src/main.js) as a child process on a free port of 127.0.0.1, healthy once
// GET /healthz answers 200. The one way tests (engine-process.ts) and the benchmarks
// (bench/lib/engine-process.ts) start an engine: each adds only its own settings (secrets, limits) and
// client on top.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { freePort } from '../redis/embedded-redis.js';

export interface LaunchOptions {
  /**
   * the engine's settings, added to this process's environment, given the engine's port (a setting that
   * names the engine, such as its consumer name, can use it); PORT is the launcher's, HOST 127.0.0.1 unless set
   */
  env(port: number): Record<string, string>;
  /** node's own flags before the script (a profiler, a heap limit) */
  nodeArgs?: readonly string[];
  /** characters of output kept, the latest (long runs print a lot); unset: all of it */
  outputLimit?: number;
  healthyWithinMs?: number;
}

export class LaunchedEngine {
  #child: ChildProcess | null = null;
  #out = '';

  private constructor(
    readonly port: number,
    readonly url: string,
    private readonly opts: LaunchOptions,
  ) {}

  /** starts the engine and waits until it is healthy; a start that fails leaves no process behind */
  static async launch(opts: LaunchOptions): Promise<LaunchedEngine> {
    const port = await freePort();
    const engine = new LaunchedEngine(port, `http://127.0.0.1:${port}`, opts);
    await engine.start();
    return engine;
  }

  /** (re)starts the process with the same environment and port, and waits until it is healthy */
  async start(): Promise<void> {
    const env = { ...(process.env as Record<string, string>), HOST: '127.0.0.1', ...this.opts.env(this.port), PORT: String(this.port) };
    const child = spawn(process.execPath, [...(this.opts.nodeArgs ?? []), join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout?.on('data', (d: Buffer) => this.#append(d));
    child.stderr?.on('data', (d: Buffer) => this.#append(d));
    try {
      await this.#waitHealthy(this.opts.healthyWithinMs ?? 60_000);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  #append(d: Buffer): void {
    this.#out += d.toString();
    const limit = this.opts.outputLimit;
    if (limit !== undefined && this.#out.length > limit) this.#out = this.#out.slice(-limit);
  }

  async #waitHealthy(ms: number): Promise<void> {
    const child = this.#child as ChildProcess;
    const until = Date.now() + ms;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`engine exited with status ${child.exitCode}: ${this.#out}`);
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > until) throw new Error(`engine did not become healthy in ${ms / 1000} s: ${this.#out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** what the engine printed (the latest `outputLimit` characters) */
  output(): string {
    return this.#out;
  }

  /** the process id while it runs, null when it is down */
  pid(): number | null {
    const child = this.#child;
    return child !== null && child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null;
  }

  /** sends `signal` and waits for the exit; the exit status (null after a signal, or when it was down) */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.#child;
    if (child === null) return null;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }

  /** SIGTERM (a graceful stop drains the event stream), SIGKILL if it has not exited after `graceMs` */
  async stop(graceMs = 30_000): Promise<void> {
    const child = this.#child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }
}
