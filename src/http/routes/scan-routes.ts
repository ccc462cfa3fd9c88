// POST /v1/scans: the consumer scan, for the user ScanIdentity names, behind the
// in-process ScanGuard (forged codes, repeat floods, IPs past their limit: 429 without Redis).
import { ApiError, badRequest, unavailable } from '../../errors.js';
import type { ScanService } from '../../scan/scan-service.js';
import { ID_RE, ID_WHAT, optNumber, optString, parseJsonObject } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { HttpCall } from '../http-call.js';
import type { Route } from '../router.js';
import type { ScanMetrics } from '../../scan/scan-metrics.js';
import type { ScanIdentity } from '../../identity/scan-identity.js';
import type { ScanGuard } from '../../limits/scan-guard.js';
import { parseScanInput } from '../../codes/scan-input.js';
import { canonicalCode } from '../../codes/code-codec.js';
import { clientIp } from '../client-ip.js';

const CODE_RE = /^[\s\S]{1,256}$/u;
const DEVICE_RE = /^[^\u0000-\u001f]{1,128}$/u;
/** application/json, with or without parameters: a cross-site form cannot send it without CORS, which the engine never grants */
const JSON_CONTENT = /^application\/json\s*(?:;|$)/i;

export interface ScanRouteDeps {
  scans: ScanService;
  identity: ScanIdentity;
  guard: ScanGuard;
  trustProxy: number;
  metrics: ScanMetrics;
  maxInflight: number;
  now: () => number;
}

export function requireJson(call: HttpCall): void {
  if (!JSON_CONTENT.test(call.contentType)) throw new ApiError('unsupported_media_type', 'content-type must be application/json');
}

export function scanRoutes(d: ScanRouteDeps): Route[] {
  let inflight = 0;
  return [
    {
      method: 'post',
      pattern: '/v1/scans',
      body: true,
      ip: true,
      async handle(call, body) {
        const started = performance.now();
        requireJson(call);
        const o = parseJsonObject(body as Buffer);
        if (typeof o.code !== 'string' || !CODE_RE.test(o.code)) throw badRequest('code', 'must be a string of 1-256 characters');
        const ip = clientIp(call, d.trustProxy);
        const bodyUser = optString(o, 'user', ID_RE, ID_WHAT);
        // without a turn of the event loop unless jose must check a token (open mode takes the field as sent)
        const user = d.identity.userNow(call, bodyUser) ?? (await d.identity.userOf(call, bodyUser));
        const req = {
          code: o.code,
          user,
          lat: optNumber(o, 'lat', -90, 90),
          lng: optNumber(o, 'lng', -180, 180),
          shop: optString(o, 'shop', ID_RE, ID_WHAT),
          clerk: optString(o, 'clerk', ID_RE, ID_WHAT),
          device: optString(o, 'device', DEVICE_RE, '1-128 printable characters'),
          ip,
        };
        if ((req.lat === null) !== (req.lng === null)) throw badRequest(req.lat === null ? 'lat' : 'lng', 'must be given with the other coordinate');
        const input = parseScanInput(o.code);
        const codeKey = input === null ? null : canonicalCode(input.code);
        d.guard.before(ip, codeKey, d.now());
        // past the bound, refuse at once: a queue that only grows would answer everyone late
        if (inflight >= d.maxInflight) throw unavailable('overloaded: too many scans in progress, retry shortly');
        inflight++;
        try {
          const result = await d.scans.scan(req);
          d.guard.after(ip, codeKey, result.outcome, result.reason, d.now());
          d.metrics.observe(result.outcome, performance.now() - started);
          return json('200 OK', result.body);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'invalid_code') throw d.guard.forged(ip, d.now(), err);
          throw err;
        } finally {
          inflight--;
        }
      },
    },
  ];
}
