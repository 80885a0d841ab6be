import { beforeAll, describe, expect, it } from "vitest";
import { claimAction } from "../../../app/loyalty/earn/claim.server";
import { verifyLedger } from "../../../app/loyalty/ledger/append.server";
import { RedeemError } from "../../../app/loyalty/rewards/redemptions.server";
import { LOCAL_SHOP } from "../../../app/shopify/admin.server";
import { useLocalAdminShop, useTestDatabase } from "../../db";
import { useTestServer } from "../../http";
import { adjustPoints, customerCreated, gidOf, member, orderPaid, redeem, saveLadder, saveReward, saveRule, widget } from "./setup";

// 100% Pure's program, as its merchant sets it up and its shoppers live it: 50 points for
// joining, 10 for a review, 20 for a social follow; 1 point per $1; tiers at $0, $250 and
// $750 a calendar year; and one reward whose terms depend on the tier: 200 points buy 15 %
// off for Silver and $20 off for Gold (docs/decisions/0032).

const { db } = useTestDatabase();
const { server } = useTestServer();
let shopId = "";
let rewardId = "";
let followRuleId = "";

useLocalAdminShop(db, async (id) => {
  shopId = id;
  // The shop's currency is Shopify's fact about the store, not a program setting.
  await db().shop.update({ where: { id }, data: { currencyCode: "USD" } });
});

beforeAll(async () => {
  const signup = await db().earningRule.findFirstOrThrow({ where: { shopId, type: "signup" } });
  await saveRule(signup.id, { type: "signup", name: "Join 100% Pure", points: "50", enabled: "true" });
  await saveRule("new", { type: "review", points: "10", limit: "unlimited", enabled: "true" });
  followRuleId = (await saveRule("new", { type: "social_follow", network: "instagram", url: "https://www.instagram.com/100percentpure/", points: "20", limit: "once", enabled: "true" })).id;
  await saveLadder(
    [
      { name: "Pure", threshold: "0", multiplier: "1" },
      { name: "Silver", threshold: "250.00", multiplier: "1" },
      { name: "Gold", threshold: "750.00", multiplier: "1" },
    ],
    { basis: "spend", period: "calendar_year" },
  );
  rewardId = await saveReward("new", {
    type: "percent_off",
    name: "200 points reward",
    pointsCost: "200",
    percentOff: "15",
    minTierRank: "1",
    enabled: "true",
    tierVariants: JSON.stringify([{ rank: "2", pointsCost: "", type: "amount_off", value: "20.00", percentOff: "" }]),
  });
});

describe("100% Pure", () => {
  it("is configured as the merchant set it", async () => {
    const rules = await db().earningRule.findMany({ where: { shopId, enabled: true }, orderBy: { createdAt: "asc" } });
    expect(rules.map((r) => [r.type, r.points])).toEqual([
      ["purchase", 1],
      ["signup", 50],
      ["review", 10],
      ["social_follow", 20],
    ]);
    const tiers = await db().tier.findMany({ where: { shopId }, orderBy: { rank: "asc" } });
    expect(tiers.map((t) => [t.name, Number(t.thresholdMinor), t.multiplierPermille])).toEqual([
      ["Pure", 0, 1000],
      ["Silver", 25_000, 1000],
      ["Gold", 75_000, 1000],
    ]);
    const reward = await db().reward.findUniqueOrThrow({ where: { id: rewardId } });
    expect(reward).toMatchObject({ type: "percent_off", pointsCost: 200, percentOff: 15, minTierRank: 1, maxTierRank: null });
    expect(JSON.parse(reward.config)).toEqual({ tierVariants: [{ rank: 2, type: "amount_off", valueMinor: 2000 }] });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { shopId, action: "reward.created", subjectId: rewardId } });
    expect(audit.after).toContain("tierVariants");
  });

  it("earns for joining, a follow and a review; climbs to Silver and Gold by spend; and the same 200 points buy 15 % off, then $20 off", async () => {
    const base = server().url;
    const customer = "8100000001";
    await customerCreated(base, customer);
    expect((await member(db(), customer)).points).toBe(50);

    await claimAction({ shopDomain: LOCAL_SHOP, customerGid: gidOf(customer), ruleType: "social_follow", ruleId: followRuleId }, db());
    const m = await member(db(), customer);
    await adjustPoints(m.id, 10, "Review of the Coffee Bean Eye Cream");
    expect((await member(db(), customer)).points).toBe(80);

    // Pure: the reward is shown, locked until Silver.
    let view = await widget(db(), customer);
    expect(view.rewards.find((r) => r.id === rewardId)).toMatchObject({ type: "percent_off", percentOff: 15, pointsCost: 200, redeemable: false, reason: "tier_required", minTierName: "Silver" });
    await expect(redeem(db(), customer, rewardId)).rejects.toMatchObject({ code: "tier_required" });

    // $300 this year: Silver, 300 points.
    await orderPaid(base, { id: "8200000001", customerId: customer, lines: [{ price: "300.00" }] });
    expect(await member(db(), customer)).toMatchObject({ points: 380, tier: { name: "Silver" } });
    view = await widget(db(), customer);
    expect(view.rewards.find((r) => r.id === rewardId)).toMatchObject({ type: "percent_off", percentOff: 15, valueMinor: null, pointsCost: 200, redeemable: true });
    const silver = await redeem(db(), customer, rewardId);
    expect(silver.discount).toMatchObject({ kind: "percent", percentage: 0.15, amount: null, customerGid: gidOf(customer) });
    expect((await member(db(), customer)).points).toBe(180);

    // $500 more: $800 this year, Gold. The same reward is now $20 off.
    await orderPaid(base, { id: "8200000002", customerId: customer, lines: [{ price: "500.00" }] });
    expect(await member(db(), customer)).toMatchObject({ points: 680, tier: { name: "Gold" } });
    view = await widget(db(), customer);
    expect(view.rewards.find((r) => r.id === rewardId)).toMatchObject({ type: "amount_off", valueMinor: 2000, percentOff: null, pointsCost: 200, redeemable: true });
    const gold = await redeem(db(), customer, rewardId);
    expect(gold.discount).toMatchObject({ kind: "amount", amount: "20.00", percentage: null });
    expect(gold.view.rewardName).toBe("200 points reward");
    expect((await member(db(), customer)).points).toBe(480);

    const ledger = await db().ledgerEntry.findMany({ where: { memberId: m.id }, orderBy: { createdAt: "asc" } });
    expect(ledger.map((e) => [e.kind, e.delta])).toEqual([
      ["signup_bonus", 50],
      ["action_bonus", 20],
      ["manual_adjustment", 10],
      ["order_earned", 300],
      ["redeemed", -200],
      ["order_earned", 500],
      ["redeemed", -200],
    ]);
    expect(await verifyLedger(db(), shopId)).toEqual([]);
  });

  it("a guest sees the reward's own terms; a Pure member cannot redeem it at any price", async () => {
    const view = await widget(db(), null);
    expect(view.rewards.find((r) => r.id === rewardId)).toMatchObject({ type: "percent_off", percentOff: 15, reason: "not_a_member" });
    const customer = "8100000002";
    await customerCreated(server().url, customer);
    await adjustPoints((await member(db(), customer)).id, 500, "Goodwill");
    const refused = await redeem(db(), customer, rewardId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RedeemError);
    expect(refused).toMatchObject({ code: "tier_required", details: { minTierRank: 1 } });
    expect((await member(db(), customer)).points).toBe(550);
  });
});
