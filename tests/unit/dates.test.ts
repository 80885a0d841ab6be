import { describe, expect, it } from "vitest";
import {
  birthdayChangeableFrom,
  datesAfter,
  inactivityExpiryAt,
  parseBirthdayInput,
  shopDate,
  yearlyDatesCelebratedOn,
} from "../../app/loyalty/dates/birthday";
import { birthdayMetafieldValue } from "../../app/shopify/customers.server";

const NOW = new Date("2026-12-04T10:00:00Z");

describe("a birthday as the member gives it", () => {
  it("takes a month and a day, and a year only when it makes a real past date", () => {
    expect(parseBirthdayInput({ month: 3, day: 14 }, NOW)).toEqual({ month: 3, day: 14, year: null });
    expect(parseBirthdayInput({ month: 2, day: 29 }, NOW)).toEqual({ month: 2, day: 29, year: null });
    expect(parseBirthdayInput({ month: 2, day: 29, year: 2000 }, NOW)).toEqual({ month: 2, day: 29, year: 2000 });
    expect(parseBirthdayInput({ month: 12, day: 31, year: null }, NOW)).toEqual({ month: 12, day: 31, year: null });
  });

  it.each([
    [{ month: 2, day: 30 }],
    [{ month: 4, day: 31 }],
    [{ month: 13, day: 1 }],
    [{ month: 0, day: 10 }],
    [{ month: 6, day: 0 }],
    [{ month: 1.5, day: 3 }],
    [{ month: "03", day: 14 }],
    [{ month: 2, day: 29, year: 2001 }], // not a leap year
    [{ month: 1, day: 1, year: 1899 }],
    [{ month: 12, day: 24, year: 2026 }], // in the future
    [{ month: 1, day: 1, year: 2027 }],
    [{ month: 1, day: 1, year: "1990" }],
  ])("refuses %j", (input) => {
    expect(parseBirthdayInput(input as { month: unknown; day: unknown; year?: unknown }, NOW)).toBeNull();
  });

  it("can be changed again a year after it was last set", () => {
    expect(birthdayChangeableFrom(null, NOW)).toBeNull();
    const set = new Date("2026-03-01T12:00:00Z");
    expect(birthdayChangeableFrom(set, NOW)).toEqual(new Date("2027-03-01T12:00:00Z"));
    expect(birthdayChangeableFrom(set, new Date("2027-03-01T12:00:00Z"))).toBeNull();
    expect(birthdayChangeableFrom(set, new Date("2027-03-01T11:59:59Z"))).not.toBeNull();
  });

  it("goes to Shopify as an ISO date, without a year as --MM-DD", () => {
    expect(birthdayMetafieldValue({ month: 3, day: 4, year: 1990 })).toBe("1990-03-04");
    expect(birthdayMetafieldValue({ month: 12, day: 25, year: null })).toBe("--12-25");
  });
});

describe("which dates a day celebrates", () => {
  it("celebrates 29 February on 28 February in years without it, and on the 29th in leap years", () => {
    expect(yearlyDatesCelebratedOn({ year: 2027, month: 2, day: 28 })).toEqual([{ month: 2, day: 28 }, { month: 2, day: 29 }]);
    expect(yearlyDatesCelebratedOn({ year: 2028, month: 2, day: 28 })).toEqual([{ month: 2, day: 28 }]);
    expect(yearlyDatesCelebratedOn({ year: 2028, month: 2, day: 29 })).toEqual([{ month: 2, day: 29 }]);
    expect(yearlyDatesCelebratedOn({ year: 2100, month: 2, day: 28 })).toEqual([{ month: 2, day: 28 }, { month: 2, day: 29 }]);
    expect(yearlyDatesCelebratedOn({ year: 2027, month: 3, day: 1 })).toEqual([{ month: 3, day: 1 }]);
  });

  it("is the shop's local date: far east and far west of UTC", () => {
    const at = new Date("2026-03-13T20:00:00Z");
    expect(shopDate(at, "Pacific/Kiritimati")).toEqual({ year: 2026, month: 3, day: 14 }); // UTC+14
    expect(shopDate(at, "Pacific/Pago_Pago")).toEqual({ year: 2026, month: 3, day: 13 }); // UTC-11
    expect(shopDate(at, "UTC")).toEqual({ year: 2026, month: 3, day: 13 });
  });

  it("lists the days a sweep has to catch up, at most a few, oldest first", () => {
    expect(datesAfter(null, "2026-03-01", 1)).toEqual(["2026-03-01"]);
    expect(datesAfter("2026-03-01", "2026-03-01", 3)).toEqual([]);
    expect(datesAfter("2026-02-27", "2026-03-01", 3)).toEqual(["2026-02-28", "2026-03-01"]);
    expect(datesAfter("2026-01-01", "2026-03-01", 3)).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });
});

describe("when points expire", () => {
  it("is expiryMonths calendar months after the last activity, as the expiry job counts", () => {
    expect(inactivityExpiryAt(new Date("2025-11-23T09:59:00Z"), 12)).toEqual(new Date("2026-11-23T09:59:00Z"));
    expect(inactivityExpiryAt(new Date("2026-01-31T00:00:00Z"), 1)).toEqual(new Date("2026-03-03T00:00:00Z"));
  });
});
