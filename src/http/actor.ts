// Who made a change, for the events that record operator actions: the credential's id (`admin-token`
// for ADMIN_TOKEN, `key_…` for an API key, whose name GET /v1/keys lists), never its secret.
import type { HttpCall } from './http-call.js';

export function actorOf(call: HttpCall): string {
  return call.credential?.id ?? 'unknown';
}
