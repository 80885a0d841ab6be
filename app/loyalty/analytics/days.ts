// Shop-local calendar days as "YYYY-MM-DD" (they sort as text) and date ranges.
import { addDaysToDate, zoneOffsetMs, zonedToUtc } from "../program/zoned-time";

const OFFSET_BUCKET_MS = 15 * 60_000;

/** Maps instants to shop-local days, caching the zone offset per quarter hour. */
export function dayFormatter(timeZone: string): (at: Date) => string {
  const offsets = new Map<number, number>();
  return (at) => {
    const bucket = Math.floor(at.getTime() / OFFSET_BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      offset = zoneOffsetMs(at, timeZone);
      offsets.set(bucket, offset);
    }
    return new Date(at.getTime() + offset).toISOString().slice(0, 10);
  };
}

export function localDay(at: Date, timeZone: string): string {
  return dayFormatter(timeZone)(at);
}

/** The UTC instant a shop-local day starts. */
export function dayStartUtc(day: string, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return zonedToUtc(timeZone, y, m - 1, d);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDaysToDate(d, 1)) days.push(d);
  return days;
}

export { addDaysToDate as addDays };

export const RANGE_PRESETS = ["30d", "90d", "365d", "year", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const COMPARE_MODES = ["previous", "last_year", "none"] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

export interface DayRange {
  from: string;
  to: string;
}

const DAY_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** The range a preset means on `today` (shop-local); custom dates are checked and ordered. */
export function resolveRange(preset: string | null, today: string, custom: { from?: string | null; to?: string | null } = {}): { preset: RangePreset; range: DayRange } {
  switch (preset) {
    case "90d":
      return { preset, range: { from: addDaysToDate(today, -89), to: today } };
    case "365d":
      return { preset, range: { from: addDaysToDate(today, -364), to: today } };
    case "year":
      return { preset, range: { from: `${today.slice(0, 4)}-01-01`, to: today } };
    case "custom": {
      const from = custom.from && DAY_TEXT.test(custom.from) && !Number.isNaN(Date.parse(custom.from)) ? custom.from : null;
      const to = custom.to && DAY_TEXT.test(custom.to) && !Number.isNaN(Date.parse(custom.to)) ? custom.to : null;
      if (from && to) return { preset, range: from <= to ? { from, to } : { from: to, to: from } };
      break;
    }
  }
  return { preset: "30d", range: { from: addDaysToDate(today, -29), to: today } };
}

/** The range compared with: the same length just before, or the same dates a year earlier. */
export function comparisonRange(range: DayRange, mode: CompareMode): DayRange | null {
  if (mode === "none") return null;
  if (mode === "last_year") {
    const back = (day: string) => {
      const y = Number(day.slice(0, 4)) - 1;
      const rest = day.slice(4) === "-02-29" ? "-02-28" : day.slice(4);
      return `${y}${rest}`;
    };
    return { from: back(range.from), to: back(range.to) };
  }
  const length = daysBetween(range.from, range.to) + 1;
  return { from: addDaysToDate(range.from, -length), to: addDaysToDate(range.from, -1) };
}

/** The last day of a YYYY-MM month. */
export function monthEnd(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * A range as the whole calendar months inside it and the ragged days at its ends (at most
 * two pieces of under a month each), so distinct counts read one sketch per month.
 */
export function splitRange(range: DayRange): { months: string[]; edges: DayRange[] } {
  const months: string[] = [];
  let month = range.from.endsWith("-01") ? range.from.slice(0, 7) : addDaysToDate(monthEnd(range.from.slice(0, 7)), 1).slice(0, 7);
  while (monthEnd(month) <= range.to) {
    months.push(month);
    month = addDaysToDate(monthEnd(month), 1).slice(0, 7);
  }
  if (months.length === 0) return { months, edges: [range] };
  const edges: DayRange[] = [];
  const first = `${months[0]}-01`;
  const last = monthEnd(months[months.length - 1]!);
  if (range.from < first) edges.push({ from: range.from, to: addDaysToDate(first, -1) });
  if (last < range.to) edges.push({ from: addDaysToDate(last, 1), to: range.to });
  return { months, edges };
}
