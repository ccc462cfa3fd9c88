// The short soak of the suite: 90 s of load (about two minutes in all), every fault kind once, fewer scans; it must end with no
// invariant violated, and its report must be a page that draws its charts under its CSP.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSoak } from './soak/run-soak.js';
import { FAULT_KINDS } from './soak/faults.js';
import { soakHtml } from './soak/report-html.js';
import { CHROMIUM, renderPage } from '../src/testing/headless-chromium.js';

// the faults that break an engine, Redis or a store run one after another, the receiver's beside the
// campaign's (bench/soak/faults.ts): on the shared machine they took 52 s in all, so 90 s leaves room for
// an engine restart of 22 s on a busy machine and keeps the pause-and-resume, which needs the load's
// scans, inside the load
const MINUTES = 1.5;
const RATE = 60;
const out = mkdtempSync(join(tmpdir(), 'scanlot-soak-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('a short soak', () => {
  it('survives every fault kind with no invariant violated, and reports it as JSON and as a page with charts', async () => {
    const lines: string[] = [];
    const t0 = Date.now();
    const r = await runSoak({ minutes: MINUTES, rate: RATE, engines: 2, cluster: false, seed: 3, out }, (l) => lines.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${l}`));
    lines.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: soak over`);
    const summary = `${JSON.stringify({ invariants: r.invariants, audit: r.audit, faults: r.faults }, null, 1)}\n${lines.join('\n')}`;
    expect(r.violations, summary).toBe(0);
    expect(new Set(r.faults.map((f) => f.kind)), summary).toEqual(new Set(FAULT_KINDS));
    for (const f of r.faults) expect(f.recoveredAfterMs).toBeGreaterThanOrEqual(0);
    // the Redis restart's time split: the server's start and AOF load, then the engines
    expect(r.faults.find((f) => f.kind === 'redis-kill-9')?.detail).toMatch(/AOF \([\d.]+ MB\): the server answered after \d+ ms .*every engine -?\d+ ms later/);
    expect(r.scans).toBeGreaterThan(RATE * MINUTES * 60 * 0.8);
    expect(r.stopped).toBeNull();
    // each invariant looked at something
    for (const [name, i] of Object.entries(r.invariants)) expect(i.checked, name).toBeGreaterThan(0);
    expect(r.audit).toMatchObject({ ok: true, stores: 2, unreached: [] });
    // faults that refuse scans were seen as 503s, and those codes were checked
    expect(r.answers.byStatus['503'] ?? 0).toBeGreaterThan(0);
    expect(r.resources.redisBytesPerConsumedCode).not.toBeNull();
    // a sample a second, a few skipped while the one before was still waiting on a busy machine
    expect(r.timeline.length).toBeGreaterThan(MINUTES * 60 * 0.6);

    const html = join(out, 'soak.html');
    writeFileSync(html, soakHtml(r));
    expect(readFileSync(html, 'utf8')).toContain("Content-Security-Policy");
    if (CHROMIUM) {
      const dom = await renderPage(`file://${html}`);
      // the page's script ran under its CSP and drew the six charts
      expect(dom).toMatch(/<body[^>]*data-charts="6"/);
      expect(dom).toContain('invariant violations');
    }
    lines.push(`${((Date.now() - t0) / 1000).toFixed(1)} s: page checked`);
    console.log(lines.join('\n'));
  }, 400_000);
});
