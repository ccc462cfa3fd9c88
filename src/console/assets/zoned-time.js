// Times in a chosen IANA time zone, without a library: a <input type="datetime-local"> value read as a
// wall time of the zone becomes an ISO date-time with that zone's offset, and back; instants are shown
// in the zone. The offset is found by asking Intl what the zone's clock reads at an instant.
const formats = new Map();
function partsOf(timeZone, ms) {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, f);
  }
  const p = {};
  for (const x of f.formatToParts(ms)) p[x.type] = x.value;
  return p;
}

/** the zone's offset from UTC at instant ms, in ms */
function offsetAt(timeZone, ms) {
  const p = partsOf(timeZone, ms);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - (ms - (ms % 1000));
}

const pad = (n) => String(n).padStart(2, '0');

export function isTimeZone(tz) {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}

/** "2027-03-01T09:30" read in `timeZone` -> "2027-03-01T09:30:00+08:00"; null when not a date-time */
export function zonedToIso(local, timeZone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local ?? '');
  if (!m || !isTimeZone(timeZone)) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // twice: the offset at the guessed instant may differ from the offset at the true one (DST)
  let ms = wall - offsetAt(timeZone, wall);
  ms = wall - offsetAt(timeZone, ms);
  const off = Math.round(offsetAt(timeZone, ms) / 60_000);
  const sign = off < 0 ? '-' : '+';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** an instant (ISO text or ms) as a datetime-local value in `timeZone` */
export function isoToZoned(iso, timeZone) {
  const p = partsOf(timeZone, typeof iso === 'number' ? iso : Date.parse(iso));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** an instant shown in `timeZone`: "2027-03-01 09:30" */
export function inZone(iso, timeZone) {
  if (iso === null || iso === undefined || iso === '') return '—';
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(ms)) return String(iso);
  const p = partsOf(timeZone || 'UTC', ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** the operator's chosen zone for pages that span campaigns (kept in localStorage; no secret) */
export const operatorZone = {
  get: () => localStorage.getItem('scanlot.timezone') || 'Asia/Shanghai',
  set: (tz) => localStorage.setItem('scanlot.timezone', tz),
};

export const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC'];
