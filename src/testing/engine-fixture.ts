// The usual setting of an end-to-end test file: its own redis-server and one engine on it (and, when
// asked, a DCRM receiver the engine delivers to), started before the file's tests, stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { startRedis, type TestRedis } from './redis-server.js';
import { startEngine, type EngineOptions, type TestEngine } from './engine-process.js';
import { dcrmEnv, dcrmReceiver, type DcrmReceiver } from './dcrm-receiver.js';
import { TestClient } from './test-client.js';

export interface EngineFixture {
  redis: TestRedis;
  engine: TestEngine;
  /** the engine's typed client: create batches and campaigns, scan, read events */
  client: TestClient;
  /** only with the `dcrm` option */
  receiver: DcrmReceiver;
  /**
   * another engine on the fixture's redis-server and shard count (its own data directory unless `dataDir`
   * is given; the fixture's `env` is not carried over): the caller stops it
   */
  anotherEngine(opts?: Omit<EngineOptions, 'redisUrl'>): Promise<TestEngine>;
}

export interface FixtureOptions {
  aof?: boolean;
  /** shards one campaign spreads over on the test's redis-server (SCANLOT_SHARDS); unset: the engine's default, one */
  shards?: number;
  env?: Record<string, string>;
  /** a DCRM receiver: `listen` false leaves its port closed (the DCRM is down) until the test opens it */
  dcrm?: { listen: boolean; env?: Record<string, string> };
}

export function useEngine(opts: FixtureOptions = {}): EngineFixture {
  const fx = {} as EngineFixture;
  // the engines of one deployment are configured alike: each is given the fixture's shard count
  const shardEnv: Record<string, string> = opts.shards !== undefined ? { SCANLOT_SHARDS: String(opts.shards) } : {};
  fx.anotherEngine = (more = {}) => startEngine({ ...more, redisUrl: fx.redis.url, env: { ...shardEnv, ...more.env } });
  beforeAll(async () => {
    fx.redis = await startRedis({ aof: opts.aof ?? false });
    let env = { ...shardEnv, ...opts.env };
    if (opts.dcrm) {
      fx.receiver = await dcrmReceiver();
      if (opts.dcrm.listen) await fx.receiver.listen();
      env = { ...env, ...dcrmEnv(fx.receiver, opts.dcrm.env) };
    }
    fx.engine = await startEngine({ redisUrl: fx.redis.url, env });
    fx.client = new TestClient(fx.engine);
  });
  afterAll(async () => {
    await fx.engine?.stop();
    await fx.receiver?.close();
    await fx.redis?.stop();
  });
  return fx;
}
