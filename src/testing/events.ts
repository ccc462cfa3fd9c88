// Reads every persisted event through GET /v1/events, once the stream backlog has drained.
import type { TestEngine } from './engine-process.js';

export async function waitForBacklog(engine: Pick<TestEngine, 'api' | 'output'>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const h = await engine.api('GET', '/healthz');
    if (h.status === 200 && h.body.backlog === 0) return;
    if (Date.now() > until) throw new Error(`backlog did not drain: ${JSON.stringify(h.body)}\n${engine.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function allEvents(engine: Pick<TestEngine, 'api'>): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await engine.api('GET', `/v1/events?limit=1000${after ? `&after=${after}` : ''}`);
    if (page.status !== 200) throw new Error(`events page: ${page.status} ${JSON.stringify(page.body)}`);
    out.push(...page.body.events);
    if (page.body.events.length < 1000) return out;
    after = page.body.next;
  }
}
