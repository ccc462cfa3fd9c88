// /metrics as a Prometheus server reads it (promtool, from Debian's prometheus package), and the alert
// rules docs/operations.md points operators to (ops/prometheus/scanlot-alerts.yml).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { useEngine } from '../testing/engine-fixture.js';
import { uniqueSku } from '../testing/fixtures.js';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p)) ?? null;
const RULES = join(PROJECT_ROOT, 'ops', 'prometheus');
if (!PROMTOOL) console.warn('metrics.test: promtool not found (apt-get install prometheus): promtool checks skipped');

const fx = useEngine();

describe('/metrics', () => {
  it('exports the engine figures, default process and Node.js metrics, and 503s by code', async () => {
    const sku = uniqueSku();
    const b = await fx.client.createBatch({ sku, size: 5 });
    await fx.client.createLiveCampaign(`m-${sku}`, sku, [{ id: 'g', name: 'G', kind: 'gift', probability: 1 }]);
    await fx.engine.scan({ code: fx.engine.codec.encode(b.batchId, 0), user: 'u1' });
    await fx.engine.api('GET', '/v1/campaigns/nope');
    const text = await (await fetch(`${fx.engine.url}/metrics`)).text();
    expect(text).toMatch(/^scanlot_scans_total\{outcome="won"\} 1$/m);
    expect(text).toMatch(/^scanlot_event_loop_delay_p99_seconds \d/m);
    expect(text).toMatch(/^scanlot_event_loop_delay_max_seconds \d/m);
    expect(text).not.toMatch(/quantile=/);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(text).toMatch(/^scanlot_http_errors_total\{code="not_found"\} 1$/m);
    expect(text).toMatch(/^scanlot_http_errors_total\{code="unavailable"\} 0$/m);
  });

  it.skipIf(!PROMTOOL)('passes promtool check metrics with no complaint', async () => {
    const text = await (await fetch(`${fx.engine.url}/metrics`)).text();
    const r = spawnSync(PROMTOOL as string, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe.skipIf(!PROMTOOL)('alert rules', () => {
  it('are valid and fire on DCRM lag, backlog, 503 rate and event-loop delay (promtool test rules)', () => {
    const check = spawnSync(PROMTOOL as string, ['check', 'rules', 'scanlot-alerts.yml'], { cwd: RULES, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 4 rules found');
    const test = spawnSync(PROMTOOL as string, ['test', 'rules', 'scanlot-alerts.test.yml'], { cwd: RULES, encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });
});
