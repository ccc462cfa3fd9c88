// GET /v1/overview: what the console's first page shows, refreshed every few seconds. Scan figures come
// from the minute aggregates of every shard (the whole deployment); stock and budget from the live
// campaign counters; forged attempts and the DCRM outbox are this engine's own.
import { ALL_SHARDS, keys } from '../redis/keys.js';
import type { RedisClient } from '../redis/scripts.js';
import type { CampaignStore } from '../campaigns/campaign-store.js';
import { phaseOf } from '../campaigns/campaign.js';
import { FIGURE_OF, zeroFigures, type Figures } from './scan-figures.js';
import { utcMinute } from './scan-report-source.js';
import { dayInZone } from './zone-day.js';
import { CampaignDay } from '../campaigns/campaign-day.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WINDOW = 60;

/** what the overview reads of the DCRM outbox (src/dcrm/dcrm-outbox.ts), declared here: reports sit below delivery */
export interface OutboxFigures {
  backlog(): number;
  oldestUndeliveredAgeS(): number;
  deadLetterCounts(): Readonly<Record<string, number>>;
}

export interface OverviewSources {
  redis: RedisClient;
  campaigns: CampaignStore;
  outbox: OutboxFigures;
  /** forged codes answered by this engine since it started */
  forged: () => number;
  now: () => number;
}

export class Overview {
  constructor(private readonly s: OverviewSources) {}

  /** Scans of each of the last 60 minutes (the current one last), summed over the shards. */
  async #scansPerMinute(now: number): Promise<{ at: string; scans: number }[]> {
    const first = Math.floor(now / MINUTE) * MINUTE - (WINDOW - 1) * MINUTE;
    const out: { at: string; scans: number }[] = [];
    const byDay = new Map<string, { i: number; field: string }[]>();
    for (let i = 0; i < WINDOW; i++) {
      const at = first + i * MINUTE;
      out.push({ at: new Date(at).toISOString(), scans: 0 });
      const { day, minute } = utcMinute(at);
      byDay.set(day, [...(byDay.get(day) ?? []), { i, field: `${minute}|s` }]);
    }
    for (const t of ALL_SHARDS) {
      for (const [day, wanted] of byDay) {
        const values = await this.s.redis.hmget(keys.minutes(t, day), ...wanted.map((w) => w.field));
        wanted.forEach((w, j) => ((out[w.i] as { scans: number }).scans += Number(values[j] ?? 0)));
      }
    }
    return out;
  }

  /**
   * Today's figures in `timeZone` (the operator's choice): the zone's day spans parts of two UTC days,
   * whose minute aggregates are summed from the day's first minute to now.
   */
  async #today(now: number, timeZone: string): Promise<Figures> {
    const totals = zeroFigures();
    const start = new CampaignDay(timeZone).bounds(now).start;
    for (let dayStart = Math.floor(start / DAY) * DAY; dayStart <= now; dayStart += DAY) {
      const { day } = utcMinute(dayStart);
      for (const t of ALL_SHARDS) {
        for (const [field, v] of Object.entries(await this.s.redis.hgetall(keys.minutes(t, day)))) {
          const bar = field.indexOf('|');
          if (dayStart + Number(field.slice(0, bar)) * MINUTE < start) continue;
          const figure = FIGURE_OF[field.slice(bar + 1)];
          if (figure) totals[figure] += Number(v);
        }
      }
    }
    return totals;
  }

  /** A campaign's figures of its own calendar day (its time zone), from its report aggregates. */
  async #campaignToday(id: string, timeZone: string, now: number): Promise<Figures> {
    const totals = zeroFigures();
    for (const t of ALL_SHARDS) {
      for (const [field, v] of Object.entries(await this.s.redis.hgetall(keys.reportDay(t, id, dayInZone(now, timeZone))))) {
        const figure = FIGURE_OF[field.slice(field.lastIndexOf('|') + 1)];
        if (figure) totals[figure] += Number(v);
      }
    }
    return totals;
  }

  /** `timeZone`: the zone whose calendar day "today" is (checked by the route) */
  async read(timeZone = 'UTC'): Promise<Record<string, unknown>> {
    const now = this.s.now();
    await this.s.campaigns.loadIfChanged();
    const campaigns = [];
    for (const c of this.s.campaigns.all()) {
      const state = phaseOf(c.def, now);
      if (state !== 'live' && state !== 'paused') continue;
      const live = await this.s.campaigns.live(c);
      campaigns.push({
        id: c.def.id,
        name: c.def.name,
        state,
        timezone: c.def.timezone,
        today: await this.#campaignToday(c.def.id, c.def.timezone, now),
        prizes: c.def.prizes.map((p) => {
          const l = live.get(p.id);
          const budget = p.budget === null ? null : p.budget + (l?.toppedUp.budget ?? 0);
          return { id: p.id, name: p.name, kind: p.kind, won: l?.won ?? 0, wonToday: l?.wonToday ?? 0, stockLeft: l?.stockLeft ?? null, budget, spent: budget === null ? null : budget - (l?.budgetLeft ?? 0) };
        }),
      });
    }
    return {
      at: new Date(now).toISOString(),
      scansPerMinute: await this.#scansPerMinute(now),
      timezone: timeZone,
      today: await this.#today(now, timeZone),
      // the UTC day, for readers of the earlier answer
      todayUtc: await this.#today(now, 'UTC'),
      campaigns,
      forged: this.s.forged(),
      dcrm: { backlog: this.s.outbox.backlog(), lagSeconds: this.s.outbox.oldestUndeliveredAgeS(), deadLetters: this.s.outbox.deadLetterCounts() },
    };
  }
}
