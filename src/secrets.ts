// The secrets: the key of the code MACs, the admin bearer token and the embedded Redis' password. From the environment when
// given, else generated once into DATA_DIR (mode 0600) and read back on every later start.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

export interface Secrets {
  readonly codeSecret: Buffer;
  readonly adminToken: string;
  /** requirepass of the embedded redis-server: a local user who finds its port cannot rewrite stock or levels */
  readonly redisPassword: string;
  /** DATA_DIR was empty (or missing) before this start */
  readonly firstStart: boolean;
}

function readOrCreate(path: string, make: () => string): string {
  if (existsSync(path)) {
    const v = readFileSync(path, 'utf8').trim();
    if (v !== '') return v;
  }
  const v = make();
  // wx: two engines starting at once on one DATA_DIR must not both write a different secret
  try {
    writeFileSync(path, v + '\n', { mode: 0o600, flag: 'wx' });
    return v;
  } catch {
    return readFileSync(path, 'utf8').trim();
  }
}

export function loadSecrets(config: Config): Secrets {
  const firstStart = !existsSync(config.dataDir) || readdirSync(config.dataDir).length === 0;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const codeSecretHex = config.codeSecretHex ?? readOrCreate(join(config.dataDir, 'code-secret'), () => randomBytes(32).toString('hex'));
  if (!/^(?:[0-9a-fA-F]{2}){32,}$/.test(codeSecretHex)) {
    throw new Error(`${join(config.dataDir, 'code-secret')} does not hold at least 32 bytes as hex`);
  }
  const adminToken = config.adminToken ?? readOrCreate(join(config.dataDir, 'admin-token'), () => randomBytes(24).toString('base64url'));
  const redisPassword = readOrCreate(join(config.dataDir, 'redis-password'), () => randomBytes(24).toString('hex'));
  return Object.freeze({ codeSecret: Buffer.from(codeSecretHex, 'hex'), adminToken, redisPassword, firstStart });
}

/** The token the CLI uses: ADMIN_TOKEN, else DATA_DIR/admin-token. */
export function readAdminTokenForCli(config: Config): string | null {
  if (config.adminToken) return config.adminToken;
  const p = join(config.dataDir, 'admin-token');
  return existsSync(p) ? readFileSync(p, 'utf8').trim() : null;
}
