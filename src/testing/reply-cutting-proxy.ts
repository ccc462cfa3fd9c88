// A TCP proxy between an engine and a real Redis that can lose one reply: once armed, the next
// connection that sends a scan call (EVALSHA) has its connection cut the moment Redis' reply arrives,
// the reply dropped. Redis ran the call; the engine never hears of it. This is what a connection lost
// at the wrong moment, or Redis dying after its AOF write and before its reply, does to a scan.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '../redis/embedded-redis.js';

export interface ReplyCuttingProxy {
  url: string;
  /** cut the reply of the next scan call (resolves once it was cut) */
  cutNextScanReply(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplyCuttingProxy(redisPort: number): Promise<ReplyCuttingProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let armed: (() => void) | null = null;
  const server: Server = createServer((client) => {
    const upstream = connect(redisPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let cutNextReply: (() => void) | null = null;
    client.on('data', (chunk: Buffer) => {
      // ioredis writes the command name as given: lower case
      if (armed !== null && chunk.includes('evalsha')) {
        cutNextReply = armed;
        armed = null;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutNextReply !== null) {
        const done = cutNextReply;
        cutNextReply = null;
        client.destroy();
        upstream.destroy();
        done();
        return;
      }
      client.write(chunk);
    });
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
    cutNextScanReply: () => new Promise<void>((resolve) => (armed = resolve)),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
