// A TCP proxy between an engine and a real Redis that delays what the engine sends by a fixed time, in
// order: every command reaches Redis that much later. It widens the moment between two of an engine's
// calls (a unit given to a shard, the scan that goes again) so that a test can act in it for sure.
import type { Socket } from 'node:net';
import { startTcpProxy } from './tcp-proxy.js';

export interface LatencyProxy {
  url: string;
  /** the delay of what is sent from now on; what is on its way keeps its place before it */
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

/**
 * One connection's chunks, each written at its time and never before one sent earlier: a delay made
 * shorter while chunks are on their way (an engine's background reads never stop) must not let a later
 * command overtake an earlier one's bytes.
 */
class DelayedWrites {
  readonly #queue: { at: number; chunk: Buffer }[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly to: Socket) {}

  push(chunk: Buffer, delayMs: number): void {
    this.#queue.push({ at: Date.now() + delayMs, chunk });
    this.#drain();
  }

  #drain(): void {
    if (this.#timer !== null) return;
    while (this.#queue.length > 0 && (this.#queue[0] as { at: number }).at <= Date.now()) this.to.write((this.#queue.shift() as { chunk: Buffer }).chunk);
    const next = this.#queue[0];
    if (next !== undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#drain();
      }, next.at - Date.now());
    }
  }
}

export async function startLatencyProxy(redisPort: number, delayMs: number): Promise<LatencyProxy> {
  const proxy = await startTcpProxy(redisPort, () => {
    let writes: DelayedWrites | null = null;
    return {
      toRedis: (chunk, upstream) => (writes ??= new DelayedWrites(upstream)).push(chunk, delayMs),
      toClient: (chunk, client) => void client.write(chunk),
    };
  });
  return { ...proxy, setDelay: (ms) => void (delayMs = ms) };
}
