import { describe, expect, it } from "vitest";
import { localDate, safeTimeZone, wallClock, zonedToUtc } from "../../app/loyalty/program/zoned-time";

// The one place shop-local time is computed: year ends for tiers, campaign windows,
// monthly referral caps, once-a-year claims.

describe("zoned time", () => {
  it("finds shop-local midnight on both sides of UTC, far from it", () => {
    // Kiritimati is UTC+14: its new year starts at 10:00 UTC on 31 December.
    expect(zonedToUtc("Pacific/Kiritimati", 2027, 0, 1).toISOString()).toBe("2026-12-31T10:00:00.000Z");
    // Pago Pago is UTC-11: its new year starts at 11:00 UTC on 1 January.
    expect(zonedToUtc("Pacific/Pago_Pago", 2027, 0, 1).toISOString()).toBe("2027-01-01T11:00:00.000Z");
    expect(localDate(new Date("2026-12-31T10:00:00Z"), "Pacific/Kiritimati")).toEqual({ year: 2027, monthIndex: 0, day: 1 });
    expect(localDate(new Date("2026-12-31T09:59:59Z"), "Pacific/Kiritimati")).toEqual({ year: 2026, monthIndex: 11, day: 31 });
  });

  it("follows daylight saving: a time in the spring gap moves forward, the autumn hour is the first one", () => {
    // Helsinki skips 03:00–04:00 on 29 March 2026 (UTC+2 → UTC+3).
    expect(zonedToUtc("Europe/Helsinki", 2026, 2, 29, 3, 30).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(zonedToUtc("Europe/Helsinki", 2026, 2, 29, 12, 0).toISOString()).toBe("2026-03-29T09:00:00.000Z");
    expect(zonedToUtc("Europe/Helsinki", 2026, 0, 15, 12, 0).toISOString()).toBe("2026-01-15T10:00:00.000Z");
    expect(wallClock(new Date("2026-10-25T00:30:00Z"), "Europe/Helsinki")).toMatchObject({ hour: 3, minute: 30 });
  });

  it("rolls months over like Date.UTC and reads an unknown zone as UTC", () => {
    expect(zonedToUtc("Europe/Helsinki", 2026, 12, 1).toISOString()).toBe("2026-12-31T22:00:00.000Z");
    expect(safeTimeZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(zonedToUtc("Mars/Olympus_Mons", 2026, 5, 1).toISOString()).toBe("2026-06-01T00:00:00.000Z");
  });
});
