// One autocannon run against POST /v1/scans (or a baseline answering any path), rotating through
// prepared bodies: the only per-request work of the generator is taking the next body.
import autocannon from 'autocannon';

export interface LoadOptions {
  connections: number;
  /** seconds */
  duration: number;
  /** requests/s over all connections (autocannon's overallRate); null: as fast as the server answers */
  overallRate: number | null;
  /** stop after this many requests instead of after `duration` */
  maxRequests?: number;
  /** an Authorization header per body (same index), e.g. a consumer token for the body's user */
  authorizations?: readonly string[];
}

/** latency percentiles of a run, ms */
export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadResult {
  /** responses received */
  requests: number;
  /** requests sent (a few may still be in flight at the end) */
  sent: number;
  durationS: number;
  rps: number;
  latencyMs: LatencySummary;
  /** responses per status code */
  status: Record<string, number>;
  /** socket errors and timeouts */
  socketErrors: number;
  timeouts: number;
  /** CPU µs this process (the load generator) spent per response */
  generatorCpuUsPerRequest: number;
  /** bodies taken; above `bodies.length` the rotation wrapped around and fresh codes were sent again */
  bodiesTaken: number;
}

/** Socket errors (timeouts among them) and answers whose status is not in `expected`. */
export function errorsOf(r: LoadResult, expected: readonly string[]): number {
  let n = r.socketErrors;
  for (const [code, count] of Object.entries(r.status)) if (!expected.includes(code)) n += count;
  return n;
}

export async function runLoad(url: string, path: string, bodies: readonly Buffer[], opts: LoadOptions): Promise<LoadResult> {
  if (bodies.length === 0) throw new Error('no request bodies');
  let next = 0;
  const auth = opts.authorizations ?? null;
  if (auth !== null && auth.length !== bodies.length) throw new Error('one authorization per body');
  const cpu0 = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.duration,
    ...(opts.overallRate !== null ? { overallRate: Math.max(1, Math.round(opts.overallRate)) } : {}),
    ...(opts.maxRequests !== undefined ? { amount: opts.maxRequests } : {}),
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const i = next++ % bodies.length;
          req.body = bodies[i];
          if (auth) req.headers = { ...req.headers, authorization: auth[i] as string };
          return req;
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpu0);
  const status: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) status[code] = s.count ?? 0;
  const requests = result.requests.total;
  return {
    requests,
    sent: result.requests.sent,
    durationS: result.duration,
    rps: result.duration > 0 ? requests / result.duration : 0,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p999: result.latency.p99_9,
      max: result.latency.max,
    },
    status,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    generatorCpuUsPerRequest: requests === 0 ? 0 : (cpu.user + cpu.system) / requests,
    bodiesTaken: next,
  };
}
