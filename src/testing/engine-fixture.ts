// The usual setting of an end-to-end test file: its own redis-server and one engine on it, started
// before the file's tests and stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { startRedis, type TestRedis } from './redis-server.js';
import { startEngine, type TestEngine } from './engine-process.js';

export interface EngineFixture {
  redis: TestRedis;
  engine: TestEngine;
}

export function useEngine(opts: { aof?: boolean; env?: Record<string, string> } = {}): EngineFixture {
  const fx = {} as EngineFixture;
  beforeAll(async () => {
    fx.redis = await startRedis({ aof: opts.aof ?? false });
    fx.engine = await startEngine({ redisUrl: fx.redis.url, env: opts.env ?? {} });
  });
  afterAll(async () => {
    await fx.engine?.stop();
    await fx.redis?.stop();
  });
  return fx;
}
