import { afterAll, afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getJobRunner } from "../../app/jobs/queue.server";
import { recoverStalledRedemptions } from "../../app/jobs/redemptions-job.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { RedeemError, redeemReward } from "../../app/loyalty/rewards/redemptions.server";
import { STALLED_AFTER_MS } from "../../app/loyalty/rewards/stalled.server";
import { getCustomerView } from "../../app/loyalty/storefront/customer-view.server";
import { getEmulator } from "../../app/local/emulator.server";
import { isOutcomeUnknown } from "../../app/shopify/errors";
import { setAdminTimeoutMs } from "../../app/shopify/graphql";
import { signProxyQuery } from "../../app/shopify/signing";
import { creditStoreCredit } from "../../app/shopify/store-credit.server";
import { createTestShop, useTestDatabase } from "../db";
import { createReward } from "../factories";
import { waitUntil } from "../faults";
import { orderPayload } from "../fixtures/payloads";
import { TEST_SECRET, sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// Store credit as a reward (issue #16 item 4, docs/decisions/0028-store-credit.md): through
// the real proxy route and the Admin API emulator. Shopify's storeCreditAccountCredit has no
// idempotency key, so Kanta's ledger must make every redemption one debit and one credit:
// under retries, under 20 concurrent clicks, when Shopify refuses, and when the process dies
// between Shopify's answer and Kanta's confirmation.

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();
afterEach(() => setAdminTimeoutMs(undefined));
afterAll(() => {
  delete process.env.KANTA_REDEEM_RATE_LIMIT;
});

let customerSeq = 0;
async function shopWithMember(points: number, rewardFields: Parameters<typeof createReward>[3] = {}) {
  const shop = await createTestShop(db());
  const emulator = await getEmulator();
  emulator.addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const customerId = String(830982911946160000n + BigInt(++customerSeq));
  await sendWebhook(server().url, "orders/paid", shop.domain, orderPayload({ id: `77${customerSeq}`, customerId, lines: [{ price: (points - 100).toFixed(2) }], updatedAt: "2026-11-20T10:00:00Z" }));
  await getJobRunner().idle();
  const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
  expect(member.points).toBe(points);
  const reward = await createReward(db(), shop.id, "store_credit", rewardFields);
  return { shop, customerId, customerGid: `gid://shopify/Customer/${customerId}`, member, reward, emulator };
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

async function credits(shopDomain: string, customerGid: string) {
  const accounts = (await getEmulator()).storeCreditAccounts(shopDomain, customerGid);
  return accounts.flatMap((a) => a.transactions.filter((t) => t.type === "credit"));
}

describe("redeeming store credit", () => {
  it("adds the credit once in Shopify, with the merchant's notify and expiry; a retried click changes nothing", async () => {
    const { shop, customerId, customerGid, member, reward } = await shopWithMember(1200, { expiryDays: 30 });
    const requestId = randomUUID();
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.redemption).toMatchObject({ status: "issued", kind: "store_credit", creditMinor: 500, code: null, pointsSpent: 500 });
    for (let i = 0; i < 3; i++) {
      const again = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId });
      expect(again.status).toBe(200);
      expect((await again.json()).redemption.id).toBe(body.redemption.id);
    }
    const made = await credits(shop.domain, customerGid);
    expect(made.map((c) => [c.amountMinor, c.notify])).toEqual([[500, true]]);
    expect(made[0]!.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(await points(member.id)).toBe(700);
    expect(await redemptionLedger(member.id)).toEqual([{ kind: "redeemed", delta: -500 }]);
    const row = await db().redemption.findFirstOrThrow({ where: { memberId: member.id } });
    expect(row).toMatchObject({ status: "issued", code: null, creditMinor: 500n, discountGid: made[0]!.id });
    // The widget's view: the credit, never a code.
    const view = await (await fetch(`${server().url}/proxy/customer?${signProxyQuery({ shop: shop.domain, logged_in_customer_id: customerId }, TEST_SECRET)}`)).json();
    expect(view.customer.redemptions).toEqual([expect.objectContaining({ kind: "store_credit", creditMinor: 500, code: null })]);
    expect(view.rewards).toEqual([expect.objectContaining({ type: "store_credit", valueMinor: 500 })]);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("20 concurrent clicks: one credit per debit, one in flight at a time; 20 replays of one click: one of each", async () => {
    process.env.KANTA_REDEEM_RATE_LIMIT = "1000";
    const { shop, customerId, customerGid, member, reward } = await shopWithMember(20_600);
    const responses = await Promise.all(Array.from({ length: 20 }, () => redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID() })));
    const statuses = responses.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok + statuses.filter((s) => s === 409).length).toBe(20);
    const refused = await Promise.all(responses.filter((r) => r.status === 409).map((r) => r.json()));
    expect(new Set(refused.map((b) => b.error))).toEqual(refused.length ? new Set(["credit_in_progress"]) : new Set());
    expect(await credits(shop.domain, customerGid)).toHaveLength(ok);
    expect(await db().redemption.count({ where: { memberId: member.id, status: "issued" } })).toBe(ok);
    expect(await redemptionLedger(member.id)).toEqual(Array.from({ length: ok }, () => ({ kind: "redeemed", delta: -500 })));
    expect(await points(member.id)).toBe(20_600 - ok * 500);

    const before = await credits(shop.domain, customerGid);
    const requestId = randomUUID();
    const replays = await Promise.all(Array.from({ length: 20 }, () => redeem(shop.domain, customerId, { rewardId: reward.id, requestId })));
    const ids = new Set<string>();
    for (const r of replays) {
      // A replay arriving while the first is with Shopify sees it pending (202); afterwards issued (200).
      const json = await r.json();
      expect([200, 202]).toContain(r.status);
      ids.add(json.redemption.id);
    }
    expect(ids.size).toBe(1);
    expect(await credits(shop.domain, customerGid)).toHaveLength(before.length + 1);
    expect(await db().redemption.count({ where: { memberId: member.id, requestId } })).toBe(1);
    expect(await points(member.id)).toBe(20_600 - (ok + 1) * 500);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
    delete process.env.KANTA_REDEEM_RATE_LIMIT;
  });

  it("twenty members at once: twenty credits, twenty debits", async () => {
    process.env.KANTA_REDEEM_RATE_LIMIT = "1000";
    const setups = [];
    for (let i = 0; i < 20; i++) setups.push(await shopWithMember(600));
    const responses = await Promise.all(setups.map((s) => redeem(s.shop.domain, s.customerId, { rewardId: s.reward.id, requestId: randomUUID() })));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    for (const s of setups) {
      expect(await credits(s.shop.domain, s.customerGid)).toHaveLength(1);
      expect(await redemptionLedger(s.member.id)).toEqual([{ kind: "redeemed", delta: -500 }]);
      expect(await points(s.member.id)).toBe(100);
    }
    delete process.env.KANTA_REDEEM_RATE_LIMIT;
  });

  it("a Shopify userError (the credit limit) gives the points back and adds nothing", async () => {
    const { shop, customerId, customerGid, member, reward, emulator } = await shopWithMember(1200);
    emulator.setStoreCreditLimit(shop.domain, 300);
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID() });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: "shopify_failed", message: "The store credit could not be added right now. Your points have been returned." });
    expect(await points(member.id)).toBe(1200);
    expect(await redemptionLedger(member.id)).toEqual([
      { kind: "redeemed", delta: -500 },
      { kind: "redemption_reversed", delta: 500 },
    ]);
    expect(await db().redemption.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({ status: "failed", error: expect.stringMatching(/credit limit/) });
    expect(await credits(shop.domain, customerGid)).toEqual([]);
    emulator.setStoreCreditLimit(shop.domain, null);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("is not offered in POS, nor redeemable by a caller that cannot add store credit", async () => {
    const { shop, customerGid, member, reward } = await shopWithMember(1200);
    expect((await getCustomerView(shop.domain, customerGid, db(), { surface: "pos" })).rewards).toEqual([]);
    expect((await getCustomerView(shop.domain, customerGid, db(), { surface: "customer_account" })).rewards).toHaveLength(1);
    const issue = async () => {
      throw new Error("no code for store credit");
    };
    const hooks = { issueStoreCredit: async () => ({ transactionGid: "x" }) };
    for (const [surface, h] of [["pos", hooks], ["online_store", {}]] as const) {
      const error = await redeemReward({ shopDomain: shop.domain, customerGid, rewardId: reward.id, requestId: randomUUID(), surface }, issue, db(), h).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedeemError);
      expect((error as RedeemError).code).toBe("reward_unavailable");
    }
    expect(await points(member.id)).toBe(1200);
    expect(await db().redemption.count({ where: { memberId: member.id } })).toBe(0);
  });
});

describe("a process that dies around Shopify's call", () => {
  const sweep = async (graphqlFor: (domain: string) => Promise<ReturnType<Awaited<ReturnType<typeof getEmulator>>["client"]>>, minutes = 1) =>
    recoverStalledRedemptions(db(), { now: new Date(Date.now() + STALLED_AFTER_MS + minutes * 60_000), graphqlFor });

  it("after Shopify credited and before Kanta confirmed: the sweep finds the credit and confirms it, with no second credit", async () => {
    const { shop, customerGid, member, reward, emulator } = await shopWithMember(1200, { expiryDays: 60 });
    const graphql = emulator.client(shop.domain);
    // The merchant's own credits around it must not be taken for Kanta's.
    await creditStoreCredit(graphql, { customerGid, amountMinor: 500, amount: "5.00", currencyCode: "EUR", expiresAt: null, notify: false });
    let credited!: () => void;
    const inShopify = new Promise<void>((resolve) => (credited = resolve));
    // The process "dies" after Shopify's answer: the confirmation never runs.
    void redeemReward({ shopDomain: shop.domain, customerGid, rewardId: reward.id, requestId: randomUUID() }, async () => ({ discountGid: "", code: "" }), db(), {
      outcomeUnknown: isOutcomeUnknown,
      issueStoreCredit: async (spec) => {
        await creditStoreCredit(graphql, spec);
        credited();
        return new Promise<never>(() => undefined);
      },
    });
    await inShopify;
    await creditStoreCredit(graphql, { customerGid, amountMinor: 700, amount: "7.00", currencyCode: "EUR", expiresAt: new Date(Date.now() + 60 * 86_400_000), notify: false });
    await waitUntil("the redemption is pending", async () => (await db().redemption.count({ where: { memberId: member.id, status: "pending" } })) === 1);
    expect(await points(member.id)).toBe(700);

    expect(await sweep(async () => graphql)).toEqual({ finished: 1, retrying: 0, dead: 0 });
    expect(await sweep(async () => graphql, 5)).toEqual({ finished: 0, retrying: 0, dead: 0 });
    const made = await credits(shop.domain, customerGid);
    expect(made).toHaveLength(3); // the merchant's two and Kanta's one: nothing added by the sweep
    const kantas = made.filter((c) => c.amountMinor === 500 && c.expiresAt !== null);
    expect(kantas).toHaveLength(1);
    const row = await db().redemption.findFirstOrThrow({ where: { memberId: member.id } });
    expect(row).toMatchObject({ status: "issued", discountGid: kantas[0]!.id });
    expect(await points(member.id)).toBe(700);
    expect(await redemptionLedger(member.id)).toEqual([{ kind: "redeemed", delta: -500 }]);
    // The member can redeem store credit again once it is confirmed.
    const next = await redeemReward({ shopDomain: shop.domain, customerGid, rewardId: reward.id, requestId: randomUUID() }, async () => ({ discountGid: "", code: "" }), db(), {
      issueStoreCredit: (spec) => creditStoreCredit(graphql, spec),
    });
    expect(next).toMatchObject({ status: "issued", creditMinor: 500 });
    expect(await credits(shop.domain, customerGid)).toHaveLength(4);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("before Shopify credited (no answer in time): 202, the sweep gives the points back once and nothing is credited", async () => {
    const { shop, customerId, customerGid, member, reward, emulator } = await shopWithMember(1200);
    setAdminTimeoutMs(200);
    emulator.failNext("KantaStoreCreditAccountCredit", "", 1, "timeout");
    const requestId = randomUUID();
    const response = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId });
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body.message).toMatch(/store credit is on its way/);
    expect(body.redemption).toMatchObject({ status: "pending", kind: "store_credit", creditMinor: null });
    expect(await points(member.id)).toBe(700);
    // While it is in flight, another store credit waits (one at a time per member).
    const other = await redeem(shop.domain, customerId, { rewardId: reward.id, requestId: randomUUID() });
    expect(other.status).toBe(409);
    expect((await other.json()).error).toBe("credit_in_progress");
    expect((await redeem(shop.domain, customerId, { rewardId: reward.id, requestId })).status).toBe(202);

    const graphql = emulator.client(shop.domain);
    expect(await sweep(async () => graphql)).toEqual({ finished: 1, retrying: 0, dead: 0 });
    expect(await sweep(async () => graphql, 5)).toEqual({ finished: 0, retrying: 0, dead: 0 });
    expect(await credits(shop.domain, customerGid)).toEqual([]);
    expect(await points(member.id)).toBe(1200);
    expect(await redemptionLedger(member.id)).toEqual([
      { kind: "redeemed", delta: -500 },
      { kind: "redemption_reversed", delta: 500 },
    ]);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("Shopify failing while the sweep asks: it retries, then finishes once", async () => {
    const { shop, customerGid, member, reward, emulator } = await shopWithMember(1200);
    const graphql = emulator.client(shop.domain);
    void redeemReward({ shopDomain: shop.domain, customerGid, rewardId: reward.id, requestId: randomUUID() }, async () => ({ discountGid: "", code: "" }), db(), {
      issueStoreCredit: async (spec) => {
        await creditStoreCredit(graphql, spec);
        return new Promise<never>(() => undefined);
      },
    });
    await waitUntil("credited", async () => (await credits(shop.domain, customerGid)).length === 1);
    emulator.failNext("KantaStoreCreditCredits", "Internal error", 1, "5xx");
    expect(await sweep(async () => graphql)).toEqual({ finished: 0, retrying: 1, dead: 0 });
    expect(await db().redemption.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({ status: "pending", attempts: 1 });
    expect(await sweep(async () => graphql, 30)).toEqual({ finished: 1, retrying: 0, dead: 0 });
    expect(await db().redemption.findFirstOrThrow({ where: { memberId: member.id } })).toMatchObject({ status: "issued" });
    expect(await credits(shop.domain, customerGid)).toHaveLength(1);
    expect(await points(member.id)).toBe(700);
  });
});
