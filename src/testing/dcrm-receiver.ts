// A DCRM on loopback for tests: node:http, verifies every signature, records every request, and answers
// what the test's handler says (a status, or 'hang': never answer).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifySignature } from '../dcrm/dcrm-signature.js';
import { freePort } from '../redis/embedded-redis.js';
import type { TestEngine } from './engine-process.js';

export const DCRM_TEST_SECRET = 'dcrm-test-secret-0123456789';

export interface ReceivedBatch {
  n: number;
  path: string;
  signature: string;
  verified: boolean;
  body: string;
  ids: string[];
  /** raw JSON of each event, as received */
  events: string[];
  answered: number | 'hang';
  /** Date.now() when the request body had arrived */
  at: number;
}

export type Answer = number | 'hang';

export interface DcrmReceiver {
  readonly port: number;
  readonly url: string;
  readonly batches: ReceivedBatch[];
  /** TCP connections accepted so far: with keep-alive, far fewer than requests */
  connections(): number;
  handler: (b: ReceivedBatch) => Answer;
  /** ids of accepted (2xx) batches, in first-arrival order, each once */
  acceptedIds(): string[];
  /** every accepted copy of an event: id -> raw JSON bodies */
  acceptedCopies(): Map<string, string[]>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export async function dcrmReceiver(opts: { secret?: string; port?: number } = {}): Promise<DcrmReceiver> {
  const secret = opts.secret ?? DCRM_TEST_SECRET;
  const port = opts.port ?? (await freePort());
  const batches: ReceivedBatch[] = [];
  let server: Server | null = null;
  const hung: ServerResponse[] = [];
  let connections = 0;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['scanlot-signature'] ?? '');
      // each event re-serialised canonically: two copies of one event compare equal as strings
      const parsed = JSON.parse(body) as { events: { id: string }[] };
      const events = parsed.events.map((e) => JSON.stringify(e));
      const b: ReceivedBatch = {
        n: batches.length + 1,
        path: req.url ?? '',
        signature,
        verified: verifySignature(secret, signature, body, Math.floor(Date.now() / 1000)),
        body,
        ids: parsed.events.map((e) => e.id),
        events,
        answered: 200,
        at: Date.now(),
      };
      batches.push(b);
      b.answered = b.verified ? receiver.handler(b) : 401;
      if (b.answered === 'hang') {
        hung.push(res);
        return;
      }
      res.writeHead(b.answered, { 'content-type': 'application/json' });
      res.end(b.answered < 300 ? '{"ok":true}' : `{"error":"answered ${b.answered}"}`);
    });
  };

  const accepted = (): ReceivedBatch[] => batches.filter((b) => typeof b.answered === 'number' && b.answered >= 200 && b.answered < 300);

  const receiver: DcrmReceiver = {
    port,
    url: `http://127.0.0.1:${port}/dcrm/events`,
    batches,
    handler: () => 200,
    connections: () => connections,
    acceptedIds() {
      const seen = new Set<string>();
      const out: string[] = [];
      for (const b of accepted()) {
        for (const id of b.ids) {
          if (seen.has(id)) continue;
          seen.add(id);
          out.push(id);
        }
      }
      return out;
    },
    acceptedCopies() {
      const m = new Map<string, string[]>();
      for (const b of accepted()) b.ids.forEach((id, i) => m.set(id, [...(m.get(id) ?? []), b.events[i] as string]));
      return m;
    },
    listen() {
      server = createServer({ keepAliveTimeout: 30_000 }, onRequest);
      server.on('connection', () => connections++);
      return new Promise((resolve) => server?.listen(port, '127.0.0.1', () => resolve()));
    },
    async close() {
      for (const r of hung.splice(0)) r.destroy();
      if (!server) return;
      const s = server;
      server = null;
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    },
  };
  return receiver;
}

/** The engine env that delivers to this receiver, with short timeouts and backoffs. */
export function dcrmEnv(receiver: { url: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DCRM_URL: receiver.url,
    DCRM_SECRET: DCRM_TEST_SECRET,
    SCANLOT_DCRM_TIMEOUT_MS: '500',
    SCANLOT_DCRM_RETRY_BASE_MS: '20',
    SCANLOT_DCRM_RETRY_MAX_MS: '200',
    SCANLOT_DCRM_LINGER_MS: '20',
    ...extra,
  };
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Scans serials [from, to) of a batch, `concurrency` at a time; returns the answered event ids in serial order. */
export async function scanRange(engine: TestEngine, batchId: number, from: number, to: number, user: (serial: number) => string, concurrency = 32): Promise<string[]> {
  const ids: string[] = new Array(to - from);
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const serial = next++;
      const r = await engine.scan({ code: engine.codec.encode(batchId, serial), user: user(serial) });
      if (r.status !== 200) throw new Error(`scan ${serial}: ${r.status} ${JSON.stringify(r.body)}`);
      ids[serial - from] = r.body.eventId as string;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

/** Every persisted event id in seq order, through GET /v1/events. */
export async function persistedIds(engine: TestEngine): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await engine.api('GET', `/v1/events?limit=1000${after ? `&after=${after}` : ''}`);
    if (page.status !== 200) throw new Error(`events page: ${page.status}`);
    const events = page.body.events as { id: string }[];
    out.push(...events.map((e) => e.id));
    if (events.length < 1000) return out;
    after = page.body.next as string;
  }
}

export async function health(engine: TestEngine): Promise<{ backlog: number; outbox: number; oldestUndeliveredAgeS: number }> {
  return (await engine.api('GET', '/healthz')).body;
}
