// A client that reads an export and throws it away, as a packaging line's download would, in a process
// of its own so that the load generator's timing is not disturbed. `npm run bench` runs it next to the
// common-rate scans. URL and TOKEN from the env; prints "ready", then the bytes read when it ends.
import { request } from 'node:http';

let bytes = 0;
const req = request(process.env.URL ?? '', { headers: { authorization: `Bearer ${process.env.TOKEN ?? ''}` } }, (res) => {
  process.stdout.write(`ready\nstatus ${res.statusCode}\n`);
  res.on('data', (chunk: Buffer) => (bytes += chunk.length));
  res.on('end', () => {
    process.stdout.write(`bytes ${bytes}\n`);
    process.exit(0);
  });
});
req.on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
req.end();
process.on('SIGTERM', () => {
  process.stdout.write(`bytes ${bytes}\n`);
  process.exit(0);
});
