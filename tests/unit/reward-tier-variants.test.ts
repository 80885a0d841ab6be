import { describe, expect, it } from "vitest";
import { checkRedeemable, type RewardDef } from "../../app/loyalty/rewards/rewards";
import { rewardForTier, variantForRank } from "../../app/loyalty/rewards/tier-variants";
import { addMonths, membershipHolds, membershipTierForLine, PAID_TIER_GRACE_DAYS } from "../../app/loyalty/tiers/paid";
import { decideTier, qualifyingTier } from "../../app/loyalty/tiers/rules";

// Rewards by tier and paid tiers, the pure parts (docs/decisions/0032).

const reward: RewardDef = {
  id: "r",
  type: "percent_off",
  name: "Tier reward",
  pointsCost: 200,
  valueMinor: null,
  percentOff: 15,
  minOrderMinor: null,
  expiryDays: null,
  minTierRank: null,
  maxTierRank: null,
  productVariantGid: null,
  enabled: true,
  tierVariants: [
    { rank: 2, pointsCost: 300, type: "amount_off", valueMinor: 2000 },
    { rank: 4, percentOff: 30 },
  ],
};

describe("rewardForTier", () => {
  it("applies the highest variant at or below the member's tier, and nothing without a tier", () => {
    expect(variantForRank(reward.tierVariants, null)).toBeNull();
    expect(rewardForTier(reward, null)).toBe(reward);
    expect(rewardForTier(reward, 1)).toMatchObject({ type: "percent_off", percentOff: 15, pointsCost: 200 });
    expect(rewardForTier(reward, 2)).toMatchObject({ type: "amount_off", valueMinor: 2000, percentOff: null, pointsCost: 300 });
    expect(rewardForTier(reward, 3)).toMatchObject({ type: "amount_off", valueMinor: 2000, pointsCost: 300 });
    // Same type as the reward: only the percentage changes; the cost is the reward's.
    expect(rewardForTier(reward, 4)).toMatchObject({ type: "percent_off", percentOff: 30, pointsCost: 200 });
  });

  it("ignores a variant that does not fit the reward (never half-applied)", () => {
    const credit: RewardDef = { ...reward, type: "store_credit", percentOff: null, valueMinor: 500, tierVariants: [{ rank: 1, type: "amount_off", valueMinor: 900 }, { rank: 2, type: "percent_off" }] };
    expect(rewardForTier(credit, 1)).toBe(credit);
    expect(rewardForTier({ ...reward, tierVariants: [{ rank: 1, type: "amount_off" }] }, 1)).toMatchObject({ type: "percent_off", percentOff: 15 });
  });

  it("a maximum tier refuses the tiers above it but not a member without a tier", () => {
    const capped = { ...reward, maxTierRank: 1 };
    expect(checkRedeemable(capped, { points: 1000, tierRank: 1 })).toBeNull();
    expect(checkRedeemable(capped, { points: 1000, tierRank: 2 })).toEqual({ code: "tier_too_high", maxTierRank: 1 });
    expect(checkRedeemable(capped, { points: 1000, tierRank: null })).toBeNull();
  });
});

describe("paid tiers", () => {
  const tiers = [
    { name: "Onyx", rank: 0, thresholdMinor: 0, perks: {} },
    { name: "Gold", rank: 1, thresholdMinor: 100, perks: { membership: { productGids: ["gid://shopify/Product/1"], variantGids: [], months: 1, paidOnly: true } } },
  ];

  it("spend never qualifies for a paid-only tier; a line of its product buys it", () => {
    expect(qualifyingTier(tiers, 1_000_000)?.name).toBe("Onyx");
    expect(membershipTierForLine(tiers, { lineItemId: "1", productGid: "gid://shopify/Product/1", variantGid: null })?.name).toBe("Gold");
    expect(membershipTierForLine(tiers, { lineItemId: "1", productGid: "gid://shopify/Product/2", variantGid: null })).toBeNull();
  });

  it("months end on the same day, clamped to the month's end; a membership holds through its grace", () => {
    expect(addMonths(new Date("2026-01-31T10:00:00Z"), 1).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(addMonths(new Date("2026-11-15T10:00:00Z"), 12).toISOString()).toBe("2027-11-15T10:00:00.000Z");
    const m = { endedAt: null, startsAt: new Date("2026-01-01T00:00:00Z"), endsAt: new Date("2026-02-01T00:00:00Z") };
    expect(membershipHolds(m, new Date(m.endsAt.getTime() + (PAID_TIER_GRACE_DAYS - 1) * 86_400_000))).toBe(true);
    expect(membershipHolds(m, new Date(m.endsAt.getTime() + PAID_TIER_GRACE_DAYS * 86_400_000))).toBe(false);
    expect(membershipHolds({ ...m, endedAt: new Date("2026-01-10T00:00:00Z") }, new Date("2026-01-11T00:00:00Z"))).toBe(false);
  });

  it("the review keeps a running paid tier, moves up into one, and reviews at once when it ran out", () => {
    const input = { qualifiedRank: 0, previousRank: 0, manual: "none" as const, keepNextPeriod: false, period: "calendar_year" as const, heldRecently: false };
    expect(decideTier({ ...input, currentRank: 1, demotionsAllowed: true, paidRank: 1 })).toEqual({ change: "none", rank: 1, clearManual: false });
    expect(decideTier({ ...input, currentRank: 0, demotionsAllowed: false, paidRank: 1 })).toEqual({ change: "up", rank: 1, clearManual: false });
    expect(decideTier({ ...input, currentRank: 1, demotionsAllowed: false, paidExpired: true })).toEqual({ change: "down", rank: 0, clearManual: false });
    // Without a membership and without a review, nothing moves.
    expect(decideTier({ ...input, currentRank: 1, demotionsAllowed: false })).toEqual({ change: "none", rank: 1, clearManual: false });
  });
});
