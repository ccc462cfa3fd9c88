// Streams a body produced chunk by chunk, honouring backpressure: when uWS buffers a chunk (write
// returns false) production stops until onWritable fires.
//
// Production runs on the thread that answers scans, so it must not delay them: while other requests
// come in (one in the last 100 ms, or one in flight) it makes one chunk per turn and then rests for
// three times as long as the chunk took (at most a quarter of the thread, and of a core); only on an
// idle engine does it make several chunks per turn. A 100-million-code export then streams at full speed on an idle engine and gives way to a
// promotion's scans when they come.
import type { HttpCall } from './http-call.js';
import { inFlight } from './router.js';

const IDLE_CHUNKS_PER_TURN = 8;
/** a request this recent makes the engine busy: requests waiting in sockets are not in flight yet */
const BUSY_WINDOW_MS = 100;
/** rest after a chunk made while others wait, as a multiple of the chunk's own time */
const BUSY_REST = 3;

export function streamBody(call: HttpCall, status: string, headers: readonly (readonly [string, string])[], next: () => Buffer | null, onDone?: () => void): void {
  const res = call.res;
  let started = false;
  const finish = (): void => {
    if (!call.aborted) res.cork(() => res.end());
    call.aborted = true;
    onDone?.();
  };
  const pump = (): void => {
    const t0 = performance.now();
    const busy = inFlight.count > 0 || t0 - inFlight.lastAt < BUSY_WINDOW_MS;
    const chunks = busy ? 1 : IDLE_CHUNKS_PER_TURN;
    for (let i = 0; i < chunks; i++) {
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
    if (busy) setTimeout(pump, Math.max(1, (performance.now() - t0) * BUSY_REST));
    else setImmediate(pump);
  };
  pump();
}
