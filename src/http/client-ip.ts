// The client's IP. Behind `hops` trusted proxies (TRUST_PROXY), each appends the address it received
// the request from to X-Forwarded-For, so the client is the entry the outermost trusted proxy appended:
// the hops-th from the right. Entries left of it are whatever the client sent, and are ignored.
import { isIP } from 'node:net';
import { badRequest } from '../errors.js';
import type { HttpCall } from './http-call.js';

export function clientIp(call: HttpCall, hops: number): string {
  if (hops === 0 || call.forwardedFor === '') return call.remoteAddress();
  const entries = call.forwardedFor.split(',');
  const entry = (entries[Math.max(0, entries.length - hops)] ?? '').trim();
  if (isIP(entry) === 0) throw badRequest('x-forwarded-for', 'the address the trusted proxy appended is not an IP address');
  return entry;
}
