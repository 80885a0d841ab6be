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

/** `at` on the wall clock of `timeZone`. */
export function wallClock(at: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of partsFormat(safeTimeZone(timeZone)).formatToParts(at)) {
    if (p.type !== "literal" && p.type !== "era") parts[p.type] = Number(p.value);
  }
  return parts as unknown as WallClock;
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
