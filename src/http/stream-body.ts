// Streams a body produced chunk by chunk, honouring backpressure: when uWS buffers a chunk (write
// returns false) production stops until onWritable fires. Production also yields to the event loop
// every few chunks, so a fast reader cannot starve the scans served by the same thread.
import type { HttpCall } from './http-call.js';

const CHUNKS_PER_TURN = 8;

export function streamBody(call: HttpCall, status: string, headers: readonly (readonly [string, string])[], next: () => Buffer | null, onDone?: () => void): void {
  const res = call.res;
  let started = false;
  const finish = (): void => {
    if (!call.aborted) res.cork(() => res.end());
    call.aborted = true;
    onDone?.();
  };
  const pump = (): void => {
    for (let i = 0; i < CHUNKS_PER_TURN; i++) {
      if (call.aborted) return onDone?.();
      const chunk = next();
      if (chunk === null) return finish();
      let ok = true;
      res.cork(() => {
        if (!started) {
          started = true;
          res.writeStatus(status);
          for (const [k, v] of headers) res.writeHeader(k, v);
        }
        ok = res.write(chunk);
      });
      if (!ok) {
        res.onWritable(() => {
          setImmediate(pump);
          return true;
        });
        return;
      }
    }
    setImmediate(pump);
  };
  pump();
}
