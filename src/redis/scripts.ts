// Loads the Lua scripts of lua/ and calls them by SHA. Includes (`--@include name`) are inlined at load.
// The script cache is volatile (a Redis restart or failover empties it), so a NOSCRIPT reply falls back
// to EVAL, which also re-caches the script: the caller never sees the difference.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Redis, Cluster } from 'ioredis';
import { LUA_DIR } from '../paths.js';

export type RedisClient = Redis | Cluster;

export interface LuaScript {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly source: string;
  readonly sha: string;
}

function inlineIncludes(source: string): string {
  return source.replace(/^--@include (\S+)$/gm, (_, name: string) => readFileSync(join(LUA_DIR, 'includes', `${name}.lua`), 'utf8'));
}

/** Reads lua/<name>-<numberOfKeys>.lua. */
export function loadScript(fileName: string): LuaScript {
  const m = /^([A-Za-z]+)-(\d+)\.lua$/.exec(fileName);
  if (!m) throw new Error(`script file ${fileName} is not named verbNoun-<numberOfKeys>.lua`);
  const source = inlineIncludes(readFileSync(join(LUA_DIR, fileName), 'utf8'));
  return {
    name: m[1] as string,
    numberOfKeys: Number(m[2]),
    source,
    sha: createHash('sha1').update(source).digest('hex'),
  };
}

export type RedisArg = string | number | Buffer;

/**
 * EVALSHA with the NOSCRIPT fallback, for the scan hot path alone: INFO commandstats' `evalsha` line then
 * counts scan calls and their time only (the bench's redisUsPerScan). Every other script goes through
 * evalScript. `keysAndArgs` holds exactly numberOfKeys keys, then the arguments.
 */
export async function runScript(redis: RedisClient, script: LuaScript, keysAndArgs: RedisArg[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, script.numberOfKeys, ...keysAndArgs);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
      return redis.eval(script.source, script.numberOfKeys, ...keysAndArgs);
    }
    throw err;
  }
}

/**
 * EVAL with the source every time, for every script but the scan script (the persist step's, admin
 * actions, background renewals): INFO commandstats counts them under `eval`, apart from the scans.
 * Sending the source costs Redis a SHA1 of a few KB per call, nothing at their rates.
 */
export async function evalScript(redis: RedisClient, script: LuaScript, keysAndArgs: RedisArg[]): Promise<unknown> {
  return redis.eval(script.source, script.numberOfKeys, ...keysAndArgs);
}
