// A TCP proxy between an engine and a real Redis that can lose one reply: once armed, the next
// connection that sends a scan call (EVALSHA) has its connection cut the moment Redis' reply arrives,
// the reply dropped. Redis ran the call; the engine never hears of it. This is what a connection lost
// at the wrong moment, or Redis dying after its AOF write and before its reply, does to a scan.
import { startTcpProxy } from './tcp-proxy.js';

export interface ReplyCuttingProxy {
  url: string;
  /** cut the reply of the next scan call (resolves once it was cut) */
  cutNextScanReply(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplyCuttingProxy(redisPort: number): Promise<ReplyCuttingProxy> {
  let armed: (() => void) | null = null;
  const proxy = await startTcpProxy(redisPort, () => {
    let cutNextReply: (() => void) | null = null;
    return {
      toRedis: (chunk, upstream) => {
        // ioredis writes the command name as given: lower case
        if (armed !== null && chunk.includes('evalsha')) {
          cutNextReply = armed;
          armed = null;
        }
        upstream.write(chunk);
      },
      toClient: (chunk, client, cut) => {
        if (cutNextReply !== null) {
          const done = cutNextReply;
          cutNextReply = null;
          cut();
          done();
          return;
        }
        client.write(chunk);
      },
    };
  });
  return { ...proxy, cutNextScanReply: () => new Promise<void>((resolve) => (armed = resolve)) };
}
