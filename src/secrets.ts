// The secrets: the key of the code MACs, the admin bearer token and the embedded Redis' password. From the environment when
// given, else generated once into DATA_DIR (mode 0600) and read back on every later start.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { LOCK_FILES } from './startup/data-dir-lock.js';

export interface Secrets {
  readonly codeSecret: Buffer;
  readonly adminToken: string;
  /** requirepass of the embedded redis-server: a local user who finds its port cannot rewrite stock or levels */
  readonly redisPassword: string;
  /** DATA_DIR was empty (or missing) before this start */
  readonly firstStart: boolean;
  /** the file CODE_SECRET was generated into on this start; null when it was given or read back */
  readonly generatedCodeSecretFile: string | null;
}

function readOrCreate(path: string, make: () => string): { value: string; created: boolean } {
  if (existsSync(path)) {
    const v = readFileSync(path, 'utf8').trim();
    if (v !== '') return { value: v, created: false };
  }
  const v = make();
  // wx: two engines starting at once on one DATA_DIR must not both write a different secret
  try {
    writeFileSync(path, v + '\n', { mode: 0o600, flag: 'wx' });
    return { value: v, created: true };
  } catch {
    return { value: readFileSync(path, 'utf8').trim(), created: false };
  }
}

export function loadSecrets(config: Config): Secrets {
  const firstStart = !existsSync(config.dataDir) || readdirSync(config.dataDir).every((f) => LOCK_FILES.includes(f));
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const codeSecretFile = join(config.dataDir, 'code-secret');
  let codeSecretHex = config.codeSecretHex;
  let generatedCodeSecretFile: string | null = null;
  if (codeSecretHex === null) {
    const r = readOrCreate(codeSecretFile, () => randomBytes(32).toString('hex'));
    codeSecretHex = r.value;
    if (r.created) generatedCodeSecretFile = codeSecretFile;
  }
  if (!/^(?:[0-9a-fA-F]{2}){32,}$/.test(codeSecretHex)) {
    throw new Error(`${codeSecretFile} does not hold at least 32 bytes as hex`);
  }
  const adminToken = config.adminToken ?? readOrCreate(join(config.dataDir, 'admin-token'), () => randomBytes(24).toString('base64url')).value;
  const redisPassword = readOrCreate(join(config.dataDir, 'redis-password'), () => randomBytes(24).toString('hex')).value;
  return Object.freeze({
    codeSecret: Buffer.from(codeSecretHex, 'hex'),
    adminToken,
    redisPassword,
    firstStart,
    generatedCodeSecretFile,
  });
}

/** The token the CLI uses: ADMIN_TOKEN, else DATA_DIR/admin-token. */
export function readAdminTokenForCli(config: Config): string | null {
  if (config.adminToken) return config.adminToken;
  const p = join(config.dataDir, 'admin-token');
  return existsSync(p) ? readFileSync(p, 'utf8').trim() : null;
}
