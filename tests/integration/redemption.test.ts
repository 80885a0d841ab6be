import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { recoverStalledRedemptions } from "../../app/jobs/redemptions-job.server";
import { findStalledRedemptions, STALLED_AFTER_MS } from "../../app/loyalty/rewards/stalled.server";
import { getEmulator } from "../../app/local/emulator.server";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { createRedemption, createReward } from "../factories";
import { orderPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

const { db } = useTestDatabase();
const { server } = useTestServer();

useLocalModeEnv();
afterAll(() => {
  delete process.env.KANTA_REDEEM_RATE_LIMIT;
});

let customerSeq = 0;
async function shopWithMember(points: number) {
  const shop = await createTestShop(db());
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const customerId = String(820982911946150000n + BigInt(++customerSeq)); // beyond 2^53, exact
  await sendWebhook(server().url, "orders/paid", shop.domain, orderPayload({ id: `77${customerSeq}`, customerId, lines: [{ price: (points - 100).toFixed(2) }], updatedAt: "2026-11-20T10:00:00Z" }));
  await getJobRunner().idle();
  const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
  expect(member.points).toBe(points);
  const amountOff = await createReward(db(), shop.id, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n, minOrderMinor: 2000n, expiryDays: 30 });
  const percentOff = await createReward(db(), shop.id, "percent_off", { name: "15% off", pointsCost: 200, percentOff: 15 });
  const freeShipping = await createReward(db(), shop.id, "free_shipping", { name: "Free shipping", pointsCost: 300 });
  return { shop, customerId, member, rewards: { amountOff, percentOff, freeShipping } };
}

function redeem(shop: string, customerId: string, body: unknown, secret = TEST_SECRET) {
  const query = signProxyQuery({ shop, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, secret);
  return fetch(`${server().url}/proxy/redeem?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

async function points(memberId: string) {
  return (await db().member.findUniqueOrThrow({ where: { id: memberId } })).points;
}

describe("redeeming points for discount codes", () => {
  it("debits the points and creates a single-use code for that customer in Shopify", async () => {
    const { shop, customerId, member, rewards } = await shopWithMember(1200);
    const response = await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId: randomUUID() });
    expect(response.status).toBe(200);
    const { redemption } = await response.json();
    expect(redemption).toMatchObject({ status: "issued", pointsSpent: 500, rewardName: "5 € off" });
    expect(redemption.code).toMatch(/^KANTA-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await points(member.id)).toBe(700);

    const [discount] = (await getEmulator()).discounts(shop.domain);
    expect(discount).toMatchObject({ typename: "DiscountCodeBasic", code: redemption.code });
    expect(discount!.input).toMatchObject({
      code: redemption.code,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { customers: { add: [`gid://shopify/Customer/${customerId}`] } },
      customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "20.00" } },
    });
    const days = (Date.parse(String(discount!.input.endsAt)) - Date.parse(String(discount!.input.startsAt))) / 86_400_000;
    expect(days).toBe(30);

    // The widget's view shows the code and what the member can still afford.
    const view = await (await fetch(`${server().url}/proxy/customer?${signProxyQuery({ shop: shop.domain, logged_in_customer_id: customerId }, TEST_SECRET)}`)).json();
    expect(view.customer.redemptions[0]).toMatchObject({ code: redemption.code, status: "issued" });
    expect(view.rewards.map((r: { name: string; redeemable: boolean }) => [r.name, r.redeemable])).toEqual([
      ["15% off", true],
      ["Free shipping", true],
      ["5 € off", true],
    ]);
  });

  it("creates percentage and free-shipping codes", async () => {
    const { shop, customerId, rewards } = await shopWithMember(600);
    expect((await redeem(shop.domain, customerId, { rewardId: rewards.percentOff.id, requestId: randomUUID() })).status).toBe(200);
    expect((await redeem(shop.domain, customerId, { rewardId: rewards.freeShipping.id, requestId: randomUUID() })).status).toBe(200);
    const [percent, shipping] = (await getEmulator()).discounts(shop.domain);
    expect(percent!.input).toMatchObject({ customerGets: { value: { percentage: 0.15 } } });
    expect(shipping).toMatchObject({ typename: "DiscountCodeFreeShipping", input: { destination: { all: true }, usageLimit: 1 } });
  });

  it("one click never yields two codes: the request id makes a retry return the first result", async () => {
    const { shop, customerId, member, rewards } = await shopWithMember(1200);
    const requestId = randomUUID();
    const first = await (await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId })).json();
    const again = await (await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId })).json();
    expect(again.redemption).toEqual(first.redemption);
    expect(await points(member.id)).toBe(700);
    expect((await getEmulator()).discounts(shop.domain)).toHaveLength(1);
    // reward_redeemed (0023, for Flow and Klaviyo): once, when the code was issued.
    const redeemed = await db().occasion.findMany({ where: { shopId: shop.id, kind: "reward_redeemed" } });
    expect(redeemed.map((o) => [o.memberId, JSON.parse(o.data)])).toEqual([[member.id, { rewardName: rewards.amountOff.name, pointsSpent: 500, code: first.redemption.code }]]);
  });

  it("refuses when the member cannot afford it, saying how many points are missing", async () => {
    const { shop, customerId, member, rewards } = await shopWithMember(300);
    const response = await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId: randomUUID() });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "insufficient_points", needed: 200, message: "You need 200 more points." });
    expect(await points(member.id)).toBe(300);
    expect(await db().redemption.count({ where: { memberId: member.id } })).toBe(0);
  });

  it("gives the points back when Shopify fails, and says so", async () => {
    const { shop, customerId, member, rewards } = await shopWithMember(1200);
    (await getEmulator()).failNext("KantaDiscountCodeBasicCreate", "Internal error. Looks like something went wrong on our end.");
    const response = await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId: randomUUID() });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: "shopify_failed", message: expect.stringMatching(/points have been returned/) });
    expect(await points(member.id)).toBe(1200);
    const ledger = await db().ledgerEntry.findMany({ where: { memberId: member.id, kind: { in: ["redeemed", "redemption_reversed"] } }, select: { kind: true, delta: true } });
    expect(ledger.sort((a, b) => a.delta - b.delta)).toEqual([
      { kind: "redeemed", delta: -500 },
      { kind: "redemption_reversed", delta: 500 },
    ]);
    expect(await db().redemption.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({ status: "failed" });
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("50 parallel redemptions never overspend: codes issued equal points debited", async () => {
    process.env.KANTA_REDEEM_RATE_LIMIT = "1000";
    const { shop, customerId, member, rewards } = await shopWithMember(1500); // enough for 7 × 200
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => redeem(shop.domain, customerId, { rewardId: rewards.percentOff.id, requestId: randomUUID() })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 409)).toHaveLength(43);
    const balance = await points(member.id);
    expect(balance).toBe(1500 - 7 * 200);
    const issued = await db().redemption.count({ where: { memberId: member.id, status: "issued" } });
    const debited = await db().ledgerEntry.aggregate({ where: { memberId: member.id, kind: "redeemed" }, _sum: { delta: true } });
    expect(issued).toBe(7);
    expect(debited._sum.delta).toBe(-7 * 200);
    expect((await getEmulator()).discounts(shop.domain)).toHaveLength(7);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
    delete process.env.KANTA_REDEEM_RATE_LIMIT;
  });

  it("refuses forged, anonymous, malformed and foreign requests", async () => {
    const { shop, customerId, rewards } = await shopWithMember(1200);
    const other = await shopWithMember(1200);
    expect((await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId: randomUUID() }, "wrong")).status).toBe(401);
    expect((await redeem(shop.domain, "", { rewardId: rewards.amountOff.id, requestId: randomUUID() })).status).toBe(401);
    expect((await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id })).status).toBe(400);
    expect((await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId: "x" })).status).toBe(400);
    const foreign = await redeem(shop.domain, customerId, { rewardId: other.rewards.amountOff.id, requestId: randomUUID() });
    expect(foreign.status).toBe(404);
    expect((await redeem(shop.domain, "999", { rewardId: rewards.amountOff.id, requestId: randomUUID() })).status).toBe(403);
  });

  it("rate-limits a customer hammering the endpoint", async () => {
    const { shop, customerId, rewards } = await shopWithMember(150);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId: randomUUID() })).status);
    expect(statuses.slice(0, 10).every((s) => s === 409)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("marks a code used when an order uses it", async () => {
    const { shop, customerId, rewards } = await shopWithMember(1200);
    const { redemption } = await (await redeem(shop.domain, customerId, { rewardId: rewards.amountOff.id, requestId: randomUUID() })).json();
    const payload = { ...orderPayload({ id: "7799", customerId, lines: [{ price: "40.00", discount: "5.00" }], updatedAt: "2026-11-21T10:00:00Z" }), discount_codes: [{ code: redemption.code.toLowerCase(), amount: "5.00", type: "fixed_amount" }] };
    await sendWebhook(server().url, "orders/paid", shop.domain, payload);
    await getJobRunner().idle();
    expect(await db().redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({ status: "used", usedOrderGid: "gid://shopify/Order/7799" });
  });

  it("finishes a redemption whose process died while asking Shopify", async () => {
    const { shop, member, rewards } = await shopWithMember(1200);
    const old = new Date(Date.now() - STALLED_AFTER_MS - 1000);
    const mk = async (code: string) => {
      const r = await createRedemption(db(), { shopId: shop.id, memberId: member.id }, { rewardId: rewards.percentOff.id, rewardName: "15% off", pointsSpent: 200, status: "pending", code, createdAt: old });
      await db().ledgerEntry.create({ data: { shopId: shop.id, memberId: member.id, delta: -200, kind: "redeemed", idempotencyKey: `redeem:${r.id}` } });
      await db().member.update({ where: { id: member.id }, data: { points: { decrement: 200 } } });
      return r;
    };
    const created = await mk("KANTA-AAAA-0001");
    const lost = await mk("KANTA-AAAA-0002");
    const emulator = await getEmulator();
    await emulator.client(shop.domain)(`mutation KantaDiscountCodeBasicCreate($d: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $d) { userErrors { message } } }`, { variables: { d: { code: "KANTA-AAAA-0001", title: "x", customerGets: { value: { percentage: 0.15 }, items: { all: true } } } } });
    const stalled = await findStalledRedemptions(db());
    expect(stalled.map((s) => s.id).sort()).toEqual([created.id, lost.id].sort());
    // The job the sweep runs: asks Shopify (the emulator) whether each code exists.
    expect(await recoverStalledRedemptions(db())).toEqual({ finished: 2, retrying: 0, dead: 0 });
    expect((await db().redemption.findUniqueOrThrow({ where: { id: created.id } })).status).toBe("issued");
    expect((await db().redemption.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe("failed");
    expect(await points(member.id)).toBe(1200 - 200);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });
});
