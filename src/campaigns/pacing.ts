// Units of a paced prize released by a time (a prize's `release`), as the scan script counts them
// (lua/scanCodes-1.lua, `released`): the script decides with its own copy; this one answers
// GET /v1/campaigns/{id}. perDay periods are the campaign's calendar days, perHour periods whole hours
// from the hour startsAt falls in. Without `guaranteed` a period's units are released at its start;
// with it, unit k of n is released at a moment drawn in the k-th n-th of the period from the campaign's
// seed (kept in Redis only), so that nobody outside can time a scan to it.
import { createHash } from 'node:crypto';
import type { Prize } from './campaign.js';
import type { CampaignDay } from './campaign-day.js';

const HOUR = 3_600_000;

export interface PacedCampaign {
  readonly startsAtMs: number;
  readonly day: CampaignDay;
  /** start of the calendar day startsAt falls in */
  readonly firstDayStart: number;
}

export function releasedBy(now: number, p: Prize, c: PacedCampaign, seed: string): number | null {
  const r = p.release ?? null;
  if (r === null) return null;
  if (now < c.startsAtMs) return 0;
  let n: number;
  let periodStart: number;
  let periodLen: number;
  let index: number;
  if ('perDay' in r) {
    n = r.perDay;
    const b = c.day.bounds(now);
    periodStart = b.start;
    periodLen = b.end - b.start;
    index = Math.round((b.start - c.firstDayStart) / 86_400_000);
  } else {
    n = r.perHour;
    const first = Math.floor(c.startsAtMs / HOUR) * HOUR;
    index = Math.floor((now - first) / HOUR);
    periodStart = first + index * HOUR;
    periodLen = HOUR;
  }
  if (p.guaranteed !== true) return n * (index + 1);
  const slotLen = periodLen / n;
  const k = Math.floor((now - periodStart) / slotLen);
  if (k >= n) return n * (index + 1);
  return n * index + k + (now >= releaseMoment(seed, p.id, index, k, periodStart, slotLen) ? 1 : 0);
}

/** When unit k of period `index` is released (guaranteed pacing). */
export function releaseMoment(seed: string, prizeId: string, index: number, k: number, periodStart: number, slotLen: number): number {
  const h = createHash('sha1').update(`${seed}:${prizeId}:${index}:${k}`).digest('hex');
  return periodStart + (k + Number.parseInt(h.slice(0, 8), 16) / 4294967296) * slotLen;
}
