// The calendar day of an instant in a campaign's time zone, as "YYYYMMDD", for daily caps.
// Intl formatting costs microseconds, so each zone remembers the window in which its answer holds:
// until the next local midnight, and at most until the next full UTC hour (so a DST change within
// the day cannot shift the boundary by more than it takes to notice).
interface Window {
  day: string;
  from: number;
  until: number;
}

const HOUR = 3_600_000;

export class CampaignDay {
  readonly #fmt: Intl.DateTimeFormat;
  #w: Window = { day: '', from: 0, until: 0 };

  constructor(timeZone: string) {
    this.#fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /**
   * The day of `now` and its bounds [start, end) in ms: the scan script checks its own clock against
   * them. A day of 23 or 25 hours (a DST change) is found by asking the zone an hour either side.
   */
  bounds(now: number): { day: string; start: number; end: number } {
    const b = this.#bounds;
    if (now >= b.start && now < b.end) return b;
    const day = this.dayOf(now);
    const parts: Record<string, string> = {};
    for (const p of this.#fmt.formatToParts(now)) parts[p.type] = p.value;
    const start = now - (((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (now % 1000));
    let end = start + 86_400_000;
    if (this.#dayAt(end - HOUR) !== day) end -= HOUR;
    else if (this.#dayAt(end) === day) end += HOUR;
    this.#bounds = { day, start, end };
    return this.#bounds;
  }
  #bounds = { day: '', start: 0, end: 0 };

  #dayAt(t: number): string {
    const parts: Record<string, string> = {};
    for (const p of this.#fmt.formatToParts(t)) parts[p.type] = p.value;
    return `${parts.year}${parts.month}${parts.day}`;
  }

  dayOf(now: number): string {
    const w = this.#w;
    if (now >= w.from && now < w.until) return w.day;
    const parts: Record<string, string> = {};
    for (const p of this.#fmt.formatToParts(now)) parts[p.type] = p.value;
    const day = `${parts.year}${parts.month}${parts.day}`;
    const msIntoDay = ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (now % 1000);
    const midnight = now - msIntoDay + 86_400_000;
    const nextHour = Math.floor(now / HOUR) * HOUR + HOUR;
    this.#w = { day, from: now - (now % 1000), until: Math.min(midnight, nextHour) };
    return day;
  }
}
