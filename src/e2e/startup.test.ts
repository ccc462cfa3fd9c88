// `npm start` on an empty DATA_DIR: embedded supervised Redis with AOF, secrets, the demo; bad env.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type TestEngine } from '../testing/engine-process.js';
import { PROJECT_ROOT } from '../paths.js';

const dirs: string[] = [];
const engines: TestEngine[] = [];
afterAll(async () => {
  for (const e of engines) await e.stop().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runMain(env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

describe('start-up', () => {
  it.each([
    ['PORT', 'eighty'],
    ['CODE_SECRET', 'abc'],
    ['REDIS_URL', 'http://nope'],
    ['REDIS_CLUSTER', 'host-without-port'],
    ['TRUST_PROXY', 'yes'],
    ['LOG_LEVEL', 'chatty'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['DCRM_URL', 'http://127.0.0.1:9/x'],
  ])('a malformed %s stops start-up with one line naming it', (name, value) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanlot-bad-'));
    dirs.push(dataDir);
    const r = runMain({ DATA_DIR: dataDir, [name]: value, DCRM_SECRET: '' });
    expect(r.status).toBe(1);
    expect(r.out.split('\n')).toHaveLength(1);
    expect(r.out).toContain(name === 'DCRM_URL' ? 'DCRM_SECRET' : name);
  });

  it('a missing redis-server is one line saying what to install', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanlot-nored-'));
    dirs.push(dataDir);
    const r = runMain({ DATA_DIR: dataDir, PATH: '/nonexistent', PORT: '0' });
    expect(r.status).toBe(1);
    expect(r.out.split('\n')).toHaveLength(1);
    expect(r.out).toMatch(/redis-server.*apt-get install redis-server/);
  });

  it('first start: embedded Redis with AOF, 0600 secrets, a demo with a working curl line; survives kill -9', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanlot-first-'));
    dirs.push(dataDir);
    const env = { CODE_SECRET: '', ADMIN_TOKEN: '', SCANLOT_DEMO: '1', LOG_LEVEL: 'info' };
    const engine = await startEngine({ dataDir, env });
    engines.push(engine);
    // the banner is printed right after listening
    for (let i = 0; i < 50 && !engine.output().includes('curl -s'); i++) await new Promise((r) => setTimeout(r, 100));
    const out = engine.output();
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect(out).toContain(`admin token: ${token}`);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'code-secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'code-secret'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(out.match(/http:\/\/localhost:\d+\/c\/[0-9A-Z]{24}/g)).toHaveLength(3);
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);

    const curl = out.split('\n').find((l) => l.trim().startsWith('curl -s'))!.trim();
    const first = JSON.parse(execSync(curl, { encoding: 'utf8' }));
    expect(['won', 'lost']).toContain(first.outcome);
    expect(first.campaignId).toMatch(/^demo-/);
    const again = JSON.parse(execSync(curl, { encoding: 'utf8' }));
    expect(again).toMatchObject({ outcome: 'repeat', original: { eventId: first.eventId } });

    // kill -9 leaves the embedded redis-server orphaned; the next start must stop it and keep the data
    const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    await engine.kill('SIGKILL');
    await engine.restart();
    const newPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    expect(newPid).not.toBe(redisPid);
    expect(() => process.kill(redisPid, 0)).toThrow();
    const third = JSON.parse(execSync(curl, { encoding: 'utf8' }));
    expect(third).toMatchObject({ outcome: 'repeat', scan: { count: 3 }, original: { eventId: first.eventId } });
    // no second demo on a DATA_DIR that is not empty
    expect(engine.output().match(/first start, demo created/g)).toHaveLength(1);

    // the supervisor restarts an embedded redis-server that dies, on the same port, and the engine goes on
    process.kill(newPid, 'SIGKILL');
    const until = Date.now() + 20_000;
    let fourth: { outcome?: string; scan?: { count: number } } = {};
    while (Date.now() < until) {
      try {
        fourth = JSON.parse(execSync(curl, { encoding: 'utf8' }));
        if (fourth.outcome) break;
      } catch {
        /* 503 while it restarts */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(fourth).toMatchObject({ outcome: 'repeat', scan: { count: 4 } });
    const restartedPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    expect(restartedPid).not.toBe(newPid);

    // a clean stop stops the embedded redis too
    await engine.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(() => process.kill(restartedPid, 0)).toThrow();
  });
});
