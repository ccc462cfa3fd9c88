// An open-loop load generator at a truly fixed rate: request i is due at start + i/rate, whatever the
// server does, and its latency is measured from that due time (so a stalled server is charged for the
// requests it kept waiting: no coordinated omission), in microseconds.
//
// Why not autocannon's overallRate: autocannon gives each connection a quota per 1-second window and
// sends it as fast as the server answers, then idles until the next window, so "60% load" is bursts at
// 100% followed by silence; its latencies are whole milliseconds, and its coordinated-omission
// correction assumes an interval of ceil(1/rate) = 1 ms whatever the rate.
import { connect, type Socket } from 'node:net';
import type { LatencySummary } from './load.js';

export interface PacedOptions {
  connections: number;
  /** requests per second */
  rate: number;
  /** seconds measured */
  duration: number;
  /** seconds at the same rate, on the same connections, before the measured ones (not recorded) */
  warmup?: number;
  /** called with each answer: ms after the start its request was due, and its latency in ms */
  onAnswer?: (dueMs: number, latencyMs: number, status: string) => void;
  /** called with each answer's request index (into `bodies`, modulo its length), status and body (the soak checks what was answered) */
  onReply?: (request: number, status: string, body: Buffer, latencyMs: number) => void;
  /** ends the run early (the soak told to stop): requests not answered by then count as errors */
  stop?: AbortSignal;
}

export interface PacedResult {
  rate: number;
  sent: number;
  answered: number;
  durationS: number;
  achievedRps: number;
  latencyMs: LatencySummary;
  status: Record<string, number>;
  /** socket errors, and requests unanswered when the run ended */
  errors: number;
  /** requests sent more than 1 ms after they were due (no connection free, or this process was busy) */
  sentLate: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

interface Conn {
  socket: Socket | null;
  /** index of the request in flight, -1 when idle */
  inFlight: number;
  pending: Buffer;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Prebuilt HTTP/1.1 requests, one per body, so that sending costs one socket write. */
function buildRequests(url: URL, path: string, bodies: readonly Buffer[], count: number): Buffer[] {
  const out = new Array<Buffer>(count);
  const host = `Host: ${url.host}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n`;
  for (let i = 0; i < count; i++) {
    const body = bodies[i % bodies.length] as Buffer;
    out[i] = Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${host}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
  }
  return out;
}

export async function runPaced(baseUrl: string, path: string, bodies: readonly Buffer[], opts: PacedOptions): Promise<PacedResult> {
  const url = new URL(baseUrl);
  const skip = Math.round(opts.rate * (opts.warmup ?? 0));
  const total = skip + Math.max(1, Math.round(opts.rate * opts.duration));
  const requests = buildRequests(url, path, bodies, total);
  const interval = 1000 / opts.rate;
  const latencies = new Float64Array(total - skip);
  let recorded = 0;
  const status: Record<string, number> = {};
  let answered = 0;
  let nextToSend = 0;
  let errors = 0;
  let sentLate = 0;
  let start = 0;
  let finished = false;
  let onFinished: () => void = () => {};

  const conns: Conn[] = [];
  const idle: Conn[] = [];

  const dueAt = (i: number): number => start + i * interval;

  const sendDue = (): void => {
    const now = performance.now();
    while (nextToSend < total && dueAt(nextToSend) <= now && idle.length > 0) {
      const c = idle.pop() as Conn;
      const i = nextToSend++;
      if (now - dueAt(i) > 1) sentLate++;
      c.inFlight = i;
      c.socket?.write(requests[i] as Buffer);
    }
  };

  const complete = (c: Conn, code: string, body: Buffer): void => {
    const i = c.inFlight;
    c.inFlight = -1;
    const latency = performance.now() - dueAt(i);
    answered++;
    opts.onReply?.(i, code, body, latency);
    if (i >= skip) {
      latencies[recorded++] = latency;
      opts.onAnswer?.((i - skip) * interval, latency, code);
      status[code] = (status[code] ?? 0) + 1;
    }
    idle.push(c);
    if (answered + errors >= total) finish();
    else sendDue();
  };

  const parse = (c: Conn): void => {
    for (;;) {
      const end = c.pending.indexOf(HEADER_END);
      if (end < 0) return;
      const head = c.pending.toString('latin1', 0, end);
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const length = m ? Number(m[1]) : 0;
      const size = end + 4 + length;
      if (c.pending.length < size) return;
      const code = head.slice(9, 12);
      const body = c.pending.subarray(end + 4, size);
      c.pending = c.pending.subarray(size);
      if (c.inFlight >= 0) complete(c, code, body);
    }
  };

  const open = (c: Conn): Promise<void> =>
    new Promise((resolve) => {
      const s = connect(Number(url.port), url.hostname);
      s.setNoDelay(true);
      c.socket = s;
      c.pending = Buffer.alloc(0);
      s.on('connect', () => resolve());
      s.on('data', (d: Buffer) => {
        c.pending = c.pending.length === 0 ? d : Buffer.concat([c.pending, d]);
        parse(c);
      });
      s.on('error', () => {
        /* counted on close */
      });
      s.on('close', () => {
        resolve();
        if (finished) return;
        if (c.inFlight >= 0) {
          c.inFlight = -1;
          errors++;
        } else {
          const at = idle.indexOf(c);
          if (at >= 0) idle.splice(at, 1);
        }
        c.socket = null;
        if (answered + errors >= total) return finish();
        // reconnect, then take work again
        setTimeout(() => {
          void open(c).then(() => {
            if (c.socket === null || finished || idle.includes(c)) return;
            idle.push(c);
            if (start > 0) sendDue();
          });
        }, 10);
      });
    });

  const finish = (): void => {
    if (finished) return;
    finished = true;
    onFinished();
  };

  for (let i = 0; i < opts.connections; i++) conns.push({ socket: null, inFlight: -1, pending: Buffer.alloc(0) });
  await Promise.all(conns.map(open));
  for (const c of conns) if (c.socket && !idle.includes(c)) idle.push(c);

  start = performance.now();
  const done = new Promise<void>((resolve) => (onFinished = resolve));
  // the pacer: wakes when the next request is due (timers have ~1 ms resolution: a few requests go
  // together, each still timed from its own due time)
  let timer: NodeJS.Timeout | undefined;
  const pace = (): void => {
    if (finished) return;
    sendDue();
    if (nextToSend < total) timer = setTimeout(pace, Math.max(0, dueAt(nextToSend) - performance.now()));
  };
  pace();
  // a server that stops answering ends the run 10 s after the last request was due
  const deadline = setTimeout(finish, ((opts.warmup ?? 0) + opts.duration) * 1000 + 10_000);
  if (opts.stop?.aborted) finish();
  opts.stop?.addEventListener('abort', finish, { once: true });
  await done;
  opts.stop?.removeEventListener('abort', finish);
  const elapsed = (performance.now() - start) / 1000;
  clearTimeout(timer);
  clearTimeout(deadline);
  for (const c of conns) c.socket?.destroy();
  errors = total - answered;

  const sorted = latencies.slice(0, recorded).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    rate: opts.rate,
    sent: nextToSend,
    answered,
    durationS: elapsed,
    achievedRps: answered / elapsed,
    latencyMs: {
      mean: recorded === 0 ? 0 : sum / recorded,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      p999: percentile(sorted, 99.9),
      max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] ?? 0),
    },
    status,
    errors,
    sentLate,
  };
}
