import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { redeemReward } from "../../app/loyalty/rewards/redemptions.server";
import { getEmulator } from "../../app/local/emulator.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, createReward, customerGid } from "../factories";
import { TEST_SECRET, useLocalModeEnv, useTestServer } from "../http";

// Points-to-money rewards through POST /apps/kanta/redeem: the shopper chooses how many
// points to spend (whole steps of the rate), and gets a code for exactly that amount, with
// the same request-id idempotency and conditional debit as every other reward (0005).

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();
afterAll(() => {
  delete process.env.KANTA_REDEEM_RATE_LIMIT;
});

let seq = 0;
async function shopWithMember(balance: number, rate = { pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 as number | null }) {
  const shop = await createTestShop(db());
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const customerId = String(820982911946160000n + BigInt(++seq));
  const member = await createMember(db(), shop.id, { customerGid: customerGid(customerId), firstName: "Pia" }, { points: balance });
  const reward = await createReward(db(), shop.id, "points_to_money", { pointsCost: rate.pointsPerUnit, expiryDays: 30, minOrderMinor: 1000n, config: JSON.stringify(rate) });
  return { shop, customerId, member, reward };
}

function redeem(shop: string, customerId: string, body: unknown) {
  const query = signProxyQuery({ shop, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, TEST_SECRET);
  return fetch(`${server().url}/proxy/redeem?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}
const balance = async (memberId: string) => (await db().member.findUniqueOrThrow({ where: { id: memberId } })).points;

describe("points-to-money rewards", () => {
  it("spends the chosen points for a code worth exactly that amount", async () => {
    const { shop, customerId, member, reward } = await shopWithMember(1250);
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID(), points: 700 });
    expect(response.status).toBe(200);
    const { redemption } = await response.json();
    expect(redemption).toMatchObject({ status: "issued", pointsSpent: 700, rewardName: "Use your points: 7.00 EUR" });
    expect(await balance(member.id)).toBe(550);
    const [discount] = (await getEmulator()).discounts(shop.domain);
    expect(discount!.input).toMatchObject({
      code: redemption.code,
      usageLimit: 1,
      context: { customers: { add: [`gid://shopify/Customer/${customerId}`] } },
      customerGets: { value: { discountAmount: { amount: "7.00", appliesOnEachItem: false } }, items: { all: true } },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "10.00" } },
    });
    const ledger = await db().ledgerEntry.findFirstOrThrow({ where: { memberId: member.id, kind: "redeemed" } });
    expect(ledger).toMatchObject({ delta: -700, note: "Use your points: 7.00 EUR" });
    expect(await verifyLedger(db(), shop.id)).toEqual([]);

    // The widget's view: the rate, and the code under the member's codes.
    const view = await (await fetch(`${server().url}/proxy/customer?${signProxyQuery({ shop: shop.domain, logged_in_customer_id: customerId }, TEST_SECRET)}`)).json();
    expect(view.rewards[0]).toMatchObject({ id: reward.id, type: "points_to_money", pointsCost: 100, redeemable: true, rate: { pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 } });
    expect(view.customer.redemptions[0]).toMatchObject({ code: redemption.code, pointsSpent: 700 });
  });

  it.each([
    ["no points chosen", undefined],
    ["less than one step", 50],
    ["not a whole step", 150],
    ["more than the maximum", 5100],
  ])("refuses %s, spending nothing", async (_name, points) => {
    const { shop, customerId, member, reward } = await shopWithMember(9000);
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID(), points });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: "invalid_points", message: "Choose from 100 to 5000 points, in steps of 100.", minPoints: 100, stepPoints: 100, maxPoints: 5000 });
    expect(await balance(member.id)).toBe(9000);
    expect(await db().redemption.count({ where: { memberId: member.id } })).toBe(0);
    expect((await getEmulator()).discounts(shop.domain)).toHaveLength(0);
  });

  it("refuses malformed points before the domain sees them", async () => {
    const { shop, customerId, reward } = await shopWithMember(1000);
    for (const points of [-100, 0, 1.5, "100"]) {
      expect((await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID(), points })).status).toBe(400);
    }
  });

  it("refuses more points than the member has, saying how many are missing", async () => {
    const { shop, customerId, member, reward } = await shopWithMember(450);
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID(), points: 500 });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "insufficient_points", needed: 50 });
    expect(await balance(member.id)).toBe(450);
    // Without a maximum, any whole number of steps the balance covers.
    const open = await shopWithMember(100_000, { pointsPerUnit: 10, unitMinor: 5, maxMinor: null });
    const big = await redeem(open.shop.domain, open.customerId, { rewardId: open.reward.id, requestId: randomUUID(), points: 100_000 });
    expect(await big.json()).toMatchObject({ redemption: { status: "issued", pointsSpent: 100_000, rewardName: "Use your points: 500.00 EUR" } });
    expect(await balance(open.member.id)).toBe(0);
  });

  it("one click is one code: a retry with the same request id returns the first result; other points under it are a conflict", async () => {
    const { shop, customerId, member, reward } = await shopWithMember(1000);
    const requestId = randomUUID();
    const first = await (await redeem(shop.domain, customerId, { rewardId: reward.id, requestId, points: 300 })).json();
    const again = await (await redeem(shop.domain, customerId, { rewardId: reward.id, requestId, points: 300 })).json();
    expect(again.redemption).toEqual(first.redemption);
    const conflict = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId, points: 400 });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: "request_conflict" });
    expect(await balance(member.id)).toBe(700);
    expect((await getEmulator()).discounts(shop.domain)).toHaveLength(1);
  });

  it("gives the chosen points back when Shopify fails", async () => {
    const { shop, customerId, member, reward } = await shopWithMember(1000);
    (await getEmulator()).failNext("KantaDiscountCodeBasicCreate");
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID(), points: 600 });
    expect(response.status).toBe(502);
    expect(await balance(member.id)).toBe(1000);
    const rows = await db().ledgerEntry.findMany({ where: { memberId: member.id, kind: { in: ["redeemed", "redemption_reversed"] } }, select: { delta: true } });
    expect(rows.map((r) => r.delta).sort((a, b) => a - b)).toEqual([-600, 600]);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("parallel redemptions of different amounts never overspend", async () => {
    process.env.KANTA_REDEEM_RATE_LIMIT = "1000";
    const { shop, customerId, member, reward } = await shopWithMember(1000);
    const amounts = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? 300 : i % 3 === 1 ? 200 : 500));
    const responses = await Promise.all(amounts.map((points) => redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID(), points })));
    const spent = (await Promise.all(responses.map(async (r) => (r.status === 200 ? (await r.json()).redemption.pointsSpent : 0)))).reduce((a, b) => a + b, 0);
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const left = await balance(member.id);
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBe(1000 - spent);
    expect(left).toBeLessThan(200); // seven 200-point requests cannot all fit, and a refusal means the balance was below 200
    const debited = await db().ledgerEntry.aggregate({ where: { memberId: member.id, kind: "redeemed" }, _sum: { delta: true } });
    expect(debited._sum.delta).toBe(-spent);
    expect((await getEmulator()).discounts(shop.domain).length).toBe(await db().redemption.count({ where: { memberId: member.id, status: "issued" } }));
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("the domain call refuses a stored reward without a usable rate as unavailable", async () => {
    const { shop, customerId, reward } = await shopWithMember(1000);
    await db().reward.update({ where: { id: reward.id }, data: { config: "{}" } });
    await expect(
      redeemReward({ shopDomain: shop.domain, customerGid: `gid://shopify/Customer/${customerId}`, rewardId: reward.id, requestId: randomUUID(), points: 100 }, async () => {
        throw new Error("must not be called");
      }, db()),
    ).rejects.toMatchObject({ code: "reward_unavailable" });
  });
});
