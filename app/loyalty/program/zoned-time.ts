// Shop-local wall-clock time <-> UTC instants, with Intl only. Every shop-time-zone rule
// (tier years, campaign windows, referral caps per month, "once a year" claims, Home's
// 30 days) goes through here. An unknown zone reads as UTC.

const formats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "gregory",
      numberingSystem: "latn",
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    partsFormat(timeZone);
    return true;
  } catch {
    // Intl throws a RangeError for a zone it does not know: that is the answer, not a failure.
    return false;
  }
}

export function safeTimeZone(timeZone: string): string {
  return isValidTimeZone(timeZone) ? timeZone : "UTC";
}

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** `at` on the wall clock of `timeZone`, as Intl reads it. */
function intlWallClock(at: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of partsFormat(timeZone).formatToParts(at)) {
    if (p.type !== "literal" && p.type !== "era") parts[p.type] = Number(p.value);
  }
  return parts as unknown as WallClock;
}

const MINUTE_MS = 60_000;
/** Since 1980 every zone's offset is whole minutes and changes only on a minute (before, some had seconds). */
const OFFSETS_FROM = Date.UTC(1980, 0, 1);
/** Minutes kept per zone before its cache starts again. */
const OFFSETS_PER_ZONE = 4096;
/** Each zone's offset from UTC per UTC minute, as Intl gave it. */
const offsets = new Map<string, Map<number, number>>();

/**
 * `at` on the wall clock of `timeZone`. Intl's formatToParts costs a few µs a call, and a
 * storefront read or a batch asks it for the same few minutes again and again (3-4 % of the
 * read's CPU, 0045): the zone's offset is kept per UTC minute, in which it cannot change,
 * and the wall clock is the instant moved by it. Before 1980, Intl every time.
 */
export function wallClock(at: Date, timeZone: string): WallClock {
  const zone = safeTimeZone(timeZone);
  const time = at.getTime();
  if (!(time >= OFFSETS_FROM)) return intlWallClock(at, zone);
  const minute = Math.floor(time / MINUTE_MS);
  let byMinute = offsets.get(zone);
  if (!byMinute) {
    byMinute = new Map();
    offsets.set(zone, byMinute);
  }
  let offset = byMinute.get(minute);
  if (offset === undefined) {
    const w = intlWallClock(new Date(minute * MINUTE_MS), zone);
    offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - minute * MINUTE_MS;
    if (byMinute.size >= OFFSETS_PER_ZONE) byMinute.clear();
    byMinute.set(minute, offset);
  }
  const local = new Date(time + offset);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds() };
}

/** The zone's offset from UTC at `at`, in ms (Helsinki in winter: +2 h). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in `timeZone` (monthIndex 0–11; out-of-range days
 * and months roll over like Date.UTC). A time inside a daylight-saving gap moves forward
 * by the gap; midnight never falls in one for the zones Shopify offers.
 */
export function zonedToUtc(timeZone: string, year: number, monthIndex: number, day: number, hour = 0, minute = 0): Date {
  const zone = safeTimeZone(timeZone);
  const wall = Date.UTC(year, monthIndex, day, hour, minute);
  // Two passes: the offset at the first guess can differ from the offset at the answer.
  let utc = wall - zoneOffsetMs(new Date(wall), zone);
  utc = wall - zoneOffsetMs(new Date(utc), zone);
  return new Date(utc);
}

/** The shop-local calendar date of an instant. */
export function localDate(at: Date, timeZone: string): { year: number; monthIndex: number; day: number } {
  const w = wallClock(at, timeZone);
  return { year: w.year, monthIndex: w.month - 1, day: w.day };
}

// ---- dates and times as the admin's date and time inputs show them ----

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_TEXT = /^(\d{2}):(\d{2})$/;

/**
 * The UTC instant of "2026-12-05" "18:30" on the wall clock of `timeZone`; null for a date
 * or time that does not exist. A time inside a daylight-saving gap moves forward by the gap.
 */
export function zonedDateTimeToUtc(date: string, time: string, timeZone: string): Date | null {
  const d = DATE_TEXT.exec(date);
  const t = TIME_TEXT.exec(time);
  if (!d || !t || !isValidTimeZone(timeZone)) return null;
  const [year, month, day, hour, minute] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || day < 1) return null;
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null; // 2026-02-30
  return zonedToUtc(timeZone, year, month - 1, day, hour, minute);
}

/** `at` on the wall clock of `timeZone`, as the date and time inputs show it. */
export function utcToZonedDateTime(at: Date, timeZone: string): { date: string; time: string } {
  const w = wallClock(at, timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return { date: `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}

/** "2026-12-05" plus `days` (may be negative), as a date string. */
export function addDaysToDate(date: string, days: number): string {
  const d = DATE_TEXT.exec(date);
  if (!d) throw new RangeError(`not a date: ${date}`);
  const next = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]) + days));
  return next.toISOString().slice(0, 10);
}
