// Registers routes on the uWS app: each route gets an HttpCall, admin routes are checked against the
// token in constant time, bodies are read when the route takes one, and every failure becomes the
// contract's error JSON.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.js';
import { HttpCall, type Reply } from './http-call.js';
import type { TemplatedApp } from './uws.js';

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch';
  pattern: string;
  admin?: boolean;
  body?: boolean;
  /** body size limit of this route; MAX_BODY (64 KiB, CONTRACT §4) unless a bulk admin route needs more */
  maxBody?: number;
  /** read the peer address up front (before any await) */
  ip?: boolean;
  /** the route writes its own answer (streaming); otherwise its Reply is sent */
  handle(call: HttpCall, body: Buffer | null): Promise<Reply | null> | Reply | null;
}

export class AdminAuth {
  readonly #digest: Buffer;
  constructor(token: string) {
    this.#digest = createHash('sha256').update(token).digest();
  }
  /** Compares digests with timingSafeEqual: the time does not depend on how much of the token matches. */
  check(header: string): boolean {
    if (!header.startsWith('Bearer ')) return false;
    const given = createHash('sha256').update(header.slice(7)).digest();
    return timingSafeEqual(given, this.#digest);
  }
}

/**
 * requests being handled, so that shutdown can wait for them; once draining, new ones are refused.
 * lastAt: when the latest request came in (performance.now()), so that background work (an export) can
 * tell a busy engine from an idle one even between two requests.
 */
export const inFlight = { count: 0, draining: false, lastAt: 0 };

const paramCount = (pattern: string): number => pattern.split('/').filter((s) => s.startsWith(':')).length;

export function register(app: TemplatedApp, route: Route, auth: AdminAuth, onInternal: (err: unknown) => void): void {
  const params = paramCount(route.pattern);
  app[route.method](route.pattern, (res, req) => {
    const call = new HttpCall(res, req, params);
    if (inFlight.draining) {
      // keep-alive connections outlive the closed listen socket: refuse, and close them
      call.send({ status: '503 Service Unavailable', body: new ApiError('unavailable', 'shutting down').toJSON(), type: 'application/json; charset=utf-8' }, true);
      return;
    }
    if (route.admin && !auth.check(call.authorization)) {
      call.sendError(new ApiError('unauthorized', 'a valid Authorization: Bearer <ADMIN_TOKEN> header is required'), onInternal);
      return;
    }
    if (route.ip) call.remoteAddress();
    const bodyRead = route.body ? call.readBody(route.maxBody) : null;
    const run = async (): Promise<void> => {
      inFlight.count++;
      inFlight.lastAt = performance.now();
      try {
        const body = bodyRead ? await bodyRead : null;
        const reply = await route.handle(call, body);
        if (reply) call.send(reply);
      } catch (err) {
        call.sendError(err, onInternal);
      } finally {
        inFlight.count--;
      }
    };
    void run();
  });
}

export function registerFallback(app: TemplatedApp, onInternal: (err: unknown) => void): void {
  app.any('/*', (res, req) => {
    const call = new HttpCall(res, req, 0);
    call.sendError(new ApiError('not_found', `no route for ${call.method} ${call.url}`), onInternal);
  });
}
