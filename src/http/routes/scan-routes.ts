// POST /v1/scans: the consumer scan (CONTRACT §4.1).
import { badRequest, unavailable } from '../../errors.js';
import type { ScanService } from '../../scan/scan-service.js';
import { ID_RE, ID_WHAT, optNumber, optString, parseJsonObject, reqString } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { HttpCall } from '../http-call.js';
import type { Route } from '../router.js';
import type { ScanMetrics } from '../../scan/scan-metrics.js';

const CODE_RE = /^[\s\S]{1,256}$/u;
const DEVICE_RE = /^[^\u0000-\u001f]{1,128}$/u;

export function clientIp(call: HttpCall, trustProxy: boolean): string {
  if (trustProxy && call.forwardedFor !== '') {
    const first = call.forwardedFor.split(',')[0]?.trim();
    if (first) return first;
  }
  return call.remoteAddress();
}

export function scanRoutes(scans: ScanService, trustProxy: boolean, metrics: ScanMetrics, maxInflight: number): Route[] {
  let inflight = 0;
  return [
    {
      method: 'post',
      pattern: '/v1/scans',
      body: true,
      ip: true,
      async handle(call, body) {
        const started = performance.now();
        const o = parseJsonObject(body as Buffer);
        if (typeof o.code !== 'string' || !CODE_RE.test(o.code)) throw badRequest('code', 'must be a string of 1-256 characters');
        const user = reqString(o, 'user', ID_RE, ID_WHAT);
        const req = {
          code: o.code,
          user,
          lat: optNumber(o, 'lat', -90, 90),
          lng: optNumber(o, 'lng', -180, 180),
          shop: optString(o, 'shop', ID_RE, ID_WHAT),
          clerk: optString(o, 'clerk', ID_RE, ID_WHAT),
          device: optString(o, 'device', DEVICE_RE, '1-128 printable characters'),
          ip: clientIp(call, trustProxy),
        };
        if ((req.lat === null) !== (req.lng === null)) throw badRequest(req.lat === null ? 'lat' : 'lng', 'must be given with the other coordinate');
        // past the bound, refuse at once: a queue that only grows would answer everyone late
        if (inflight >= maxInflight) throw unavailable('overloaded: too many scans in progress, retry shortly');
        inflight++;
        try {
          const result = await scans.scan(req);
          metrics.observe(result.outcome, performance.now() - started);
          return json('200 OK', result.body);
        } finally {
          inflight--;
        }
      },
    },
  ];
}
