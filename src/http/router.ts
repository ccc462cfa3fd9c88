// Registers routes on the uWS app: each route gets an HttpCall, routes with roles are checked against
// the caller's credential (401 without a valid one, 403 when its role does not cover the route), bodies
// are read when the route takes one, and every failure becomes the contract's error JSON.
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { OperatorAuth } from '../identity/operator-auth.js';
import { allows, type RouteRoles } from '../identity/roles.js';
import { HttpCall, type Reply } from './http-call.js';
import type { TemplatedApp } from './uws.js';

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'del';
  pattern: string;
  /**
   * who may call it: absent, anyone; a list, admin and these roles (empty: admin only).
   * The credential is then in call.credential.
   */
  roles?: RouteRoles;
  body?: boolean;
  /** body size limit of this route; MAX_BODY (64 KiB) unless a bulk admin route needs more */
  maxBody?: number;
  /** read the peer address up front (before any await) */
  ip?: boolean;
  /** read Accept-Language up front (pages for people choose their language by it) */
  language?: boolean;
  /** the route writes its own answer (streaming); otherwise its Reply is sent */
  handle(call: HttpCall, body: Buffer | null): Promise<Reply | null> | Reply | null;
}

/**
 * requests being handled, so that shutdown can wait for them; once draining, new ones are refused.
 * lastAt: when the latest request came in (performance.now()), so that background work (an export) can
 * tell a busy engine from an idle one even between two requests.
 */
export const inFlight = { count: 0, draining: false, lastAt: 0 };

const paramCount = (pattern: string): number => pattern.split('/').filter((s) => s.startsWith(':')).length;

/** a `%` not followed by two hex digits anywhere in the path: routes decode their parameters */
const hasMalformedEscape = (url: string): boolean => url.includes('%') && /%(?![0-9A-Fa-f]{2})/.test(url);

export interface RouterContext {
  auth: OperatorAuth;
  log: Logger;
  onInternal: (err: unknown) => void;
}

export function register(app: TemplatedApp, route: Route, ctx: RouterContext): void {
  const params = paramCount(route.pattern);
  const writes = route.method !== 'get';
  app[route.method](route.pattern, (res, req) => {
    const call = new HttpCall(res, req, params);
    if (inFlight.draining) {
      // keep-alive connections outlive the closed listen socket: refuse, and close them
      call.send({ status: '503 Service Unavailable', body: new ApiError('unavailable', 'shutting down').toJSON(), type: 'application/json; charset=utf-8' }, true);
      return;
    }
    if (hasMalformedEscape(call.url)) {
      call.sendError(new ApiError('invalid_request', 'path: malformed percent escape'), ctx.onInternal);
      return;
    }
    if (route.roles) {
      const credential = ctx.auth.authenticate(call.authorization);
      if (credential === null) {
        call.sendError(new ApiError('unauthorized', 'a valid Authorization: Bearer <ADMIN_TOKEN or API key> header is required'), ctx.onInternal);
        return;
      }
      if (!allows(route.roles, credential)) {
        call.sendError(new ApiError('forbidden', `the role ${credential.role} does not cover ${call.method} ${route.pattern}`), ctx.onInternal);
        return;
      }
      call.credential = credential;
    }
    if (route.ip) call.remoteAddress();
    if (route.language) call.acceptLanguage = req.getHeader('accept-language');
    const bodyRead = route.body ? call.readBody(route.maxBody) : null;
    const run = async (): Promise<void> => {
      inFlight.count++;
      inFlight.lastAt = performance.now();
      inFlight.lastAt = performance.now();
      try {
        const body = bodyRead ? await bodyRead : null;
        const reply = await route.handle(call, body);
        if (reply) call.send(reply);
        // one line per change an operator or machine made: who and what, never a secret
        if (writes && call.credential) ctx.log.info({ who: call.credential.id, name: call.credential.name, role: call.credential.role, action: `${call.method} ${call.url}`, status: reply?.status ?? 'streamed' }, 'admin action');
      } catch (err) {
        call.sendError(err, ctx.onInternal);
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
    if (hasMalformedEscape(call.url)) {
      call.sendError(new ApiError('invalid_request', 'path: malformed percent escape'), onInternal);
      return;
    }
    call.sendError(new ApiError('not_found', `no route for ${call.method} ${call.url}`), onInternal);
  });
}
