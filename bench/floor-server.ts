// The smallest server with the shape of the scan hot path, for `npm run bench:floor`: uWS reads and
// copies the POST body as the hello does, then one Lua script call on Redis consumes a code (SETBIT)
// and appends the request to a stream (XADD), and the answer is a constant JSON. No JSON parsing, no MAC
// check, no draw, no limits: a lower bound of what any design of scanlot's guarantees pays on this
// stack. FLOOR_MODE=call: one script call per request; turn: the requests of one event-loop turn share
// a call (at most 128), as the engine's do. FLOOR_PERSIST=1 adds a worker thread that moves the stream
// into SQLite (floor-persist-worker.ts, the file FLOOR_DB). PORT and REDIS_URL (a Unix socket path or
// redis:// URL) from the env; prints "ready" when listening.
import { Redis } from 'ioredis';
import { Worker } from 'node:worker_threads';
import { uws, type HttpResponse } from '../src/http/uws.js';
import { FLOOR_BITMAP, FLOOR_STREAM } from './floor-keys.js';

/*
  KEYS 1 bitmap of consumed codes  2 event stream
  ARGV serial, event, serial, event, … (one pair per request)
  Returns the number of requests it handled.
*/
const SCRIPT = `
for i = 1, #ARGV, 2 do
  redis.call('SETBIT', KEYS[1], ARGV[i], 1)
  redis.call('XADD', KEYS[2], '*', 'b', ARGV[i + 1])
end
return #ARGV / 2`;

const REPLY = '{"ok":true}';
const MAX_PER_CALL = 128;
const port = Number(process.env.PORT);
const mode = process.env.FLOOR_MODE === 'turn' ? 'turn' : 'call';
const redisUrl = process.env.REDIS_URL ?? '';

interface Pending {
  res: HttpResponse;
  aborted: boolean;
}

const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
await redis.connect();
const sha = (await redis.script('LOAD', SCRIPT)) as string;
if (process.env.FLOOR_PERSIST === '1') {
  const worker = new Worker(new URL('./floor-persist-worker.js', import.meta.url), { workerData: { redisUrl, dbPath: process.env.FLOOR_DB, stream: FLOOR_STREAM } });
  worker.on('error', (err) => {
    process.stderr.write(`persist worker failed: ${err.message}\n`);
    process.exit(1);
  });
}

let serial = 0;
let waiting: Pending[] = [];
let args: (string | number)[] = [];
let scheduled = false;

function answer(p: Pending, status: string): void {
  if (p.aborted) return;
  p.res.cork(() => {
    p.res.writeStatus(status).writeHeader('content-type', 'application/json').end(status === '200 OK' ? REPLY : '{"error":"redis"}');
  });
}

function flush(): void {
  scheduled = false;
  if (waiting.length === 0) return;
  const batch = waiting;
  const callArgs = args;
  waiting = [];
  args = [];
  redis.evalsha(sha, 2, FLOOR_BITMAP, FLOOR_STREAM, ...callArgs).then(
    () => {
      for (const p of batch) answer(p, '200 OK');
    },
    () => {
      for (const p of batch) answer(p, '500 Internal Server Error');
    },
  );
}

uws
  .App()
  .any('/*', (res) => {
    const p: Pending = { res, aborted: false };
    res.onAborted(() => {
      p.aborted = true;
    });
    const chunks: Buffer[] = [];
    res.onData((ab, isLast) => {
      chunks.push(Buffer.from(new Uint8Array(ab).slice()));
      if (!isLast || p.aborted) return;
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      waiting.push(p);
      args.push(serial++, body.toString());
      if (mode === 'call' || waiting.length >= MAX_PER_CALL) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  })
  .listen('127.0.0.1', port, (socket) => {
    if (!socket) {
      process.stderr.write(`cannot listen on port ${port}\n`);
      process.exit(1);
    }
    process.stdout.write('ready\n');
  });

process.on('SIGTERM', () => {
  redis.disconnect();
  process.exit(0);
});
