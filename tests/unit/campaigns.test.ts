import { describe, expect, it } from "vitest";
import { campaignMultiplierPermille, computeEarnMultiplierPermille, parseTierRanks } from "../../app/loyalty/earn/campaigns";

const weekend = { multiplierPermille: 2000, startsAt: new Date("2026-11-28T00:00:00Z"), endsAt: new Date("2026-11-30T00:00:00Z"), tierRanks: "" };

describe("campaignMultiplierPermille", () => {
  it("applies from startsAt (inclusive) to endsAt (exclusive)", () => {
    expect(campaignMultiplierPermille([weekend], new Date("2026-11-27T23:59:59.999Z"), 0)).toBe(1000);
    expect(campaignMultiplierPermille([weekend], new Date("2026-11-28T00:00:00Z"), 0)).toBe(2000);
    expect(campaignMultiplierPermille([weekend], new Date("2026-11-29T23:59:59.999Z"), null)).toBe(2000);
    expect(campaignMultiplierPermille([weekend], new Date("2026-11-30T00:00:00Z"), 0)).toBe(1000);
  });

  it("takes the single best campaign running: overlapping campaigns never stack", () => {
    const gold = { ...weekend, multiplierPermille: 1500, tierRanks: "2,3" };
    const at = new Date("2026-11-28T12:00:00Z");
    expect(campaignMultiplierPermille([gold, weekend], at, 2)).toBe(2000);
    expect(campaignMultiplierPermille([gold, { ...weekend, multiplierPermille: 1200 }], at, 2)).toBe(1500);
  });

  it("limits campaigns to their tiers, and skips disabled ones", () => {
    const at = new Date("2026-11-28T12:00:00Z");
    const gold = { ...weekend, tierRanks: [2, 3] as const };
    expect(campaignMultiplierPermille([gold], at, 2)).toBe(2000);
    expect(campaignMultiplierPermille([gold], at, 1)).toBe(1000);
    expect(campaignMultiplierPermille([gold], at, null)).toBe(1000);
    expect(campaignMultiplierPermille([{ ...weekend, enabled: false }], at, 0)).toBe(1000);
    expect(parseTierRanks(" 1, x, 3")).toEqual([1, 3]);
    expect(parseTierRanks("")).toEqual([]);
    expect(parseTierRanks(null)).toEqual([]);
    expect(parseTierRanks("3,1,3")).toEqual([1, 3]);
    expect(parseTierRanks([2, -1, 1.5, 2])).toEqual([2]);
  });
});

describe("computeEarnMultiplierPermille (0008)", () => {
  const at = new Date("2026-11-28T12:00:00Z");
  it("multiplies tier by the best campaign, rounding down at each step", () => {
    expect(computeEarnMultiplierPermille(1500, [weekend], at, 2)).toBe(3000);
    expect(computeEarnMultiplierPermille(1250, [{ ...weekend, multiplierPermille: 1500 }], at, 1)).toBe(1875);
    expect(computeEarnMultiplierPermille(1333, [{ ...weekend, multiplierPermille: 1500 }], at, 1)).toBe(1999);
    expect(computeEarnMultiplierPermille(1000, [], at, 0)).toBe(1000);
    expect(computeEarnMultiplierPermille(0, [], at, null)).toBe(1000);
  });
});
