// A TCP proxy between an engine and a real Redis that delays what the engine sends by a fixed time, in
// order: every command reaches Redis that much later. It widens the moment between two of an engine's
// calls (a unit given to a shard, the scan that goes again) so that a test can act in it for sure.
import { startTcpProxy } from './tcp-proxy.js';

export interface LatencyProxy {
  url: string;
  /** the delay from now on (set it while nothing is on its way, or chunks may overtake each other) */
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

export async function startLatencyProxy(redisPort: number, delayMs: number): Promise<LatencyProxy> {
  const proxy = await startTcpProxy(redisPort, () => ({
    // each chunk after the same delay: timers of equal delay fire in the order they were set
    toRedis: (chunk, upstream) => (delayMs === 0 ? void upstream.write(chunk) : void setTimeout(() => upstream.write(chunk), delayMs)),
    toClient: (chunk, client) => void client.write(chunk),
  }));
  return { ...proxy, setDelay: (ms) => void (delayMs = ms) };
}
