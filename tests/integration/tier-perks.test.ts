import { randomUUID } from "node:crypto";
import { runDateSweeps } from "../../app/loyalty/dates/sweeps.server";
import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { getEmulator } from "../../app/local/emulator.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { createReward } from "../factories";
import { customerPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// Tier perks as the shopper meets them through the app proxy: tier-only rewards (locked
// with the tier's name, refused at redemption), the birthday bonus per tier, and the tier
// card's numbers for the other bases and periods.

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

let seq = 0;

async function setup() {
  const shop = await createTestShop(db());
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  await db().tier.update({ where: { id: tiers[2]!.id }, data: { perks: JSON.stringify({ birthdayPoints: 500, freeShipping: true, entryPoints: 250 }) } });
  const customerId = String(9_300_000_000 + ++seq);
  await sendWebhook(server().url, "customers/create", shop.domain, customerPayload({ id: customerId }));
  await getJobRunner().idle();
  const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: `gid://shopify/Customer/${customerId}` } });
  return { shop, tiers, customerId, member };
}

const query = (shop: string, customerId: string) => signProxyQuery({ shop, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, TEST_SECRET);
const view = async (shop: string, customerId: string) => (await fetch(`${server().url}/proxy/customer?${query(shop, customerId)}`)).json();
const post = (shop: string, customerId: string, path: string, body: unknown) =>
  fetch(`${server().url}/proxy/${path}?${query(shop, customerId)}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("tier perks on the storefront", () => {
  it("locks a tier-only reward with the tier's name, refuses redeeming it below the tier, allows it at the tier", async () => {
    const { shop, tiers, customerId, member } = await setup();
    const reward = await createReward(db(), shop.id, "amount_off", { name: "Gold gift", pointsCost: 50, valueMinor: 1000n, minTierRank: 2 });
    const before = await view(shop.domain, customerId);
    expect(before.rewards.find((r: { id: string }) => r.id === reward.id)).toMatchObject({ redeemable: false, reason: "tier_required", minTierRank: 2, minTierName: "Gold" });

    const refused = await post(shop.domain, customerId, "redeem", { rewardId: reward.id, requestId: randomUUID() });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: "tier_required" });
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(100);

    await db().member.update({ where: { id: member.id }, data: { tierId: tiers[3]!.id } }); // Platinum: above Gold
    const redeemed = await post(shop.domain, customerId, "redeem", { rewardId: reward.id, requestId: randomUUID() });
    expect(redeemed.status).toBe(200);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(50);
  });

  it("pays a tier's birthday points instead of the rule's, and shows them", async () => {
    const { shop, tiers, customerId, member } = await setup();
    const rule = await db().earningRule.create({ data: { shopId: shop.id, type: "birthday", name: "Birthday bonus", points: 100, limit: "once_per_year" } });
    const bronze = await setup();
    await db().earningRule.create({ data: { shopId: bronze.shop.id, type: "birthday", name: "Birthday bonus", points: 100, limit: "once_per_year" } });
    const bronzeRule = await db().earningRule.findFirstOrThrow({ where: { shopId: bronze.shop.id, type: "birthday" } });

    await db().member.update({ where: { id: member.id }, data: { tierId: tiers[2]!.id } });
    const way = (v: { ways: { type: string; points: number }[] }) => v.ways.find((w) => w.type === "birthday")?.points;
    expect(way(await view(shop.domain, customerId))).toBe(500);
    expect(way(await view(bronze.shop.domain, bronze.customerId))).toBe(100);

    // On the day (0023): the tier's birthday points for the Gold member, the rule's for Bronze; once a year.
    const set = new Date("2026-01-01T00:00:00Z");
    await db().member.update({ where: { id: member.id }, data: { birthMonth: 3, birthDay: 14, birthdaySetAt: set } });
    await db().member.update({ where: { id: bronze.member.id }, data: { birthMonth: 3, birthDay: 14, birthdaySetAt: set } });
    for (const s of [shop, bronze.shop]) {
      await runDateSweeps(db(), { now: new Date("2026-03-14T09:00:00Z"), shopId: s.id });
      await runDateSweeps(db(), { now: new Date("2026-03-14T10:00:00Z"), shopId: s.id });
    }
    const points = async (id: string) => (await db().member.findUniqueOrThrow({ where: { id } })).points;
    expect(await points(member.id)).toBe(600);
    expect(await points(bronze.member.id)).toBe(200);
    expect(rule.id).not.toBe(bronzeRule.id);
  });

  it("gives the tier card in the basis' unit, without a period end for rolling windows, and the benefits table", async () => {
    const { shop, tiers, customerId } = await setup();
    await db().program.update({ where: { shopId: shop.id }, data: { tierBasis: "points", tierPeriod: "rolling_12_months" } });
    for (const [i, threshold] of [0, 300, 1000, 5000].entries()) await db().tier.update({ where: { id: tiers[i]!.id }, data: { thresholdMinor: BigInt(threshold) } });
    const body = await view(shop.domain, customerId);
    expect(body.customer.tier).toEqual({
      name: "Bronze",
      rank: 0,
      next: { name: "Silver", remainingMinor: 200, remaining: 200 },
      spendMinor: null,
      progress: 100,
      basis: "points",
      period: "rolling_12_months",
      periodEnd: null,
    });
    expect(body.tiers.basis).toBe("points");
    expect(body.tiers.list[2]).toEqual({
      name: "Gold",
      rank: 2,
      threshold: 1000,
      multiplierPermille: 1500,
      perks: { entryPoints: 250, birthdayPoints: 500, freeShipping: true },
      // Not a paid tier (docs/decisions/0032); a paid one's products never reach the storefront.
      paid: false,
      paidOnly: false,
    });
    // Guests see the table too.
    const guest = await (await fetch(`${server().url}/proxy/customer?${signProxyQuery({ shop: shop.domain, logged_in_customer_id: "", path_prefix: "/apps/kanta" }, TEST_SECRET)}`)).json();
    expect(guest.tiers.list.map((t: { name: string }) => t.name)).toEqual(["Bronze", "Silver", "Gold", "Platinum"]);
  });
});
