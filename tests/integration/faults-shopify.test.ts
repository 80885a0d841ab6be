import { afterAll, afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getJobRunner } from "../../app/jobs/queue.server";
import { recoverStalledRedemptions } from "../../app/jobs/redemptions-job.server";
import { syncDueTierChanges } from "../../app/jobs/tier-sync.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { RedeemError, redeemReward } from "../../app/loyalty/rewards/redemptions.server";
import { STALLED_AFTER_MS } from "../../app/loyalty/rewards/stalled.server";
import { AdminEmulator, getEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { KANTA_TIER_FLOW_TRIGGER } from "../../app/shopify/customers.server";
import { createRewardDiscount, deactivateDiscount } from "../../app/shopify/discounts.server";
import { classifyShopifyError, isOutcomeUnknown } from "../../app/shopify/errors";
import { ADMIN_TIMEOUT_MS, setAdminTimeoutMs, ShopifyTimeoutError } from "../../app/shopify/graphql";
import { signProxyQuery } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder, createReward } from "../factories";
import { orderPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// Shopify failing while Kanta creates reward codes and syncs tiers (issue #11, "Faults to
// survive"): THROTTLED, 5xx and no answer at all, through the real proxy route and the
// Admin API emulator (every document checked against the 2026-07 schema). Shoppers get a
// clear answer, points are never lost, codes never doubled. docs/decisions/0014-faults.md

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();
afterEach(() => setAdminTimeoutMs(undefined));
afterAll(() => {
  delete process.env.KANTA_REDEEM_RATE_LIMIT;
});

let customerSeq = 0;
async function shopWithMember(points: number) {
  const shop = await createTestShop(db());
  (await getEmulator()).addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const customerId = String(820982911946160000n + BigInt(++customerSeq));
  await sendWebhook(server().url, "orders/paid", shop.domain, orderPayload({ id: `88${customerSeq}`, customerId, lines: [{ price: (points - 100).toFixed(2) }], updatedAt: "2026-11-20T10:00:00Z" }));
  await getJobRunner().idle();
  const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
  expect(member.points).toBe(points);
  const reward = await createReward(db(), shop.id, "amount_off", { name: "5 € off", pointsCost: 500, valueMinor: 500n });
  return { shop, customerId, member, reward };
}

function redeem(shop: string, customerId: string, body: unknown) {
  const query = signProxyQuery({ shop, logged_in_customer_id: customerId, path_prefix: "/apps/kanta" }, TEST_SECRET);
  return fetch(`${server().url}/proxy/redeem?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

async function points(memberId: string) {
  return (await db().member.findUniqueOrThrow({ where: { id: memberId } })).points;
}

async function redemptionLedger(memberId: string) {
  const rows = await db().ledgerEntry.findMany({ where: { memberId, kind: { in: ["redeemed", "redemption_reversed"] } }, select: { kind: true, delta: true } });
  return rows.sort((a, b) => a.delta - b.delta);
}

describe("Shopify failing while a reward code is created", () => {
  it("THROTTLED and 5xx: the shopper is told, the points come back once, no code exists", async () => {
    for (const fault of ["throttled", "5xx"] as const) {
      const { shop, customerId, member, reward } = await shopWithMember(1200);
      const emulator = await getEmulator();
      emulator.failNext("KantaDiscountCodeBasicCreate", fault === "throttled" ? "Throttled" : "Internal error", 1, fault);
      const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID() });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: "shopify_failed", message: "The reward could not be created right now. Your points have been returned." });
      expect(await points(member.id)).toBe(1200);
      expect(await redemptionLedger(member.id)).toEqual([
        { kind: "redeemed", delta: -500 },
        { kind: "redemption_reversed", delta: 500 },
      ]);
      expect(emulator.discounts(shop.domain)).toEqual([]);
      // The next click works.
      const again = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID() });
      expect(again.status).toBe(200);
      expect(await points(member.id)).toBe(700);
      expect(emulator.discounts(shop.domain)).toHaveLength(1);
      expect(await verifyLedger(db(), shop.id)).toEqual([]);
    }
  });

  it("no answer in time: 202 'on its way', points held; the sweep gives them back exactly once, and a replay never doubles the code", async () => {
    const { shop, customerId, member, reward } = await shopWithMember(1200);
    const emulator = await getEmulator();
    setAdminTimeoutMs(200);
    emulator.failNext("KantaDiscountCodeBasicCreate", "", 1, "timeout");
    const requestId = randomUUID();
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId });
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body.message).toMatch(/on its way/);
    expect(body.redemption).toMatchObject({ status: "pending", code: null, pointsSpent: 500 });
    expect(await points(member.id)).toBe(700);
    // The same click again (the widget retries with its request id): still pending, no second code.
    const replay = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId });
    expect(replay.status).toBe(202);
    expect(emulator.discounts(shop.domain)).toEqual([]);

    // After STALLED_AFTER_MS the sweep asks Shopify by code: not there, so the points come back.
    const later = new Date(Date.now() + STALLED_AFTER_MS + 1000);
    expect(await recoverStalledRedemptions(db(), { now: later, graphqlFor: async (d) => emulator.client(d) })).toEqual({ finished: 1, retrying: 0, dead: 0 });
    expect(await recoverStalledRedemptions(db(), { now: new Date(later.getTime() + 60_000), graphqlFor: async (d) => emulator.client(d) })).toEqual({ finished: 0, retrying: 0, dead: 0 });
    expect(await points(member.id)).toBe(1200);
    expect(await redemptionLedger(member.id)).toEqual([
      { kind: "redeemed", delta: -500 },
      { kind: "redemption_reversed", delta: 500 },
    ]);
    const view = await (await fetch(`${server().url}/proxy/customer?${signProxyQuery({ shop: shop.domain, logged_in_customer_id: customerId }, TEST_SECRET)}`)).json();
    // The widget no longer shows a code on its way; the redemption is failed, its points back.
    expect(view.customer.redemptions).toEqual([]);
    expect(await db().redemption.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({ status: "failed", discountGid: null });
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("a timeout is ShopifyTimeoutError: retryable, and its outcome unknown; every call has a deadline well under the sweep's", async () => {
    expect(ADMIN_TIMEOUT_MS).toBeLessThanOrEqual(STALLED_AFTER_MS / 4);
    const shop = await createTestShop(db());
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    setAdminTimeoutMs(100);
    emulator.failNext("KantaDiscountByCode", "", 1, "timeout");
    const { findDiscountByCode } = await import("../../app/shopify/discounts.server");
    const error = await findDiscountByCode(emulator.client(shop.domain), "KANTA-0000-0000").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyTimeoutError);
    expect(classifyShopifyError(error)).toEqual({ kind: "retryable", reason: "timeout" });
    expect(isOutcomeUnknown(error)).toBe(true);
    // THROTTLED is an answer: nothing was done.
    emulator.failNext("KantaDiscountByCode", "Throttled", 1, "throttled");
    const throttled = await findDiscountByCode(emulator.client(shop.domain), "KANTA-0000-0000").catch((e: unknown) => e);
    expect(classifyShopifyError(throttled)).toEqual({ kind: "retryable", reason: "GraphQL THROTTLED" });
    expect(isOutcomeUnknown(throttled)).toBe(false);
  });

  it("the request that loses the race to the sweep deactivates its late code: refunded once, never refunded and issued", async () => {
    const { shop, customerId, member, reward } = await shopWithMember(1200);
    const emulator = await getEmulator();
    const graphql = emulator.client(shop.domain);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const inShopify = new Promise<void>((resolve) => (started = resolve));
    // Shopify is slow: the code is made only after the sweep has looked for it.
    const pending = redeemReward(
      { shopDomain: shop.domain, customerGid: `gid://shopify/Customer/${customerId}`, rewardId: reward.id, requestId: randomUUID() },
      async (spec) => {
        started();
        await gate;
        return createRewardDiscount(graphql, spec);
      },
      db(),
      { outcomeUnknown: isOutcomeUnknown, withdraw: (created) => deactivateDiscount(graphql, created.discountGid) },
    ).catch((e: unknown) => e);
    await inShopify;
    expect(await points(member.id)).toBe(700);
    const later = new Date(Date.now() + STALLED_AFTER_MS + 1000);
    expect(await recoverStalledRedemptions(db(), { now: later, graphqlFor: async () => graphql })).toEqual({ finished: 1, retrying: 0, dead: 0 });
    expect(await points(member.id)).toBe(1200);
    release();
    const outcome = await pending;
    expect(outcome).toBeInstanceOf(RedeemError);
    expect((outcome as RedeemError).code).toBe("shopify_failed");
    const [code] = emulator.discounts(shop.domain);
    expect(code?.deactivatedAt).toBeInstanceOf(Date);
    const row = await db().redemption.findFirstOrThrow({ where: { memberId: member.id } });
    expect(row.status).toBe("failed");
    expect(await points(member.id)).toBe(1200);
    expect(await redemptionLedger(member.id)).toEqual([
      { kind: "redeemed", delta: -500 },
      { kind: "redemption_reversed", delta: 500 },
    ]);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("when the sweep found the code first, the late request keeps it: issued once, nothing deactivated", async () => {
    const { shop, customerId, member, reward } = await shopWithMember(1200);
    const emulator = await getEmulator();
    const graphql = emulator.client(shop.domain);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let made!: () => void;
    const inShopify = new Promise<void>((resolve) => (made = resolve));
    const pending = redeemReward(
      { shopDomain: shop.domain, customerGid: `gid://shopify/Customer/${customerId}`, rewardId: reward.id, requestId: randomUUID() },
      async (spec) => {
        const created = await createRewardDiscount(graphql, spec);
        made();
        await gate; // the answer is slow to come back
        return created;
      },
      db(),
      { outcomeUnknown: isOutcomeUnknown, withdraw: (created) => deactivateDiscount(graphql, created.discountGid) },
    );
    await inShopify;
    const later = new Date(Date.now() + STALLED_AFTER_MS + 1000);
    expect(await recoverStalledRedemptions(db(), { now: later, graphqlFor: async () => graphql })).toEqual({ finished: 1, retrying: 0, dead: 0 });
    release();
    const view = await pending;
    expect(view).toMatchObject({ status: "issued", pointsSpent: 500 });
    expect(emulator.discounts(shop.domain).map((d) => [d.code, d.deactivatedAt])).toEqual([[view.code, undefined]]);
    expect(await points(member.id)).toBe(700);
    expect(await redemptionLedger(member.id)).toEqual([{ kind: "redeemed", delta: -500 }]);
  });
});

describe("Shopify failing during tier sync", () => {
  it("THROTTLED, 5xx and timeouts retry with backoff; points never move, tags are set once", async () => {
    setAdminTimeoutMs(100);
    const shop = await createTestShop(db());
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    emulator.addFlowTrigger(KANTA_TIER_FLOW_TRIGGER);
    const sync = (now: Date) => syncDueTierChanges(db(), { now, graphqlFor: async (domain) => emulator.client(domain) });
    const at = "2026-05-01T10:00:00Z";
    await applyPaidOrder(db(), shop.domain, { customerId: "7102", price: "800.00", at, now: new Date(at) });
    const gid = "gid://shopify/Customer/7102";
    const before = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: gid }, include: { tier: true } });
    expect([before.tier?.name, before.points]).toEqual(["Gold", 900]);

    let now = new Date(at).getTime();
    for (const fault of ["throttled", "5xx", "timeout"] as const) {
      emulator.failNext("KantaCustomerTierBatch", fault === "throttled" ? "Throttled" : "Internal error", 1, fault);
      expect(await sync(new Date(now))).toEqual({ done: 0, retrying: 1, dead: 0 });
      const row = await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } });
      expect(row.syncStatus).toBe("pending");
      now = row.nextSyncAt.getTime();
    }
    expect(await sync(new Date(now))).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.customerTags(shop.domain, gid)).toEqual(["kanta-tier-gold", "kanta-member"]);
    expect(emulator.flowRuns(shop.domain)).toHaveLength(1);
    const after = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: gid }, include: { tier: true } });
    expect([after.tier?.name, after.points]).toEqual(["Gold", 900]);
    expect(await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ syncStatus: "done", syncAttempts: 4, lastError: null });
  });
});
