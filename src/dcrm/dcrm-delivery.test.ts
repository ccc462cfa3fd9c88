// The delivery loop against a real (in-memory) SQLite outbox and a scripted receiver: order, cursor,
// backoff on failures, splitting of a rejected batch down to the poison event, replay of dead letters.
import { describe, expect, it } from 'vitest';
import { openEventDb, type Db } from '../events/event-schema.js';
import { OutboxStore } from './outbox-store.js';
import { DeadLetters } from './dead-letters.js';
import { Deliverer, type DeliveryPolicy } from './dcrm-delivery.js';
import type { PostResult } from './dcrm-http.js';
import { retryDelayMs } from './retry-backoff.js';
import { signatureHeader, verifySignature } from './dcrm-signature.js';

function dbWith(n: number): Db {
  const db = openEventDb(':memory:');
  const insert = db.prepare(
    `INSERT INTO events (id, type, at, batch_id, serial, user, campaign_id, outcome, prize_id, body) VALUES (?, 'scan', ?, 1, ?, 'u', NULL, 'verified', NULL, ?)`,
  );
  for (let i = 1; i <= n; i++) insert.run(`e${i}`, new Date(Date.now() - 1000).toISOString(), i, JSON.stringify({ id: `e${i}` }));
  return db;
}

const policy: DeliveryPolicy = { batchSize: 10, lingerMs: 0, retryBaseMs: 1, retryMaxMs: 2, poisonAttempts: 2 };

function harness(db: Db, answer: (ids: string[], n: number) => PostResult) {
  const sent: string[][] = [];
  const attempts: string[] = [];
  const logs: string[] = [];
  const outbox = new OutboxStore(db);
  const dead = new DeadLetters(db);
  const post = async (body: string): Promise<PostResult> => {
    const ids = (JSON.parse(body) as { events: { id: string }[] }).events.map((e) => e.id);
    sent.push(ids);
    return answer(ids, sent.length);
  };
  const runUntil = async (cond: () => boolean): Promise<void> => {
    // a stopped deliverer stays stopped, as in a restart: each run gets a fresh one over the same SQLite
    const d = new Deliverer(outbox, dead, post, policy, {
      attempt: (r) => attempts.push(r),
      delivered: () => undefined,
      log: (_l, _f, msg) => logs.push(msg),
    });
    const run = d.run();
    const until = Date.now() + 5000;
    while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    d.stop();
    await run;
    expect(cond()).toBe(true);
  };
  return { sent, attempts, logs, outbox, dead, runUntil };
}

describe('Deliverer', () => {
  it('sends in seq order, in batches, retries failures, and moves the cursor only over delivered events', async () => {
    const db = dbWith(25);
    const h = harness(db, (_ids, n) => (n <= 3 ? { ok: false, status: n === 2 ? null : 503, error: 'down' } : { ok: true, status: 200 }));
    await h.runUntil(() => h.outbox.position() === 25);
    expect(h.sent.slice(0, 4).every((b) => b[0] === 'e1' && b.length === 10)).toBe(true);
    const firstDelivery = h.sent.slice(3).flat();
    expect(firstDelivery).toEqual(Array.from({ length: 25 }, (_, i) => `e${i + 1}`));
    expect(h.attempts.filter((a) => a === 'retry')).toHaveLength(3);
    expect(h.logs).toContain('DCRM delivery failing; retrying with backoff');
    expect(h.logs).toContain('DCRM delivery recovered');
    expect(h.outbox.backlog()).toBe(0);
  });

  it('never dead-letters on 5xx, 401, 404 or 429, however often', async () => {
    const db = dbWith(3);
    const statuses = [401, 404, 429, 500, 408, 403];
    const h = harness(db, (_ids, n) => (n <= 30 ? { ok: false, status: statuses[n % statuses.length] ?? 500, error: 'x' } : { ok: true, status: 204 }));
    await h.runUntil(() => h.outbox.position() === 3);
    expect(h.dead.counts()).toEqual({ dead: 0, queued: 0, delivered: 0 });
  });

  it('splits a batch the receiver keeps rejecting, dead-letters only the poison event, then replays it', async () => {
    const db = dbWith(23);
    let poison = true;
    const h = harness(db, (ids) => (poison && ids.includes('e7') ? { ok: false, status: 400, error: 'bad e7' } : { ok: true, status: 200 }));
    await h.runUntil(() => h.outbox.position() === 23);
    const delivered = new Set(h.sent.filter((b) => !b.includes('e7')).flat());
    expect(delivered.size).toBe(22);
    expect(h.dead.list('dead', 0, 10).map((d) => [d.id, d.status, d.error, d.attempts])).toEqual([['e7', 400, 'bad e7', 2]]);
    expect(h.attempts.filter((a) => a === 'dead')).toHaveLength(1);

    // replay while still rejected: back to dead, attempts add up
    expect(h.dead.requeue(null)).toBe(1);
    await h.runUntil(() => h.dead.counts().dead === 1);
    expect(h.dead.list('dead', 0, 10)[0]?.attempts).toBe(4);
    poison = false;
    expect(h.dead.requeue(['e7'])).toBe(1);
    await h.runUntil(() => h.dead.counts().delivered === 1);
    expect(h.sent[h.sent.length - 1]).toEqual(['e7']);
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially with jitter and is capped', () => {
    expect(retryDelayMs(1, 1000, 300_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 300_000, () => 1)).toBe(1000);
    expect(retryDelayMs(4, 1000, 300_000, () => 1)).toBe(8000);
    expect(retryDelayMs(40, 1000, 300_000, () => 1)).toBe(300_000);
    expect(retryDelayMs(1000, 1000, 300_000, () => 0)).toBe(150_000);
  });
});

describe('signature', () => {
  it('verifies its own header and refuses a changed body, another secret or an old timestamp', () => {
    const now = 1_800_000_000;
    const h = signatureHeader('s3cret', '{"events":[]}', now);
    expect(h).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', h, '{"events":[]}', now)).toBe(true);
    expect(verifySignature('s3cret', h, '{"events":[1]}', now)).toBe(false);
    expect(verifySignature('other', h, '{"events":[]}', now)).toBe(false);
    expect(verifySignature('s3cret', h, '{"events":[]}', now + 301)).toBe(false);
  });
});
