// A prize as the draw scripts take it (lua/drawChance-9.lua, lua/countCard-7.lua): its limits, its amount
// (a range drawn here, then multiplied by a points boost) and the JSON an answer and an event carry, a
// gift's or coupon's voucher derived from the win's event id.
import { randomInt } from 'node:crypto';
import type { CompiledCampaign } from '../campaigns/compiled-campaign.js';
import type { Prize } from '../campaigns/campaign.js';
import type { VoucherCodec } from '../codes/voucher-codec.js';
import type { DrawCandidate } from './draw-chance-call.js';

export function prizeCandidate(c: CompiledCampaign, p: Prize, multiplier: number, eventId: string, drawn: boolean, vouchers: VoucherCodec): DrawCandidate {
  const a = p.amount;
  const base = a === null ? null : typeof a === 'number' ? a : randomInt(a.min, a.max + 1);
  const amount = base === null ? null : Math.floor(base * multiplier);
  let json = c.prizeJsonHead.get(p.id)! + (amount === null ? 'null' : String(amount));
  if (p.kind === 'gift' || p.kind === 'coupon') {
    const v = vouchers.voucherOf(eventId);
    json += `,"voucher":{"code":"${v.code}","url":${JSON.stringify(v.url)}}`;
  }
  json += '}';
  const release = p.release ?? null;
  return {
    id: p.id,
    hasStock: p.stock !== null,
    hasBudget: p.budget !== null,
    dailyCap: p.dailyCap ?? 0,
    perUserCap: p.perUserCap ?? 0,
    release: release === null ? '' : 'perDay' in release ? 'd' : 'h',
    perPeriod: release === null ? 0 : 'perDay' in release ? release.perDay : release.perHour,
    guaranteed: p.guaranteed === true,
    amount: amount ?? 0,
    json,
    drawn,
  };
}
