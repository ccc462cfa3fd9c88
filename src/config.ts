// The environment, read once, validated and frozen. Every other module receives a Config and never
// touches process.env, so a malformed value stops start-up here, with one line naming the variable.
import { readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { ConfigError } from './config/config-error.js';
import { publicTokenKeys, secretTokenKey, type TokenKey } from './config/token-keys.js';

export { ConfigError };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly redisUrl: string | null;
  readonly redisCluster: readonly { host: string; port: number }[] | null;
  readonly sqlitePath: string;
  /** hex, >= 32 bytes; null: generated into DATA_DIR/code-secret */
  readonly codeSecretHex: string | null;
  readonly adminToken: string | null;
  readonly publicBaseUrl: string;
  readonly dcrmUrl: string | null;
  readonly dcrmSecret: string | null;
  /** events per DCRM request, at most 500 */
  readonly dcrmBatchSize: number;
  /** how long a partial batch waits for more events before it is sent */
  readonly dcrmLingerMs: number;
  /** a DCRM request not answered within this is abandoned and retried */
  readonly dcrmTimeoutMs: number;
  /** first retry delay; doubles per failed attempt (with jitter) up to dcrmRetryMaxMs */
  readonly dcrmRetryBaseMs: number;
  /** retry delay cap: the contract caps it at 5 minutes */
  readonly dcrmRetryMaxMs: number;
  /** consecutive content rejections (4xx other than auth/route/throttle) before a batch is split, or a single event dead-lettered */
  readonly dcrmPoisonAttempts: number;
  /** proxies in front of the engine whose X-Forwarded-For entries are trusted (0: the TCP peer is the client) */
  readonly trustProxy: number;
  /** `open` takes a scan's user as sent; `verified` requires a token, gateway key or session */
  readonly identity: 'open' | 'verified';
  /** keys of consumer JWTs (empty when none is configured) */
  readonly userTokenKeys: readonly TokenKey[];
  readonly userTokenIssuer: string | null;
  readonly userTokenAudience: string | null;
  /** invalid codes per client IP per minute before 429 */
  readonly forgedPerMinute: number;
  /** failed redemptions (unknown voucher, already redeemed, bad input) per credential per minute before 429 */
  readonly redeemFailuresPerMinute: number;
  /** repeats of one consumed code per minute answered from Redis; beyond, 429 in process */
  readonly repeatsPerMinute: number;
  readonly logLevel: LogLevel;
  /** name of this engine in the stream consumer group; stable across restarts so own pending entries resume at once */
  readonly consumerName: string;
  /** pending stream entries of other consumers idle this long are reclaimed */
  readonly reclaimIdleMs: number;
  /** after a read that did not fill a batch, the stream consumer waits this long so the next commit holds more events */
  readonly persistLingerMs: number;
  /** nice value of the persist worker thread (0: the engine's own), so the thread answering scans runs first (src/threads/background-priority.ts) */
  readonly backgroundNice: number;
  /** whether the first start on an empty DATA_DIR creates the demo batch and campaign */
  readonly demo: boolean;
  /** SCANLOT_SHARDS: null = what the deployment recorded, or one per primary on its first start */
  readonly shards: number | null;
  /** scans being answered at once, beyond which a scan is refused with 503 at once (bounded memory under overload) */
  readonly maxInflightScans: number;
  /** events waiting in Redis for SQLite beyond which /healthz answers 503 (persistence cannot keep up or is stalled) */
  readonly backlogLimit: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export function intVar(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function signedIntVar(env: Env, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  if (!/^-?\d{1,15}$/.test(raw)) throw new ConfigError(name, `must be an integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function boolVar(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ConfigError(name, `must be 0 or 1, got ${JSON.stringify(raw)}`);
}

function urlVar(env: Env, name: string, protocols: readonly string[]): { raw: string; url: URL } | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a URL');
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  return { raw, url: u };
}

function clusterVar(env: Env): { host: string; port: number }[] | null {
  const raw = env.REDIS_CLUSTER;
  if (raw === undefined || raw === '') return null;
  return raw.split(',').map((seed) => {
    const m = /^\s*([^:\s]+):(\d{1,5})\s*$/.exec(seed);
    if (!m || Number(m[2]) > 65535) throw new ConfigError('REDIS_CLUSTER', `seed ${JSON.stringify(seed)} is not host:port`);
    return { host: m[1] as string, port: Number(m[2]) };
  });
}

function identityVars(env: Env): Pick<Config, 'identity' | 'userTokenKeys' | 'userTokenIssuer' | 'userTokenAudience'> {
  const nonEmpty = (name: string): string | null => (env[name] !== undefined && env[name] !== '' ? (env[name] as string) : null);
  const secret = nonEmpty('USER_TOKEN_SECRET');
  const keysPath = nonEmpty('USER_TOKEN_KEYS');
  if (secret !== null && keysPath !== null) throw new ConfigError('USER_TOKEN_KEYS', 'cannot be combined with USER_TOKEN_SECRET');
  let userTokenKeys: TokenKey[] = [];
  if (secret !== null) userTokenKeys = [secretTokenKey(secret)];
  if (keysPath !== null) {
    let text: string;
    try {
      text = readFileSync(keysPath, 'utf8');
    } catch {
      throw new ConfigError('USER_TOKEN_KEYS', `cannot read ${keysPath}`);
    }
    userTokenKeys = publicTokenKeys(text);
  }
  const mode = nonEmpty('IDENTITY') ?? (userTokenKeys.length > 0 ? 'verified' : 'open');
  if (mode !== 'open' && mode !== 'verified') throw new ConfigError('IDENTITY', 'must be open or verified');
  return {
    identity: mode,
    userTokenKeys: Object.freeze(userTokenKeys),
    userTokenIssuer: nonEmpty('USER_TOKEN_ISSUER'),
    userTokenAudience: nonEmpty('USER_TOKEN_AUDIENCE'),
  };
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readConfig(env: Env = process.env): Config {
  const port = intVar(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST && env.HOST !== '' ? env.HOST : '0.0.0.0';
  const dataDir = resolve(env.DATA_DIR && env.DATA_DIR !== '' ? env.DATA_DIR : './data');

  const codeSecretHex = env.CODE_SECRET && env.CODE_SECRET !== '' ? env.CODE_SECRET : null;
  if (codeSecretHex !== null && !/^(?:[0-9a-fA-F]{2}){32,}$/.test(codeSecretHex)) {
    throw new ConfigError('CODE_SECRET', 'must be at least 32 bytes as hex (64+ hex digits)');
  }
  const adminToken = env.ADMIN_TOKEN && env.ADMIN_TOKEN !== '' ? env.ADMIN_TOKEN : null;
  if (adminToken !== null && (adminToken.length < 16 || /\s/.test(adminToken))) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters without spaces');
  }

  const publicBaseUrl = (urlVar(env, 'PUBLIC_BASE_URL', ['http:', 'https:'])?.raw ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const dcrm = urlVar(env, 'DCRM_URL', ['http:', 'https:']);
  // fetch refuses URLs with credentials, and they would end up in logs: the DCRM is authenticated by DCRM_SECRET
  if (dcrm !== null && (dcrm.url.username !== '' || dcrm.url.password !== '')) throw new ConfigError('DCRM_URL', 'must not contain user:password@ (the DCRM is authenticated by DCRM_SECRET signatures)');
  const dcrmUrl = dcrm?.raw ?? null;
  const dcrmSecret = env.DCRM_SECRET && env.DCRM_SECRET !== '' ? env.DCRM_SECRET : null;
  if (dcrmUrl !== null && dcrmSecret === null) throw new ConfigError('DCRM_SECRET', 'is required when DCRM_URL is set');
  const dcrmRetryMaxMs = intVar(env, 'SCANLOT_DCRM_RETRY_MAX_MS', 300_000, 1, 300_000);
  const dcrmRetryBaseMs = intVar(env, 'SCANLOT_DCRM_RETRY_BASE_MS', 1_000, 1, 300_000);
  if (dcrmRetryBaseMs > dcrmRetryMaxMs) throw new ConfigError('SCANLOT_DCRM_RETRY_BASE_MS', `must not exceed SCANLOT_DCRM_RETRY_MAX_MS (${dcrmRetryMaxMs})`);

  const logLevelRaw = env.LOG_LEVEL && env.LOG_LEVEL !== '' ? env.LOG_LEVEL : 'info';
  if (!LOG_LEVELS.includes(logLevelRaw as LogLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const redisUrl = urlVar(env, 'REDIS_URL', ['redis:', 'rediss:'])?.raw ?? null;
  const redisCluster = clusterVar(env);
  if (redisUrl !== null && redisCluster !== null) throw new ConfigError('REDIS_CLUSTER', 'cannot be combined with REDIS_URL');

  return Object.freeze({
    port,
    host,
    dataDir,
    redisUrl,
    redisCluster: redisCluster ? Object.freeze(redisCluster) : null,
    sqlitePath: env.SQLITE_PATH && env.SQLITE_PATH !== '' ? resolve(env.SQLITE_PATH) : join(dataDir, 'scanlot.db'),
    codeSecretHex,
    adminToken,
    publicBaseUrl,
    dcrmUrl,
    dcrmSecret,
    dcrmBatchSize: intVar(env, 'SCANLOT_DCRM_BATCH', 500, 1, 500),
    dcrmLingerMs: intVar(env, 'SCANLOT_DCRM_LINGER_MS', 200, 0, 60_000),
    dcrmTimeoutMs: intVar(env, 'SCANLOT_DCRM_TIMEOUT_MS', 10_000, 10, 300_000),
    dcrmRetryBaseMs,
    dcrmRetryMaxMs,
    dcrmPoisonAttempts: intVar(env, 'SCANLOT_DCRM_POISON_ATTEMPTS', 5, 1, 1_000),
    trustProxy: intVar(env, 'TRUST_PROXY', 0, 0, 16),
    ...identityVars(env),
    forgedPerMinute: intVar(env, 'SCANLOT_FORGED_PER_MINUTE', 60, 1, 1_000_000),
    redeemFailuresPerMinute: intVar(env, 'SCANLOT_REDEEM_FAILURES_PER_MINUTE', 20, 1, 1_000_000),
    repeatsPerMinute: intVar(env, 'SCANLOT_REPEATS_PER_MINUTE', 30, 1, 1_000_000),
    logLevel: logLevelRaw as LogLevel,
    consumerName: env.SCANLOT_CONSUMER && env.SCANLOT_CONSUMER !== '' ? env.SCANLOT_CONSUMER : `engine-${port}`,
    reclaimIdleMs: intVar(env, 'SCANLOT_RECLAIM_IDLE_MS', 30_000, 100, 3_600_000),
    persistLingerMs: intVar(env, 'SCANLOT_PERSIST_LINGER_MS', 50, 0, 1_000),
    backgroundNice: intVar(env, 'SCANLOT_BACKGROUND_NICE', 10, 0, 19),
    demo: boolVar(env, 'SCANLOT_DEMO', true),
    shards: env.SCANLOT_SHARDS === undefined || env.SCANLOT_SHARDS === '' ? null : intVar(env, 'SCANLOT_SHARDS', 1, 1, 64),
    maxInflightScans: intVar(env, 'SCANLOT_MAX_INFLIGHT', 4096, 1, 1_000_000),
    backlogLimit: intVar(env, 'SCANLOT_BACKLOG_LIMIT', 100_000, 1, 1_000_000_000),
  });
}
