// Baseline: a node:http server that reads the POST body and answers a constant JSON. Run as its own
// process so that its CPU time can be read. PORT from the env; prints "ready" when listening.
import { createServer } from 'node:http';

const REPLY = Buffer.from('{"ok":true}');
const port = Number(process.env.PORT);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': REPLY.length });
    res.end(REPLY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));

process.on('SIGTERM', () => server.close(() => process.exit(0)));
