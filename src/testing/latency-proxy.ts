// A TCP proxy between an engine and a real Redis that delays what the engine sends by a fixed time, in
// order: every command reaches Redis that much later. It widens the moment between two of an engine's
// calls (a unit given to a shard, the scan that goes again) so that a test can act in it for sure.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '../redis/embedded-redis.js';

export interface LatencyProxy {
  url: string;
  /** the delay from now on (set it while nothing is on its way, or chunks may overtake each other) */
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

export async function startLatencyProxy(redisPort: number, delayMs: number): Promise<LatencyProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(redisPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    // each chunk after the same delay: timers of equal delay fire in the order they were set
    client.on('data', (chunk: Buffer) => (delayMs === 0 ? upstream.write(chunk) : void setTimeout(() => upstream.write(chunk), delayMs)));
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${port}`,
    setDelay: (ms) => void (delayMs = ms),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
