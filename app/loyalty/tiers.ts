// VIP tier qualification. Pure: the callers read spend and tiers from the database.
// Only basis "spend" and period "calendar_year" exist so far; the functions take the tier
// ladder and an amount so other bases (points, orders) and periods can reuse them.
// docs/decisions/0007-tier-qualification.md

export interface TierRung {
  name: string;
  rank: number;
  /** Spend (minor units of the shop currency) per period that qualifies for the tier. */
  thresholdMinor: number;
}

export interface TierProgress {
  /** The next tier up and what is still missing; null at the top tier. */
  next: { name: string; rank: number; thresholdMinor: number; remainingMinor: number } | null;
  periodEnd: Date;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function offsetFormat(timeZone: string): Intl.DateTimeFormat {
  let format = offsetFormats.get(timeZone);
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
    offsetFormats.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at `at`, in milliseconds (Helsinki in winter: +2 h). */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of offsetFormat(timeZone).formatToParts(at)) {
    if (p.type !== "literal" && p.type !== "era") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The UTC instant of a zone's local wall-clock time (midnight never falls in a gap for the zones Shopify offers). */
function zonedToUtc(year: number, monthIndex: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, monthIndex, day);
  // Two passes: the offset at the first guess can differ from the offset at the answer.
  let utc = wall - zoneOffsetMs(new Date(wall), timeZone);
  utc = wall - zoneOffsetMs(new Date(utc), timeZone);
  return new Date(utc);
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    offsetFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The shop-local calendar year containing `now`, as UTC instants: [start, end). An unknown
 * zone reads as UTC, as yearInTimeZone in ./actions does.
 */
export function calendarYearBounds(now: Date, ianaTimeZone: string): { start: Date; end: Date } {
  const zone = isValidTimeZone(ianaTimeZone) ? ianaTimeZone : "UTC";
  const year = new Date(now.getTime() + zoneOffsetMs(now, zone)).getUTCFullYear();
  return { start: zonedToUtc(year, 0, 1, zone), end: zonedToUtc(year + 1, 0, 1, zone) };
}

/** The highest tier whose threshold the spend reaches; `tiers` sorted by rank ascending. */
export function qualifyingTier<T extends TierRung>(tiers: readonly T[], spendMinor: number): T | null {
  let best: T | null = null;
  for (const tier of tiers) {
    if (tier.thresholdMinor <= spendMinor && (best === null || tier.rank > best.rank)) best = tier;
  }
  return best;
}

/** What the member still needs this period for the next tier above `currentTierRank`. */
export function computeTierProgress(
  tiers: readonly TierRung[],
  currentTierRank: number | null,
  spendMinor: number,
  periodEnd: Date,
): TierProgress {
  const next = tiers
    .filter((t) => currentTierRank === null || t.rank > currentTierRank)
    .sort((a, b) => a.rank - b.rank)[0];
  return {
    next: next
      ? {
          name: next.name,
          rank: next.rank,
          thresholdMinor: next.thresholdMinor,
          remainingMinor: Math.max(0, next.thresholdMinor - spendMinor),
        }
      : null,
    periodEnd,
  };
}

/**
 * Order events only ever move a member up; moving down is the period-end review's job, so
 * a refund never demotes mid-year.
 */
export function shouldUpgrade(currentRank: number | null, qualifyingRank: number | null): boolean {
  if (qualifyingRank === null) return false;
  return currentRank === null || qualifyingRank > currentRank;
}
