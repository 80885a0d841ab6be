import { describe, expect, it } from "vitest";
import { formatMultiplier, formatThreshold, parseMultiplierPermille, validateTierSettings, type TierRowInput } from "../../app/loyalty/tiers/settings";

const row = (over: Partial<TierRowInput>): TierRowInput => ({ id: null, name: "Tier", threshold: "0", multiplier: "1", entryPoints: "", birthdayPoints: "", freeShipping: false, ...over });
const ladder = () => [
  row({ id: "t0", name: "Bronze", threshold: "0" }),
  row({ id: "t1", name: "Silver", threshold: "250.00", multiplier: "1.25" }),
  row({ id: "t2", name: "Gold", threshold: "750", multiplier: "1.5", entryPoints: "500", birthdayPoints: "300", freeShipping: true }),
];
const input = (tiers = ladder(), basis = "spend") => ({ basis, period: "calendar_year", keepNextPeriod: true, tiers });

describe("validateTierSettings", () => {
  it("accepts a valid ladder and converts it", () => {
    const result = validateTierSettings(input(), "EUR");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings.tiers.map((t) => [t.name, t.rank, t.threshold, t.multiplierPermille])).toEqual([
      ["Bronze", 0, 0, 1000],
      ["Silver", 1, 25_000, 1250],
      ["Gold", 2, 75_000, 1500],
    ]);
    expect(result.settings.tiers[2]!.perks).toEqual({ entryPoints: 500, birthdayPoints: 300, freeShipping: true, entryGiftRewardId: null, birthdayGiftRewardId: null });
    expect(result.settings.tiers[0]!.perks).toEqual({ entryPoints: 0, birthdayPoints: null, freeShipping: false, entryGiftRewardId: null, birthdayGiftRewardId: null });
  });

  it.each([
    ["empty name", (t: TierRowInput[]) => (t[1]!.name = "  "), "tiers.1.name", "Enter a name"],
    ["long name", (t: TierRowInput[]) => (t[1]!.name = "x".repeat(41)), "tiers.1.name", "Names can be at most 40 characters"],
    ["duplicate name", (t: TierRowInput[]) => (t[2]!.name = "silver"), "tiers.2.name", "Each tier needs its own name"],
    ["first tier not at 0", (t: TierRowInput[]) => (t[0]!.threshold = "10"), "tiers.0.threshold", "The first tier is where every member starts: its threshold must be 0"],
    ["second entry tier", (t: TierRowInput[]) => (t[1]!.threshold = "0"), "tiers.1.threshold", "Only the first tier can start at 0"],
    ["not increasing", (t: TierRowInput[]) => (t[2]!.threshold = "250"), "tiers.2.threshold", "Must be more spend than Silver needs"],
    ["bad amount", (t: TierRowInput[]) => (t[1]!.threshold = "abc"), "tiers.1.threshold", "Enter an amount, e.g. 250.00"],
    ["too many decimals", (t: TierRowInput[]) => (t[1]!.threshold = "250.0015"), "tiers.1.threshold", "EUR amounts have at most 2 decimals"],
    ["multiplier below 1", (t: TierRowInput[]) => (t[1]!.multiplier = "0.5"), "tiers.1.multiplier", "Enter a multiplier from 1.0 to 10.0"],
    ["multiplier above 10", (t: TierRowInput[]) => (t[1]!.multiplier = "10.5"), "tiers.1.multiplier", "Enter a multiplier from 1.0 to 10.0"],
    ["entry points", (t: TierRowInput[]) => (t[1]!.entryPoints = "-1"), "tiers.1.entryPoints", "Enter a whole number of points from 0 to 1,000,000"],
    ["birthday points", (t: TierRowInput[]) => (t[1]!.birthdayPoints = "2000000"), "tiers.1.birthdayPoints", "Enter a whole number of points from 0 to 1,000,000"],
  ])("refuses %s", (_name, mutate, field, message) => {
    const tiers = ladder();
    mutate(tiers);
    const result = validateTierSettings(input(tiers), "EUR");
    expect(result).toEqual({ ok: false, errors: { [field]: message } });
  });

  it("refuses more than 10 tiers, none, and unknown basis or period", () => {
    const many = Array.from({ length: 11 }, (_, i) => row({ name: `T${i}`, threshold: String(i * 10) }));
    expect(validateTierSettings(input(many), "EUR")).toEqual({ ok: false, errors: { tiers: "At most 10 tiers" } });
    expect(validateTierSettings(input([]), "EUR")).toEqual({ ok: false, errors: { tiers: "Add at least one tier" } });
    expect(validateTierSettings({ ...input(), basis: "visits", period: "weekly" }, "EUR")).toEqual({
      ok: false,
      errors: { basis: "Choose what members qualify by", period: "Choose a qualification period" },
    });
  });

  it("reads thresholds in the basis' unit", () => {
    const points = [row({ name: "A", threshold: "0" }), row({ name: "B", threshold: "500" }), row({ name: "C", threshold: "2.5" })];
    expect(validateTierSettings(input(points, "points"), "EUR")).toEqual({ ok: false, errors: { "tiers.2.threshold": "Enter a whole number of points" } });
    points[2]!.threshold = "400";
    expect(validateTierSettings(input(points, "orders"), "EUR")).toEqual({ ok: false, errors: { "tiers.2.threshold": "Must be more orders than B needs" } });
    const yen = validateTierSettings(input([row({ name: "A" }), row({ name: "B", threshold: "25000" })]), "JPY");
    expect(yen.ok && yen.settings.tiers[1]!.threshold).toBe(25_000);
    const typed = validateTierSettings(input([row({ name: "A" }), row({ name: "B", threshold: "1.500,00 €" }), row({ name: "C", threshold: "2 500" })]), "EUR");
    expect(typed.ok && typed.settings.tiers.map((t) => t.threshold)).toEqual([0, 150_000, 250_000]);
    expect(validateTierSettings(input([row({ name: "A" }), row({ name: "B", threshold: "-5" })]), "EUR")).toEqual({ ok: false, errors: { "tiers.1.threshold": "The amount can't be negative" } });
  });

  it("formats for the editor", () => {
    expect(parseMultiplierPermille("1,25")).toBe(1250);
    expect(parseMultiplierPermille("2")).toBe(2000);
    expect(parseMultiplierPermille("1.2345")).toBeNull();
    expect(formatMultiplier(1250)).toBe("1.25");
    expect(formatThreshold(25_000, "spend", "EUR")).toBe("250.00");
    expect(formatThreshold(12, "orders", "EUR")).toBe("12");
  });
});
