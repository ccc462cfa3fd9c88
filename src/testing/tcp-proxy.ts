// A TCP proxy between an engine and a real Redis, for tests that need a fault on the wire: each
// connection's chunks pass through the handlers a proxy gives (src/testing/latency-proxy.ts delays them,
// src/testing/reply-cutting-proxy.ts loses a reply); this part listens, connects, and closes both sides.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '../redis/embedded-redis.js';

/** what one proxied connection does with each chunk; `cut` closes both of its sides */
export interface ProxyConnection {
  toRedis(chunk: Buffer, upstream: Socket, cut: () => void): void;
  toClient(chunk: Buffer, client: Socket, cut: () => void): void;
}

export interface TcpProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startTcpProxy(redisPort: number, connection: () => ProxyConnection): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(redisPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    const c = connection();
    client.on('data', (chunk: Buffer) => c.toRedis(chunk, upstream, cut));
    upstream.on('data', (chunk: Buffer) => c.toClient(chunk, client, cut));
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
