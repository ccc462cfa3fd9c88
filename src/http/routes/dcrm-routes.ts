// Dead letters of DCRM delivery, for operators: list them, queue them for another delivery.
import { badRequest } from '../../errors.js';
import type { DcrmOutbox } from '../../dcrm/dcrm-outbox.js';
import { DEAD_LETTER_STATES, type DeadLetter, type DeadLetterState } from '../../dcrm/dead-letters.js';
import { parseJsonObject } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { Route } from '../router.js';
import { EVENT_ID_RE } from '../../scan/event-ids.js';

const MAX_REPLAY_IDS = 10_000;

/** One dead letter as JSON, the stored event body spliced in as is (it is JSON already). */
function deadLetterJson(d: DeadLetter): string {
  const meta = JSON.stringify({
    id: d.id,
    seq: d.seq,
    state: d.state,
    status: d.status,
    error: d.error,
    attempts: d.attempts,
    deadAt: d.deadAt,
    replayedAt: d.replayedAt,
    deliveredAt: d.deliveredAt,
  });
  return `${meta.slice(0, -1)},"event":${d.body}}`;
}

function parseReplayIds(body: Buffer | null): string[] | null {
  if (body === null || body.length === 0) return null;
  const o = parseJsonObject(body);
  const ids = o.ids;
  if (ids === undefined || ids === null) return null;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_REPLAY_IDS) throw badRequest('ids', `must be an array of 1 to ${MAX_REPLAY_IDS} event ids`);
  return ids.map((id, i) => {
    if (typeof id !== 'string' || !EVENT_ID_RE.test(id)) throw badRequest(`ids[${i}]`, 'must be an event id');
    return id;
  });
}

export function dcrmRoutes(outbox: DcrmOutbox): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/dcrm/dead-letters',
      roles: ['operator', 'dcrm'],
      handle(call) {
        const stateRaw = call.queryParam('state') ?? 'dead';
        if (stateRaw !== 'all' && !DEAD_LETTER_STATES.includes(stateRaw as DeadLetterState)) {
          throw badRequest('state', `must be one of ${[...DEAD_LETTER_STATES, 'all'].join(', ')}`);
        }
        const afterRaw = call.queryParam('after');
        if (afterRaw !== null && !/^\d{1,15}$/.test(afterRaw)) throw badRequest('after', 'must be the seq of a dead letter');
        const limitRaw = call.queryParam('limit');
        if (limitRaw !== null && (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000)) {
          throw badRequest('limit', 'must be an integer from 1 to 1000');
        }
        const limit = limitRaw === null ? 100 : Number(limitRaw);
        const rows = outbox.deadLetters.list(stateRaw === 'all' ? null : (stateRaw as DeadLetterState), afterRaw === null ? 0 : Number(afterRaw), limit);
        const last = rows[rows.length - 1];
        const next = rows.length === limit && last ? last.seq : null;
        return json(
          '200 OK',
          `{"deadLetters":[${rows.map(deadLetterJson).join(',')}],"next":${next === null ? 'null' : next},"counts":${JSON.stringify(outbox.deadLetterCounts())}}`,
        );
      },
    },
    {
      method: 'post',
      pattern: '/v1/dcrm/replay',
      roles: ['operator', 'dcrm'],
      body: true,
      handle(_call, body) {
        const queued = outbox.replay(parseReplayIds(body));
        return json('200 OK', JSON.stringify({ queued, delivery: outbox.enabled ? 'on' : 'off' }));
      },
    },
  ];
}
