import { describe, expect, it } from "vitest";
import {
  calendarYearBounds,
  computeTierProgress,
  currentTierWindow,
  decideTier,
  inWindow,
  latestReviewBoundary,
  localYear,
  manualState,
  nextReviewRank,
  parseTierPerks,
  previousTierWindow,
  qualifyingTier,
  serializeTierPerks,
  shouldUpgrade,
  startOfLocalDay,
  tierEntryKey,
  tierPeriodEnd,
  tierSlug,
  tierTag,
  twelveMonthsBefore,
} from "../../app/loyalty/tiers/rules";

const LADDER = [
  { name: "Bronze", rank: 0, thresholdMinor: 0 },
  { name: "Silver", rank: 1, thresholdMinor: 25_000 },
  { name: "Gold", rank: 2, thresholdMinor: 75_000 },
  { name: "Platinum", rank: 3, thresholdMinor: 150_000 },
];

function bounds(now: string, zone: string) {
  const { start, end } = calendarYearBounds(new Date(now), zone);
  return { start: start.toISOString(), end: end.toISOString() };
}

describe("calendarYearBounds", () => {
  it("is the shop-local year in UTC instants", () => {
    expect(bounds("2026-06-15T12:00:00Z", "UTC")).toEqual({ start: "2026-01-01T00:00:00.000Z", end: "2027-01-01T00:00:00.000Z" });
    expect(bounds("2026-06-15T12:00:00Z", "Europe/Helsinki")).toEqual({
      start: "2025-12-31T22:00:00.000Z",
      end: "2026-12-31T22:00:00.000Z",
    });
  });

  it("turns the year in Helsinki two hours before UTC does", () => {
    expect(bounds("2026-12-31T21:59:59Z", "Europe/Helsinki").end).toBe("2026-12-31T22:00:00.000Z");
    expect(bounds("2026-12-31T22:00:00Z", "Europe/Helsinki")).toEqual({
      start: "2026-12-31T22:00:00.000Z",
      end: "2027-12-31T22:00:00.000Z",
    });
    expect(bounds("2026-12-31T22:30:00Z", "Europe/Helsinki").start).toBe("2026-12-31T22:00:00.000Z");
  });

  it("handles the earliest zone, Pacific/Kiritimati (+14)", () => {
    expect(bounds("2026-12-31T09:59:59Z", "Pacific/Kiritimati")).toEqual({
      start: "2025-12-31T10:00:00.000Z",
      end: "2026-12-31T10:00:00.000Z",
    });
    expect(bounds("2026-12-31T10:00:00Z", "Pacific/Kiritimati").start).toBe("2026-12-31T10:00:00.000Z");
  });

  it("handles a late zone, Pacific/Pago_Pago (−11)", () => {
    expect(bounds("2027-01-01T10:59:59Z", "Pacific/Pago_Pago")).toEqual({
      start: "2026-01-01T11:00:00.000Z",
      end: "2027-01-01T11:00:00.000Z",
    });
    expect(bounds("2027-01-01T11:00:00Z", "Pacific/Pago_Pago").start).toBe("2027-01-01T11:00:00.000Z");
  });

  it("reads an unknown zone as UTC", () => {
    expect(bounds("2026-06-15T12:00:00Z", "Not/AZone").start).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("qualifyingTier", () => {
  it("is the highest tier whose threshold the spend reaches", () => {
    expect(qualifyingTier(LADDER, 0)?.name).toBe("Bronze");
    expect(qualifyingTier(LADDER, 24_999)?.name).toBe("Bronze");
    expect(qualifyingTier(LADDER, 25_000)?.name).toBe("Silver");
    expect(qualifyingTier(LADDER, 74_999)?.name).toBe("Silver");
    expect(qualifyingTier(LADDER, 75_000)?.name).toBe("Gold");
    expect(qualifyingTier(LADDER, 10_000_000)?.name).toBe("Platinum");
  });

  it("is null when no tier qualifies", () => {
    expect(qualifyingTier([], 50_000)).toBeNull();
    expect(qualifyingTier(LADDER.slice(1), 100)).toBeNull();
  });
});

describe("computeTierProgress", () => {
  const end = new Date("2026-12-31T22:00:00Z");

  it("says how much is missing for the next tier", () => {
    expect(computeTierProgress(LADDER, 1, 31_400, end)).toEqual({
      next: { name: "Gold", rank: 2, thresholdMinor: 75_000, remainingMinor: 43_600 },
      periodEnd: end,
    });
    expect(computeTierProgress(LADDER, 0, 0, end).next).toMatchObject({ name: "Silver", remainingMinor: 25_000 });
  });

  it("has no next tier at the top", () => {
    expect(computeTierProgress(LADDER, 3, 200_000, end)).toEqual({ next: null, periodEnd: end });
  });

  it("never reports a negative remainder (spend above a tier kept from a refund)", () => {
    expect(computeTierProgress(LADDER, 0, 80_000, end).next).toMatchObject({ name: "Silver", remainingMinor: 0 });
  });
});

describe("shouldUpgrade", () => {
  it("moves up, never down", () => {
    expect(shouldUpgrade(0, 1)).toBe(true);
    expect(shouldUpgrade(null, 0)).toBe(true);
    expect(shouldUpgrade(1, 1)).toBe(false);
    expect(shouldUpgrade(2, 1)).toBe(false);
    expect(shouldUpgrade(1, null)).toBe(false);
  });
});

describe("qualification windows", () => {
  const iso = (d: Date | null) => d?.toISOString() ?? null;

  it("rolling 12 months reaches back to the same instant a year earlier (29 February to 28 February)", () => {
    expect(twelveMonthsBefore(new Date("2027-06-15T08:30:00.250Z")).toISOString()).toBe("2026-06-15T08:30:00.250Z");
    expect(twelveMonthsBefore(new Date("2028-02-29T12:00:00Z")).toISOString()).toBe("2027-02-28T12:00:00.000Z");
    const w = currentTierWindow("rolling_12_months", new Date("2027-06-15T08:30:00Z"), "Europe/Helsinki");
    expect({ start: iso(w.start), end: iso(w.end) }).toEqual({ start: "2026-06-15T08:30:00.000Z", end: null });
    expect(inWindow(new Date("2026-06-15T08:30:00.000Z"), w)).toBe(true);
    expect(inWindow(new Date("2026-06-15T08:29:59.999Z"), w)).toBe(false);
  });

  it("lifetime has no bounds and no review; calendar years look back one year at the review", () => {
    expect(currentTierWindow("lifetime", new Date(), "UTC")).toEqual({ start: null, end: null });
    expect(latestReviewBoundary("lifetime", new Date(), "UTC")).toBeNull();
    const prev = previousTierWindow("calendar_year", new Date("2027-01-01T10:30:00Z"), "Pacific/Kiritimati");
    expect({ start: iso(prev!.start), end: iso(prev!.end) }).toEqual({ start: "2025-12-31T10:00:00.000Z", end: "2026-12-31T10:00:00.000Z" });
    expect(previousTierWindow("rolling_12_months", new Date(), "UTC")).toBeNull();
    expect(tierPeriodEnd("calendar_year", new Date("2026-06-01T00:00:00Z"), "UTC")!.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(tierPeriodEnd("rolling_12_months", new Date(), "UTC")).toBeNull();
  });

  it("reviews at the shop-local year start, and daily at local midnight for rolling windows", () => {
    expect(iso(latestReviewBoundary("calendar_year", new Date("2027-01-01T10:59:59Z"), "Pacific/Pago_Pago"))).toBe("2026-01-01T11:00:00.000Z");
    expect(iso(latestReviewBoundary("calendar_year", new Date("2027-01-01T11:00:00Z"), "Pacific/Pago_Pago"))).toBe("2027-01-01T11:00:00.000Z");
    expect(iso(latestReviewBoundary("rolling_12_months", new Date("2026-07-01T20:59:59Z"), "Europe/Helsinki"))).toBe("2026-06-30T21:00:00.000Z");
    expect(iso(startOfLocalDay(new Date("2026-07-01T21:00:00Z"), "Europe/Helsinki"))).toBe("2026-07-01T21:00:00.000Z");
    expect(localYear(new Date("2026-12-31T10:00:00Z"), "Pacific/Kiritimati")).toBe(2027);
  });
});

describe("decideTier", () => {
  const base = {
    currentRank: 2,
    qualifiedRank: 0,
    previousRank: null,
    manual: "none" as const,
    keepNextPeriod: false,
    period: "calendar_year" as const,
    heldRecently: false,
    demotionsAllowed: false,
  };

  it("moves up whenever the window qualifies, and ends a manual assignment when it does", () => {
    expect(decideTier({ ...base, currentRank: 1, qualifiedRank: 2 })).toEqual({ change: "up", rank: 2, clearManual: false });
    expect(decideTier({ ...base, currentRank: null, qualifiedRank: 0 })).toEqual({ change: "up", rank: 0, clearManual: false });
    expect(decideTier({ ...base, currentRank: 1, qualifiedRank: 3, manual: "active" })).toEqual({ change: "up", rank: 3, clearManual: true });
  });

  it("never moves down between reviews", () => {
    expect(decideTier({ ...base })).toEqual({ change: "none", rank: 2, clearManual: false });
  });

  it("at a review: down to what the year qualifies for, or with keep to what the closed year did", () => {
    expect(decideTier({ ...base, demotionsAllowed: true, previousRank: 2 })).toEqual({ change: "down", rank: 0, clearManual: false });
    expect(decideTier({ ...base, demotionsAllowed: true, previousRank: 2, keepNextPeriod: true })).toMatchObject({ change: "none", rank: 2 });
    expect(decideTier({ ...base, demotionsAllowed: true, previousRank: 1, keepNextPeriod: true })).toEqual({ change: "down", rank: 1, clearManual: false });
    expect(decideTier({ ...base, demotionsAllowed: true, qualifiedRank: 2 })).toMatchObject({ change: "none" });
  });

  it("keeps an active manual tier through reviews and reviews an expired one at once", () => {
    expect(decideTier({ ...base, demotionsAllowed: true, manual: "active" })).toMatchObject({ change: "none", clearManual: false });
    expect(decideTier({ ...base, manual: "expired" })).toEqual({ change: "down", rank: 0, clearManual: true });
    expect(decideTier({ ...base, manual: "expired", qualifiedRank: 2 })).toEqual({ change: "none", rank: 2, clearManual: true });
  });

  it("rolling windows: keep holds a tier for 12 months after the member moved into it", () => {
    const rolling = { ...base, period: "rolling_12_months" as const, demotionsAllowed: true, keepNextPeriod: true };
    expect(decideTier({ ...rolling, heldRecently: true })).toMatchObject({ change: "none" });
    expect(decideTier({ ...rolling, heldRecently: false, qualifiedRank: 1 })).toEqual({ change: "down", rank: 1, clearManual: false });
  });

  it("never reviews lifetime tiers down", () => {
    expect(decideTier({ ...base, period: "lifetime", demotionsAllowed: true })).toMatchObject({ change: "none" });
  });

  it("previews the next review", () => {
    const p = { currentRank: 2, qualifiedRank: 1, entryRank: 0, manualActive: false, keepNextPeriod: true, period: "calendar_year" as const, heldRecently: false };
    expect(nextReviewRank(p)).toBe(1);
    expect(nextReviewRank({ ...p, keepNextPeriod: false })).toBe(0);
    expect(nextReviewRank({ ...p, manualActive: true })).toBe(2);
    expect(nextReviewRank({ ...p, period: "lifetime" })).toBe(2);
    expect(nextReviewRank({ ...p, period: "rolling_12_months", heldRecently: true })).toBe(2);
    expect(nextReviewRank({ ...p, qualifiedRank: 3 })).toBe(2);
  });

  it("reads a manual assignment's state", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    expect(manualState(false, null, now)).toBe("none");
    expect(manualState(true, null, now)).toBe("active");
    expect(manualState(true, new Date("2026-06-01T00:00:00.001Z"), now)).toBe("active");
    expect(manualState(true, now, now)).toBe("expired");
  });
});

describe("perks, tags and entry keys", () => {
  it("reads perks tolerantly and writes only what is set", () => {
    expect(parseTierPerks('{"entryPoints":250,"birthdayPoints":500,"freeShipping":true}')).toEqual({ entryPoints: 250, birthdayPoints: 500, freeShipping: true });
    expect(parseTierPerks("{}")).toEqual({ entryPoints: 0, birthdayPoints: null, freeShipping: false });
    expect(parseTierPerks('{"entryPoints":-5,"birthdayPoints":1.5,"freeShipping":"yes"}')).toEqual({ entryPoints: 0, birthdayPoints: null, freeShipping: false });
    expect(parseTierPerks("not json")).toEqual({ entryPoints: 0, birthdayPoints: null, freeShipping: false });
    expect(serializeTierPerks({ entryPoints: 0, birthdayPoints: 0, freeShipping: false })).toBe('{"birthdayPoints":0}');
    expect(serializeTierPerks({ entryPoints: 100, birthdayPoints: null, freeShipping: true })).toBe('{"entryPoints":100,"freeShipping":true}');
  });

  it("tags a tier by its name's letters and digits", () => {
    expect(tierTag("Platinum")).toBe("kanta-tier-platinum");
    expect(tierTag("VIP Gold!")).toBe("kanta-tier-vip-gold");
    expect(tierTag("Kulta ✨")).toBe("kanta-tier-kulta");
    expect(tierTag("Hopea-Ä")).toBe("kanta-tier-hopea-a");
    expect(tierSlug("★★★")).toBe("tier");
  });

  it("keys entry points per member, tier and shop-local year", () => {
    const at = new Date("2026-12-31T10:30:00Z");
    expect(tierEntryKey("m1", "t1", "calendar_year", at, "Pacific/Kiritimati")).toBe("tier-entry:m1:t1:2027");
    expect(tierEntryKey("m1", "t1", "calendar_year", at, "UTC")).toBe("tier-entry:m1:t1:2026");
    expect(tierEntryKey("m1", "t1", "lifetime", at, "UTC")).toBe("tier-entry:m1:t1:all");
  });
});
