// Who made a change, for the events that record operator actions. One function, so that API keys
// (CONTRACT §4.4) can name their key id here once they exist.
import type { HttpCall } from './http-call.js';

export function actorOf(_call: HttpCall): string {
  return 'admin';
}
