// The JSON answer of POST /v1/scans (docs/openapi.yaml), written as one string from the script's reply:
// no intermediate objects, no JSON.stringify of the whole.
import { completedSet, type ScanReply } from './scan-script-call.js';

export interface AnswerContext {
  eventId: string;
  batchId: number;
  serial: number;
  /** `,"sku":…,"kind":…}` closing the code object */
  codeTail: string;
  /** JSON of the campaign id, or null */
  campaignJson: string;
  /** ISO text of the decision's time */
  at: string;
  /** ISO text of a time in ms */
  iso(ms: number): string;
  decidedAt: number;
  /** JSON of the first scan's prize for a repeat by the same user ('' none): the reply holds a reference to it */
  originalPrizeJson: string;
}

export function scanAnswer(r: ScanReply, x: AnswerContext): string {
  const [outcome, reason, count, firstAt, sameUser, prizeJson, origEventId, origOutcome] = r;
  const origPrizeJson = x.originalPrizeJson;
  const firstMs = Number(firstAt);
  const scan =
    outcome === 'blocked'
      ? 'null'
      : `{"count":${count},"firstAt":"${firstMs === x.decidedAt ? x.at : x.iso(firstMs)}","sameUser":${sameUser === '1'}}`;
  const original =
    origEventId !== '' ? `{"eventId":"${origEventId}","outcome":"${origOutcome}","prize":${origPrizeJson === '' ? 'null' : origPrizeJson}}` : 'null';
  return (
    `{"eventId":"${x.eventId}","outcome":"${outcome}","reason":${reason === '' ? 'null' : `"${reason}"`},` +
    `"code":{"batchId":${x.batchId},"serial":${x.serial}${x.codeTail},"campaignId":${x.campaignJson},` +
    `"prize":${prizeJson === '' ? 'null' : prizeJson},"scan":${scan},"original":${original}${r[9].length > 1 ? setJson(r[9]) : ''}}`
  );
}

/** 集卡: `,"set":{…}` when the scan's card completed a set (a draw's answer carries the same) */
function setJson(tenth: string): string {
  const set = completedSet(tenth);
  if (set === null) return '';
  return `,"set":{"id":${JSON.stringify(set.id)},"completed":${set.completed},"prize":${set.prizeJson === '' ? 'null' : set.prizeJson},"reason":${set.reason === '' ? 'null' : `"${set.reason}"`}}`;
}
