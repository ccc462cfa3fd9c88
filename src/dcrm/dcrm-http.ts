// One signed POST of a batch to the DCRM, turned into a result the deliverer can act on. Uses the
// global fetch (undici): its default dispatcher keeps connections alive, and with one batch in flight
// one connection is reused for every batch. The body is read to the end even on errors so that the
// connection can be reused.
import { SIGNATURE_HEADER, signatureHeader } from './dcrm-signature.js';

export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export type PostBatch = (body: string, stop: AbortSignal) => Promise<PostResult>;

const MAX_ERROR_TEXT = 300;

export function createPoster(url: string, secret: string, timeoutMs: number): PostBatch {
  return async (body, stop) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([stop, timeout]);
    try {
      const t = Math.floor(Date.now() / 1000);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(secret, body, t), 'user-agent': 'scanlot' },
        body,
        signal,
        // a redirect of a POST would turn it into a GET: treat it as a failure to look at, not follow it
        redirect: 'manual',
      });
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return { ok: false, status: res.status, error: text.slice(0, MAX_ERROR_TEXT) };
    } catch (err) {
      if (timeout.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs} ms` };
      if (stop.aborted) return { ok: false, status: null, error: 'stopped' };
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return { ok: false, status: null, error: `${err instanceof Error ? err.message : String(err)}${cause}` };
    }
  };
}

// Answers that say nothing about the batch itself — wrong credentials, wrong URL, throttling, timeout —
// are retried forever like a 5xx. Only the rest of 4xx ("I cannot take this content") counts towards
// the poison policy; dead-lettering everything because of a misconfigured receiver would be wrong.
const NOT_ABOUT_CONTENT = new Set([401, 403, 404, 405, 407, 408, 421, 425, 429]);

/** Whether an answer rejects the batch's content (and so may be poison). */
export function rejectsContent(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500 && !NOT_ABOUT_CONTENT.has(status);
}
