import { describe, expect, it } from "vitest";
import { calendarYearBounds, computeTierProgress, qualifyingTier, shouldUpgrade } from "../../app/loyalty/tiers";

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
