// Baseline: a uWebSockets.js server that reads the POST body (copied, as any real handler must) and
// answers a constant JSON. Run as its own process so that its CPU time can be read. PORT from the env;
// prints "ready" when listening.
import { uws } from '../src/http/uws.js';

const REPLY = '{"ok":true}';
const port = Number(process.env.PORT);

uws
  .App()
  .any('/*', (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const chunks: Buffer[] = [];
    res.onData((ab, isLast) => {
      // uWS reuses the ArrayBuffer after this callback returns: copy it
      chunks.push(Buffer.from(new Uint8Array(ab).slice()));
      if (!isLast || aborted) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      if (body === undefined) return;
      res.cork(() => {
        res.writeStatus('200 OK').writeHeader('content-type', 'application/json').end(REPLY);
      });
    });
  })
  .listen('127.0.0.1', port, (socket) => {
    if (!socket) {
      process.stderr.write(`cannot listen on port ${port}\n`);
      process.exit(1);
    }
    process.stdout.write('ready\n');
  });

process.on('SIGTERM', () => process.exit(0));
