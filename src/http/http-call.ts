// One HTTP exchange on uWebSockets.js, with the library's rules kept in one place so no handler can
// forget them: what a handler needs from `req` is copied before the first await; onAborted is set at
// once; the body is copied chunk by chunk (uWS reuses the buffer) and capped; after async work the
// answer is written inside cork() and only if the client is still there.
import { ApiError } from '../errors.js';
import type { HttpRequest, HttpResponse } from './uws.js';
import { peerAddressText } from './peer-address.js';
import type { Credential } from '../identity/roles.js';
import { countErrorAnswer } from '../metrics/http-errors.js';

export const MAX_BODY = 64 * 1024;

export interface Reply {
  status: string;
  body: string | Buffer;
  type?: string;
  headers?: readonly (readonly [string, string])[];
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export const json = (status: string, body: string): Reply => ({ status, body, type: JSON_TYPE });

export class HttpCall {
  aborted = false;
  readonly method: string;
  readonly url: string;
  readonly query: string;
  readonly authorization: string;
  readonly contentLength: string;
  readonly contentType: string;
  readonly forwardedFor: string;
  readonly cookie: string;
  readonly params: string[];
  /** the Accept-Language header, read only for the routes that ask (pages for people) */
  acceptLanguage = '';
  /** the operator or machine credential, set by the router on routes with roles */
  credential: Credential | null = null;
  #remote: string | null = null;
  /** settles a body read that the client abandoned, so nothing waits for it for ever */
  #onAbort: (() => void) | null = null;

  constructor(readonly res: HttpResponse, req: HttpRequest, paramCount: number) {
    res.onAborted(() => {
      this.aborted = true;
      this.#onAbort?.();
    });
    this.method = req.getCaseSensitiveMethod();
    this.url = req.getUrl();
    this.query = req.getQuery() ?? '';
    this.authorization = req.getHeader('authorization');
    this.contentLength = req.getHeader('content-length');
    this.contentType = req.getHeader('content-type');
    this.forwardedFor = req.getHeader('x-forwarded-for');
    this.cookie = req.getHeader('cookie');
    this.params = [];
    for (let i = 0; i < paramCount; i++) this.params.push(req.getParameter(i) ?? '');
  }

  /** The peer address; must be called before the first await (uWS frees the socket data later on abort). */
  remoteAddress(): string {
    if (this.#remote === null) this.#remote = peerAddressText(this.res.getRemoteAddress());
    return this.#remote;
  }

  queryParam(name: string): string | null {
    return new URLSearchParams(this.query).get(name);
  }

  /** Reads the whole body, at most `max` bytes (MAX_BODY unless the route says); must be started before the first await. */
  readBody(max = MAX_BODY): Promise<Buffer> {
    const declared = this.contentLength === '' ? 0 : Number(this.contentLength);
    if (declared > max) return Promise.reject(new ApiError('payload_too_large', `body over ${max} bytes`));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      this.#onAbort = () => {
        failed = true;
        chunks.length = 0;
        reject(new ApiError('invalid_request', 'body: the client went away before sending it all'));
      };
      this.res.onData((ab, isLast) => {
        if (failed) return;
        size += ab.byteLength;
        if (size > max) {
          failed = true;
          reject(new ApiError('payload_too_large', `body over ${max} bytes`));
          return;
        }
        // copy (once): uWS reuses the ArrayBuffer after this callback returns
        chunks.push(Buffer.from(new Uint8Array(ab)));
        if (isLast) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      });
    });
  }

  send(reply: Reply, closeConnection = false): void {
    if (this.aborted) return;
    this.res.cork(() => {
      this.res.writeStatus(reply.status);
      if (reply.type) this.res.writeHeader('content-type', reply.type);
      if (reply.headers) for (const [k, v] of reply.headers) this.res.writeHeader(k, v);
      this.res.end(reply.body, closeConnection);
    });
    this.aborted = true; // answered: nothing more may be written
  }

  sendError(err: unknown, onInternal: (err: unknown) => void): void {
    const e = err instanceof ApiError ? err : new ApiError('internal', 'internal error');
    if (!(err instanceof ApiError)) onInternal(err);
    countErrorAnswer(e.code);
    // an oversize body is still arriving: close rather than read it
    const headers: [string, string][] | undefined = e.retryAfterS === null ? undefined : [['retry-after', String(e.retryAfterS)]];
    this.send({ status: e.status, body: e.toJSON(), type: JSON_TYPE, headers }, e.code === 'payload_too_large');
  }
}
