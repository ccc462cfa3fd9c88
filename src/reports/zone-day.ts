// Calendar days as "YYYY-MM-DD": of an instant in a time zone, and the days from one to another.
const DAY = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

export function dayInZone(ms: number, timeZone: string): string {
  let f = formats.get(timeZone);
  if (!f) {
    // en-CA writes dates as YYYY-MM-DD
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, f);
  }
  return f.format(ms);
}

export const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The days from `from` to `to`, both included (empty when `to` is before `from`). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += DAY) out.push(new Date(ms).toISOString().slice(0, 10));
  return out;
}
