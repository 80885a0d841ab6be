import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { parseRewardForm, saveReward } from "../../app/loyalty/rewards/admin.server";
import { redeemReward, type IssueDiscount } from "../../app/loyalty/rewards/redemptions.server";
import type { DiscountSpec } from "../../app/loyalty/rewards/rewards";
import { getCustomerView } from "../../app/loyalty/storefront/customer-view.server";
import { getPosMemberView, redeemAtPos } from "../../app/loyalty/pos/pos.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, createReward, customerGid, nextCustomerId } from "../factories";

// Rewards by tier at redemption (docs/decisions/0032): a maximum tier, and per-tier
// variants of cost and value, decided by the server from the member's stored tier, in
// the widget, at redemption and in POS.

const { db } = useTestDatabase();

async function shopWithLadder() {
  const shop = await createTestShop(db());
  const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  expect(tiers.map((t) => t.name)).toEqual(["Bronze", "Silver", "Gold", "Platinum"]);
  return { shop, tiers };
}

async function memberIn(shopId: string, tierId: string, points: number) {
  return createMember(db(), shopId, { customerGid: customerGid(nextCustomerId()), tierId }, { points });
}

function recorder() {
  const asked: DiscountSpec[] = [];
  const issue: IssueDiscount = async (spec) => {
    asked.push(spec);
    return { discountGid: `gid://shopify/DiscountCodeNode/${asked.length}`, code: spec.code };
  };
  return { asked, issue };
}

const redeem = (shop: string, gid: string, rewardId: string, issue: IssueDiscount) => redeemReward({ shopDomain: shop, customerGid: gid, rewardId, requestId: randomUUID() }, issue, db());

// Bronze and Silver: 200 points for 15 % off. Gold (and Platinum, above it): 300 points for $20 off.
const VARIANTS = JSON.stringify({ tierVariants: [{ rank: 2, pointsCost: 300, type: "amount_off", valueMinor: 2000 }] });

describe("a maximum tier", () => {
  it("is hidden from higher tiers and refused at redemption, with no points taken", async () => {
    const { shop, tiers } = await shopWithLadder();
    const welcome = await createReward(db(), shop.id, "percent_off", { name: "Welcome 10 %", pointsCost: 100, percentOff: 10, maxTierRank: 0 });
    const bronze = await memberIn(shop.id, tiers[0]!.id, 500);
    const silver = await memberIn(shop.id, tiers[1]!.id, 500);
    const { asked, issue } = recorder();

    expect((await getCustomerView(shop.domain, silver.customerGid, db())).rewards.map((r) => r.id)).not.toContain(welcome.id);
    expect((await getCustomerView(shop.domain, bronze.customerGid, db())).rewards.find((r) => r.id === welcome.id)).toMatchObject({ redeemable: true });
    expect((await getPosMemberView(shop.domain, silver.customerGid, db())).rewards.map((r) => r.id)).not.toContain(welcome.id);

    await expect(redeem(shop.domain, silver.customerGid, welcome.id, issue)).rejects.toMatchObject({ code: "tier_too_high", details: { maxTierRank: 0 } });
    await expect(redeemAtPos({ shopDomain: shop.domain, customerGid: silver.customerGid, rewardId: welcome.id, requestId: randomUUID(), staff: { id: "1", name: "Staff" } }, issue, {}, db())).rejects.toMatchObject({ code: "tier_too_high" });
    expect(asked).toHaveLength(0);
    expect((await db().member.findUniqueOrThrow({ where: { id: silver.id } })).points).toBe(500);
    expect(await db().redemption.count({ where: { memberId: silver.id } })).toBe(0);

    await redeem(shop.domain, bronze.customerGid, welcome.id, issue);
    expect(asked[0]).toMatchObject({ kind: "percent", percentage: 0.1 });
  });
});

describe("per-tier variants", () => {
  it("each tier sees and gets its own terms; a higher tier inherits the variant below it", async () => {
    const { shop, tiers } = await shopWithLadder();
    const reward = await createReward(db(), shop.id, "percent_off", { name: "Tier reward", pointsCost: 200, percentOff: 15, config: VARIANTS });
    const silver = await memberIn(shop.id, tiers[1]!.id, 1000);
    const gold = await memberIn(shop.id, tiers[2]!.id, 1000);
    const platinum = await memberIn(shop.id, tiers[3]!.id, 1000);
    const { asked, issue } = recorder();

    const seen = async (gid: string) => (await getCustomerView(shop.domain, gid, db())).rewards.find((r) => r.id === reward.id);
    expect(await seen(silver.customerGid)).toMatchObject({ type: "percent_off", percentOff: 15, valueMinor: null, pointsCost: 200 });
    expect(await seen(gold.customerGid)).toMatchObject({ type: "amount_off", percentOff: null, valueMinor: 2000, pointsCost: 300 });
    expect(await seen(platinum.customerGid)).toMatchObject({ type: "amount_off", valueMinor: 2000, pointsCost: 300 });
    expect((await getPosMemberView(shop.domain, gold.customerGid, db())).rewards.find((r) => r.id === reward.id)).toMatchObject({ value: "20.00 EUR off", pointsCost: 300 });

    await redeem(shop.domain, silver.customerGid, reward.id, issue);
    await redeem(shop.domain, gold.customerGid, reward.id, issue);
    await redeem(shop.domain, platinum.customerGid, reward.id, issue);
    expect(asked.map((a) => [a.kind, a.percentage, a.amount])).toEqual([
      ["percent", 0.15, null],
      ["amount", null, "20.00"],
      ["amount", null, "20.00"],
    ]);
    const spent = await db().redemption.findMany({ where: { rewardId: reward.id }, orderBy: { createdAt: "asc" }, select: { memberId: true, pointsSpent: true } });
    expect(spent.map((r) => [r.memberId, r.pointsSpent])).toEqual([
      [silver.id, 200],
      [gold.id, 300],
      [platinum.id, 300],
    ]);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("charges the tier's cost: a Gold member with the Silver price in points is refused", async () => {
    const { shop, tiers } = await shopWithLadder();
    const reward = await createReward(db(), shop.id, "percent_off", { name: "Tier reward", pointsCost: 200, percentOff: 15, config: VARIANTS });
    const gold = await memberIn(shop.id, tiers[2]!.id, 250);
    const { asked, issue } = recorder();
    expect((await getCustomerView(shop.domain, gold.customerGid, db())).rewards.find((r) => r.id === reward.id)).toMatchObject({ redeemable: false, reason: "insufficient_points", neededPoints: 50 });
    await expect(redeem(shop.domain, gold.customerGid, reward.id, issue)).rejects.toMatchObject({ code: "insufficient_points", details: { needed: 50 } });
    expect(asked).toHaveLength(0);
    expect((await db().member.findUniqueOrThrow({ where: { id: gold.id } })).points).toBe(250);
  });

  it("follows the tier stored at redemption, not the one the widget showed", async () => {
    const { shop, tiers } = await shopWithLadder();
    const reward = await createReward(db(), shop.id, "percent_off", { name: "Tier reward", pointsCost: 200, percentOff: 15, config: VARIANTS });
    const member = await memberIn(shop.id, tiers[1]!.id, 1000);
    expect((await getCustomerView(shop.domain, member.customerGid, db())).rewards.find((r) => r.id === reward.id)).toMatchObject({ percentOff: 15 });
    // Moved up to Gold between the widget's view and the click.
    await db().member.update({ where: { id: member.id }, data: { tierId: tiers[2]!.id } });
    const { asked, issue } = recorder();
    await redeem(shop.domain, member.customerGid, reward.id, issue);
    expect(asked[0]).toMatchObject({ kind: "amount", amount: "20.00" });
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(700);
  });
});

describe("the reward editor's tier fields", () => {
  const shopCtx = { currencyCode: "EUR", tierRanks: [0, 1, 2, 3], tiers: [{ name: "Bronze", rank: 0 }, { name: "Silver", rank: 1 }, { name: "Gold", rank: 2 }, { name: "Platinum", rank: 3 }] };
  const base = { type: "percent_off", name: "Tier reward", pointsCost: "200", percentOff: "15", enabled: "true" };
  const row = (rank: number, fields: Record<string, string>) => ({ rank: String(rank), pointsCost: "", type: "", value: "", percentOff: "", ...fields });

  it("reads min/max tiers and the table, and refuses what cannot work, each on its field", () => {
    const ok = parseRewardForm({ ...base, minTierRank: "1", maxTierRank: "3", tierVariants: JSON.stringify([row(1, {}), row(2, { type: "amount_off", value: "20,00", pointsCost: "300" }), row(3, { percentOff: "25" })]) }, shopCtx);
    expect(ok).toMatchObject({ ok: true, data: { minTierRank: 1, maxTierRank: 3 } });
    if (!ok.ok) return;
    expect(JSON.parse(ok.data.config)).toEqual({ tierVariants: [{ rank: 2, pointsCost: 300, type: "amount_off", valueMinor: 2000 }, { rank: 3, percentOff: 25 }] });

    const bad = (fields: Record<string, unknown>) => {
      const r = parseRewardForm({ ...base, ...fields }, shopCtx);
      return r.ok ? null : r.errors;
    };
    expect(bad({ minTierRank: "2", maxTierRank: "1" })).toEqual({ maxTierRank: "The highest tier can't be below the lowest" });
    expect(bad({ maxTierRank: "9" })).toEqual({ maxTierRank: "Choose one of your tiers" });
    expect(bad({ tierVariants: JSON.stringify([row(2, { type: "amount_off" })]) })).toEqual({ tierVariants: "Gold: enter the amount" });
    expect(bad({ tierVariants: JSON.stringify([row(2, { type: "free_product" })]) })).toEqual({ tierVariants: "Gold: choose a reward this one can become" });
    expect(bad({ tierVariants: JSON.stringify([row(2, { percentOff: "101" })]) })).toEqual({ tierVariants: "Gold: the percentage must be from 1 to 100" });
    expect(bad({ tierVariants: JSON.stringify([row(2, { pointsCost: "0" })]) })).toEqual({ tierVariants: "Gold: the cost must be a whole number of points from 1 to 1,000,000" });
    expect(bad({ tierVariants: JSON.stringify([row(7, { pointsCost: "10" })]) })).toEqual({ tierVariants: "Choose one of your tiers in the tier table" });
    expect(bad({ tierVariants: "{not json" })).toEqual({ tierVariants: "The tier table could not be read: reload the page" });
    expect(bad({ type: "points_to_money", pointsPerUnit: "100", unitAmount: "1", tierVariants: JSON.stringify([row(2, { pointsCost: "50" })]) })).toEqual({ tierVariants: "This type of reward can't differ per tier" });
  });

  it("audits the change of tiers and variants", async () => {
    const { shop } = await shopWithLadder();
    const parsed = parseRewardForm({ ...base, tierVariants: JSON.stringify([row(2, { percentOff: "20" })]) }, shopCtx);
    if (!parsed.ok) throw new Error("not parsed");
    const id = await saveReward(shop.domain, "new", parsed.data, db());
    const next = parseRewardForm({ ...base, maxTierRank: "2", tierVariants: JSON.stringify([row(2, { percentOff: "25" })]) }, shopCtx);
    if (!next.ok) throw new Error("not parsed");
    await saveReward(shop.domain, id, next.data, db());
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId: shop.id, action: "reward.updated", subjectId: id } });
    expect(JSON.parse(audit.before!)).toMatchObject({ maxTierRank: null, config: JSON.stringify({ tierVariants: [{ rank: 2, percentOff: 20 }] }) });
    expect(JSON.parse(audit.after!)).toMatchObject({ maxTierRank: 2, config: JSON.stringify({ tierVariants: [{ rank: 2, percentOff: 25 }] }) });
  });
});
