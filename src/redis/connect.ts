// Opens the engine's Redis connections. Commands fail fast while Redis is unreachable (no offline
// queue, bounded command time): a scan then answers 503, never waits without bound.
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { RedisClient } from './scripts.js';

export interface RedisTarget {
  url: string | null;
  cluster: readonly { host: string; port: number }[] | null;
  /** for the embedded server (REDIS_URL carries its own) */
  password?: string | null;
}

/** a command unanswered this long fails (a scan then answers 503) */
export const COMMAND_TIMEOUT_MS = 3000;

const COMMON: RedisOptions = {
  enableOfflineQueue: false,
  // a scan cut off by a disconnect is answered 503; re-sending it after the reconnect would run the
  // script a second time (a second event with the same id, stats counted twice)
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: 1,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: 3000,
  retryStrategy: (times: number) => Math.min(50 * times, 1000),
  lazyConnect: true,
};

/** `blocking`: for XREADGROUP BLOCK, which must not be cut by the command timeout. */
export async function connectRedis(target: RedisTarget, opts: { blocking?: boolean; name?: string } = {}): Promise<RedisClient> {
  const options: RedisOptions = {
    ...COMMON,
    connectionName: opts.name ?? 'scanlot',
    ...(target.password ? { password: target.password } : {}),
    // no auto-pipelining: measured with npm run bench it cost more engine CPU per scan than the
    // syscalls it saves (7,735 scans/s without, 5,709 with, same settings)
    ...(opts.blocking ? { commandTimeout: undefined, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true } : {}),
  };
  let client: RedisClient;
  if (target.cluster) {
    client = new Cluster(target.cluster.map((n) => ({ host: n.host, port: n.port })), {
      redisOptions: options,
      enableOfflineQueue: options.enableOfflineQueue ?? false,
      lazyConnect: true,
    });
  } else {
    client = new Redis(target.url ?? 'redis://127.0.0.1:6379', options);
  }
  // the error event fires on every failed reconnect; the callers see failures through their commands
  client.on('error', () => undefined);
  await connectWithRetry(client);
  return client;
}

async function connectWithRetry(client: RedisClient): Promise<void> {
  // ioredis keeps reconnecting by its retryStrategy after a failed first attempt; wait for "ready"
  client.connect().catch(() => undefined);
  const until = Date.now() + 30_000;
  while (client.status !== 'ready') {
    if (Date.now() > until) {
      client.disconnect();
      throw new Error('Redis is unreachable (no answer within 30 s)');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
