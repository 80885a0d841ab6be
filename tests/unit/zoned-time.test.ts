import { describe, expect, it } from "vitest";
import { localDate, safeTimeZone, wallClock, zonedToUtc } from "../../app/loyalty/program/zoned-time";
import { seededRandom } from "../../scripts/seeded-random.mjs";

// The one place shop-local time is computed: year ends for tiers, campaign windows,
// monthly referral caps, once-a-year claims.

describe("zoned time", () => {
  it("reads the wall clock as Intl does, in every kind of zone, around every change of offset (its offsets are kept per minute)", () => {
    const zones = ["Europe/Helsinki", "America/New_York", "America/St_Johns", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Australia/Adelaide", "Pacific/Chatham", "Pacific/Kiritimati", "America/Santiago", "Africa/Casablanca", "UTC", "Not/AZone"];
    const formats = new Map(zones.map((zone) => [zone, new Intl.DateTimeFormat("en-US", { timeZone: safeTimeZone(zone), calendar: "gregory", numberingSystem: "latn", hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" })]));
    const intl = (at: Date, zone: string) => Object.fromEntries(formats.get(zone)!.formatToParts(at).filter((p) => p.type !== "literal" && p.type !== "era").map((p) => [p.type, Number(p.value)]));
    const zoneOffset = (at: Date, zone: string) => {
      const w = intl(at, zone);
      return Date.UTC(w.year!, w.month! - 1, w.day!, w.hour!, w.minute!, w.second!) - Math.floor(at.getTime() / 1000) * 1000;
    };
    const random = seededRandom(5);
    const instants: Date[] = [];
    // Random instants from 1900 to 2040, and instants every few seconds around each change of offset in 2025-2027.
    for (let i = 0; i < 400; i++) instants.push(new Date(Date.UTC(1900, 0, 1) + Math.floor(random() * 140 * 365.25 * 86_400_000)));
    for (const zone of zones) {
      let before = zoneOffset(new Date(Date.UTC(2025, 0, 1)), zone);
      for (let t = Date.UTC(2025, 0, 1) + 3_600_000; t < Date.UTC(2028, 0, 1); t += 3_600_000) {
        const offset = zoneOffset(new Date(t), zone);
        if (offset !== before) for (let s = -3_720; s <= 120; s += 1 + Math.floor(random() * 59)) instants.push(new Date(t + s * 1000 + Math.floor(random() * 1000)));
        before = offset;
      }
    }
    expect(instants.length).toBeGreaterThan(2_000);
    const wrong: string[] = [];
    const text = (w: Record<string, number | undefined>) => ["year", "month", "day", "hour", "minute", "second"].map((k) => w[k]).join(" ");
    for (const zone of zones) for (const at of instants) if (text({ ...wallClock(at, zone) }) !== text(intl(at, zone))) wrong.push(`${zone} ${at.toISOString()}`);
    expect(wrong).toEqual([]);
  });

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
