import { describe, expect, it } from "vitest";
import { DEFAULT_TIERS, STARTER_REWARD, roundNice, scaledDefaultMinor, tierThresholdMinor, unitsPerEuro } from "../../app/loyalty/program/defaults";

// A new program's amounts in the shop's currency: euro-like currencies keep the ladder's
// numbers; others are scaled by a rounded factor and rounded to two significant digits.

const thresholds = (currency: string) => DEFAULT_TIERS.map((t) => tierThresholdMinor(t, currency));

describe("new program defaults per currency", () => {
  it("keeps 0 / 250 / 750 / 1,500 in euro-like currencies, in minor units", () => {
    expect(thresholds("EUR")).toEqual([0, 25_000, 75_000, 150_000]);
    expect(thresholds("USD")).toEqual([0, 25_000, 75_000, 150_000]);
  });

  it("scales zero-decimal and three-decimal currencies to amounts that mean something there", () => {
    expect(thresholds("JPY")).toEqual([0, 40_000, 120_000, 240_000]); // not ¥250 for Silver
    expect(thresholds("KRW")).toEqual([0, 380_000, 1_100_000, 2_300_000]);
    expect(thresholds("SEK")).toEqual([0, 280_000, 830_000, 1_700_000]); // 2,800 kr for Silver, in öre
    expect(thresholds("KWD")).toEqual([0, 250_000, 750_000, 1_500_000]); // not listed: euro-like, 3 decimals
  });

  it("rounds to two significant digits and knows currencies in any case", () => {
    expect([roundNice(2875), roundNice(40_000), roundNice(375), roundNice(7.5), roundNice(0)]).toEqual([2900, 40_000, 380, 8, 0]);
    expect(unitsPerEuro("jpy")).toBe(160);
    expect(unitsPerEuro("XYZ")).toBe(1);
  });

  it("the starter reward is 5 € off or its equivalent", () => {
    expect(scaledDefaultMinor(STARTER_REWARD.euros, "EUR")).toBe(500);
    expect(scaledDefaultMinor(STARTER_REWARD.euros, "JPY")).toBe(800);
    expect(scaledDefaultMinor(STARTER_REWARD.euros, "HUF")).toBe(2_000); // Kanta keeps forint in whole units
  });
});
