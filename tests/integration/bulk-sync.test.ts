import { beforeEach, describe, expect, it } from "vitest";
import { POINTS_SYNC_POLICY, resetPointsSyncPacers, syncDirtyPoints } from "../../app/jobs/points-sync.server";
import { resetTierSyncPacers, syncDueTierChanges } from "../../app/jobs/tier-sync.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { getAttention, runAttentionIntent } from "../../app/loyalty/program/attention.server";
import { KANTA_TIER_FLOW_TRIGGER, POINTS_METAFIELD } from "../../app/shopify/customers.server";
import type { AdminGraphql } from "../../app/shopify/graphql";
import type { Clock } from "../../app/shopify/throttle";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder, createMember, customerGid, nextCustomerId } from "../factories";
import { expectLoggedError } from "../logged-errors";

// The bulk syncs to Shopify through the Admin API emulator (every document validated
// against the 2026-07 schema, Shopify's cost budget emulated): members' balances in the
// $app:kanta.points metafield, 25 per call, marks cleared only for what Shopify took; tier
// tags, metafields and Flow triggers for many members per request.

const { db } = useTestDatabase();

function virtualClock(): Clock & { t: number } {
  const clock = {
    t: Date.parse("2026-09-01T00:00:00Z"),
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

async function setup() {
  const shop = await createTestShop(db());
  const emulator = new AdminEmulator(loadAdminSchema());
  emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  emulator.addFlowTrigger(KANTA_TIER_FLOW_TRIGGER);
  const gateway = async (domain: string): Promise<AdminGraphql> => emulator.client(domain);
  return { shop, emulator, gateway };
}

/** `n` members with balances (through the ledger, so marked dirty by the ledger writer). */
async function members(shopId: string, n: number, points = (i: number) => 100 + i) {
  const list = [];
  for (let i = 0; i < n; i++) list.push(await createMember(db(), shopId, {}, { points: points(i) }));
  return list;
}

const metafieldValue = (emulator: AdminEmulator, domain: string, gid: string) => emulator.customerMetafield(domain, gid, POINTS_METAFIELD.namespace, POINTS_METAFIELD.key)?.value ?? null;

beforeEach(() => {
  resetPointsSyncPacers();
  resetTierSyncPacers();
});

describe("the balance metafield in bulk", () => {
  it("an order marks the member; the sync sends balances 25 per call as number_integer and clears the marks", async () => {
    const { shop, emulator, gateway } = await setup();
    const at = "2026-09-01T10:00:00Z";
    const id = nextCustomerId();
    await applyPaidOrder(db(), shop.domain, { customerId: id, price: "30.00", at, now: new Date(at) });
    const buyer = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: customerGid(id) } });
    expect(buyer.pointsDirty).toBe(true);
    const others = await members(shop.id, 30);

    const stats = await syncDirtyPoints(db(), gateway, { shopIds: [shop.id] });
    expect(stats).toMatchObject({ shops: 1, calls: 2, synced: 31, refused: 0, retrying: 0, dead: 0 });
    const calls = emulator.calls.filter((c) => c.operationName === "KantaCustomerPointsSet");
    expect(calls.map((c) => (c.variables.metafields as unknown[]).length)).toEqual([25, 6]);
    expect(emulator.customerMetafield(shop.domain, buyer.customerGid, "$app:kanta", "points")).toEqual({ namespace: "app--kanta--kanta", key: "points", type: "number_integer", value: String(buyer.points) });
    for (const m of others) expect(metafieldValue(emulator, shop.domain, m.customerGid)).toBe(String(100 + others.indexOf(m)));
    expect(await db().member.count({ where: { shopId: shop.id, pointsDirty: true } })).toBe(0);
    // Nothing dirty: no call.
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id] })).toMatchObject({ shops: 0, calls: 0 });
    expect(emulator.calls.filter((c) => c.operationName === "KantaCustomerPointsSet")).toHaveLength(2);
  });

  it("a balance that changed while its value was on the way stays marked and goes next time", async () => {
    const { shop, emulator } = await setup();
    const [a, b] = await members(shop.id, 2);
    if (!a || !b) throw new Error("no members");
    let changed = false;
    const gateway = async (domain: string): Promise<AdminGraphql> => async (query, options) => {
      const response = await emulator.client(domain)(query, options);
      if (!changed) {
        changed = true;
        await db().member.update({ where: { id: a.id }, data: { points: { increment: 5 }, pointsDirty: true } });
      }
      return response;
    };
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id] })).toMatchObject({ calls: 1, synced: 1 });
    expect((await db().member.findUniqueOrThrow({ where: { id: a.id } })).pointsDirty).toBe(true);
    expect((await db().member.findUniqueOrThrow({ where: { id: b.id } })).pointsDirty).toBe(false);
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id] })).toMatchObject({ calls: 1, synced: 1 });
    expect(metafieldValue(emulator, shop.domain, a.customerGid)).toBe("105");
  });

  it("a customer Shopify refuses (userError) keeps its error and loses its mark; the other 24 are set", async () => {
    const { shop, emulator, gateway } = await setup();
    const list = await members(shop.id, 25);
    const gone = list[7];
    if (!gone) throw new Error("no member");
    emulator.deleteCustomer(gone.customerGid);
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id] })).toMatchObject({ calls: 1, synced: 24, refused: 1, dead: 0 });
    // metafieldsSet is atomic: the first call kept nothing; the second sent the 24 others.
    expect(emulator.calls.filter((c) => c.operationName === "KantaCustomerPointsSet").map((c) => (c.variables.metafields as unknown[]).length)).toEqual([25, 24]);
    const refused = await db().member.findUniqueOrThrow({ where: { id: gone.id } });
    expect(refused).toMatchObject({ pointsDirty: false, pointsSyncError: "ShopifyUserError: metafieldsSet: metafields.7.ownerId: Owner does not exist." });
    expect(metafieldValue(emulator, shop.domain, gone.customerGid)).toBeNull();
    expect(await db().member.count({ where: { shopId: shop.id, pointsDirty: true } })).toBe(0);
  });

  it("a failing request backs the shop off with the marks kept; dead after the last attempt, shown on Home, retried from there", async () => {
    expectLoggedError(/balance metafield sync dead/);
    const { shop, emulator, gateway } = await setup();
    await members(shop.id, 3);
    emulator.failNext("KantaCustomerPointsSet", "Internal error", POINTS_SYNC_POLICY.maxAttempts);
    let now = Date.parse("2026-09-02T10:00:00Z");
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id], now: new Date(now) })).toMatchObject({ calls: 1, synced: 0, retrying: 1 });
    let state = await db().pointsSync.findUniqueOrThrow({ where: { shopId: shop.id } });
    expect(state).toMatchObject({ attempts: 1, deadAt: null, lastError: "ShopifyHttpError: HTTP 500: Internal error" });
    expect(state.nextAttemptAt.getTime()).toBe(now + 1000);
    // Not due before its backoff.
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id], now: new Date(now + 999) })).toMatchObject({ shops: 0, calls: 0 });
    for (let attempt = 2; attempt <= POINTS_SYNC_POLICY.maxAttempts; attempt++) {
      now += 3_600_000;
      await syncDirtyPoints(db(), gateway, { shopIds: [shop.id], now: new Date(now) });
    }
    state = await db().pointsSync.findUniqueOrThrow({ where: { shopId: shop.id } });
    expect(state.deadAt).not.toBeNull();
    expect(await db().member.count({ where: { shopId: shop.id, pointsDirty: true } })).toBe(3);
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id], now: new Date(now + 86_400_000) })).toMatchObject({ shops: 0, calls: 0 });

    expect((await getAttention(shop.domain, db()))?.balanceSyncDead).toEqual({ error: "ShopifyHttpError: HTTP 500: Internal error" });
    const form = new FormData();
    form.set("intent", "retry-points-sync");
    expect(await runAttentionIntent(shop.domain, form, db())).toEqual({ ok: true, message: "Members' balances will be sent to Shopify again" });
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id], now: new Date(Date.now() + 1000) })).toMatchObject({ calls: 1, synced: 3 });
    expect((await getAttention(shop.domain, db()))?.balanceSyncDead).toBeNull();
  });

  it("paces itself by Shopify's cost report: a small budget is waited for, never THROTTLED", async () => {
    const { shop, emulator, gateway } = await setup();
    const clock = virtualClock();
    // A bucket of 30 points refilling 5 a second: three calls at once, then one every 2 s.
    emulator.setThrottle({ maximumAvailable: 30, restoreRate: 5 }, clock.now);
    await members(shop.id, 25 * 8);
    const start = clock.t;
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id], clock })).toMatchObject({ calls: 8, synced: 200, retrying: 0, dead: 0 });
    // 8 calls of 10 points: 3 at once, then each waits for its 10 points and the pacer's
    // 1-point margin at 5 a second (2.2 s for the first, 2 s for the next four).
    expect(clock.t - start).toBe(10_200);
  });

  it("erased members lose their mark without a call", async () => {
    const { shop, emulator, gateway } = await setup();
    const [m] = await members(shop.id, 1);
    if (!m) throw new Error("no member");
    await db().member.update({ where: { id: m.id }, data: { status: "redacted" } });
    expect(await syncDirtyPoints(db(), gateway, { shopIds: [shop.id] })).toMatchObject({ calls: 0, synced: 0 });
    expect((await db().member.findUniqueOrThrow({ where: { id: m.id } })).pointsDirty).toBe(false);
    expect(emulator.calls).toHaveLength(0);
  });
});

describe("tier tags, metafields and Flow triggers in bulk", () => {
  async function moved(shopId: string, n: number) {
    const gold = await db().tier.findFirstOrThrow({ where: { shopId, name: "Gold" } });
    const list = [];
    for (let i = 0; i < n; i++) {
      // Small ids: Flow takes customer ids as JSON numbers (the factory's exceed 2^53 on purpose).
      const m = await createMember(db(), shopId, { tierId: gold.id, customerGid: customerGid(String(5000 + i)) });
      await db().tierChange.create({ data: { shopId, memberId: m.id, customerGid: m.customerGid, fromTier: "Silver", toTier: "Gold", reason: "review", nextSyncAt: new Date("2026-09-01T00:00:00Z") } });
      list.push(m);
    }
    return list;
  }

  it("60 members moved by a review: 3 tag requests (25 customers each) and 2 Flow requests, every row done", async () => {
    const { shop, emulator, gateway } = await setup();
    const list = await moved(shop.id, 60);
    expect(await syncDueTierChanges(db(), { now: new Date("2026-09-01T00:00:01Z"), graphqlFor: gateway })).toEqual({ done: 60, retrying: 0, dead: 0 });
    const ops = emulator.calls.map((c) => c.operationName);
    expect(ops.filter((o) => o === "KantaCustomerTierBatch")).toHaveLength(3);
    expect(ops.filter((o) => o === "KantaFlowTriggerBatch")).toHaveLength(2);
    for (const m of list) {
      expect(emulator.customerTags(shop.domain, m.customerGid)).toEqual(["kanta-tier-gold", "kanta-member"]);
      expect(emulator.customerMetafield(shop.domain, m.customerGid, "$app:kanta", "tier")?.value).toBe("Gold");
    }
    expect(emulator.flowRuns(shop.domain)).toHaveLength(60);
    expect(emulator.flowRuns(shop.domain)[0]?.payload).toMatchObject({ "Old tier": "Silver", "New tier": "Gold", Reason: "review" });
    expect(await db().tierChange.count({ where: { shopId: shop.id, syncStatus: "done" } })).toBe(60);
  });

  it("a customer deleted in Shopify makes only its row dead; a throttled request retries its rows alone", async () => {
    expectLoggedError(/tier sync dead .*"kind":"terminal"/);
    const { shop, emulator, gateway } = await setup();
    const list = await moved(shop.id, 30);
    const gone = list[3];
    if (!gone) throw new Error("no member");
    emulator.deleteCustomer(gone.customerGid);
    // The second tag request (members 26-30) is throttled.
    let tagCalls = 0;
    const flaky = async (domain: string): Promise<AdminGraphql> => async (query, options) => {
      if (query.includes("KantaCustomerTierBatch") && ++tagCalls === 2) emulator.failNext("KantaCustomerTierBatch", "Throttled", 1, "throttled");
      return (await gateway(domain))(query, options);
    };
    const now = new Date("2026-09-01T00:00:01Z");
    expect(await syncDueTierChanges(db(), { now, graphqlFor: flaky })).toEqual({ done: 24, retrying: 5, dead: 1 });
    const dead = await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id, memberId: gone.id } });
    expect(dead).toMatchObject({ syncStatus: "dead", lastError: "ShopifyUserError: tagsAdd: id: Resource not found" });
    const retrying = await db().tierChange.findMany({ where: { shopId: shop.id, syncStatus: "pending" } });
    expect(retrying).toHaveLength(5);
    for (const r of retrying) expect(r).toMatchObject({ syncAttempts: 1, lastError: "ShopifyApiError: Throttled", nextSyncAt: new Date(now.getTime() + 1000) });
    expect(await syncDueTierChanges(db(), { now: new Date(now.getTime() + 1000), graphqlFor: gateway })).toEqual({ done: 5, retrying: 0, dead: 0 });
    expect(emulator.flowRuns(shop.domain)).toHaveLength(29);
  });
});
