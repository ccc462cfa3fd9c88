// GET /v1/events: persisted events in order.
import { badRequest } from '../../errors.js';
import type { EventQuery } from '../../events/event-query.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';
import { EVENT_ID_RE } from '../../scan/event-ids.js';

export function eventRoutes(events: EventQuery): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/events',
      roles: ['operator', 'dcrm'],
      handle(call) {
        const after = call.queryParam('after');
        const limitRaw = call.queryParam('limit');
        if (after !== null && !EVENT_ID_RE.test(after)) throw badRequest('after', 'must be an event id');
        if (limitRaw !== null && (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000)) {
          throw badRequest('limit', 'must be an integer from 1 to 1000');
        }
        return json('200 OK', events.page(after === '' ? null : after, limitRaw === null ? 100 : Number(limitRaw)));
      },
    },
  ];
}
