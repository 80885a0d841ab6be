import { describe, expect, it } from "vitest";
import { syncDueTierChanges, TIER_SYNC_MAX_ATTEMPTS } from "../../app/jobs/tier-sync.server";
import { runTierPass } from "../../app/loyalty/tiers/review.server";
import { KANTA_TIER_FLOW_TRIGGER, TIER_METAFIELD } from "../../app/shopify/customers.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder } from "../factories";
import { expectLoggedError } from "../logged-errors";

// The TierChange outbox to Shopify through the Admin API emulator (every document checked
// against Shopify's published schema): customer tags, the app metafield, the Flow trigger,
// failures, retries with backoff, and giving up.

const { db } = useTestDatabase();

async function setup() {
  const shop = await createTestShop(db());
  const emulator = new AdminEmulator(loadAdminSchema());
  emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  emulator.addFlowTrigger(KANTA_TIER_FLOW_TRIGGER);
  const sync = (now: Date) => syncDueTierChanges(db(), { now, graphqlFor: async (domain) => emulator.client(domain) });
  return { shop, emulator, sync };
}

async function order(domain: string, customerId: string, price: string, at: string) {
  await applyPaidOrder(db(), domain, { customerId, price, at, now: new Date(at) });
}

const gid = (id: string) => `gid://shopify/Customer/${id}`;
const later = (at: string, ms: number) => new Date(new Date(at).getTime() + ms);

describe("tier sync to Shopify", () => {
  it("tags the customer, sets the metafield and fires the Flow trigger; a demotion swaps the tag", async () => {
    const { shop, emulator, sync } = await setup();
    const at = "2026-04-01T10:00:00Z";
    await order(shop.domain, "7001", "300.00", at);
    expect(await sync(later(at, 1000))).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.customerTags(shop.domain, gid("7001"))).toEqual(["kanta-tier-silver", "kanta-member"]); // the member tag rides along (0034)
    expect(emulator.customerMetafield(shop.domain, gid("7001"), TIER_METAFIELD.namespace, "tier")).toEqual({
      namespace: "app--kanta--kanta",
      key: "tier",
      type: "single_line_text_field",
      value: "Silver",
    });
    expect(emulator.flowRuns(shop.domain).map((r) => [r.handle, r.payload])).toEqual([
      ["kanta-tier-changed", { customer_id: 7001, "Old tier": "Bronze", "New tier": "Silver", Reason: "qualified" }],
    ]);
    const row = await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ syncStatus: "done", syncAttempts: 1, lastError: null });

    // The review at the year end demotes; the sync swaps silver for bronze.
    await runTierPass(db(), shop.domain, { now: new Date("2026-04-02T10:00:00Z") });
    await db().program.update({ where: { shopId: shop.id }, data: { tierKeepNextPeriod: false } });
    await runTierPass(db(), shop.domain, { now: new Date("2027-01-02T10:00:00Z") });
    expect(await sync(new Date("2027-01-02T10:00:01Z"))).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.customerTags(shop.domain, gid("7001"))).toEqual(["kanta-member", "kanta-tier-bronze"]);
    expect(emulator.customerMetafield(shop.domain, gid("7001"), "$app:kanta", "tier")?.value).toBe("Bronze");
    expect(emulator.flowRuns(shop.domain).at(-1)?.payload).toEqual({ customer_id: 7001, "Old tier": "Silver", "New tier": "Bronze", Reason: "review" });
    // Nothing left to do; the other tiers' tags were asked off and merchant tags stay.
    expect(await sync(new Date("2027-01-02T11:00:00Z"))).toEqual({ done: 0, retrying: 0, dead: 0 });
    const calls = emulator.calls.filter((c) => c.operationName === "KantaCustomerTierBatch");
    expect(calls.at(-1)?.variables).toMatchObject({ add0: ["kanta-tier-bronze", "kanta-member"] });
    expect((calls.at(-1)?.variables.remove0 as string[]).sort()).toEqual(["kanta-tier-gold", "kanta-tier-platinum", "kanta-tier-silver"]);
  });

  it("never holds up accrual: Shopify failing changes nothing about points, and the row retries with backoff", async () => {
    const { shop, emulator, sync } = await setup();
    const at = "2026-05-01T10:00:00Z";
    emulator.failNext("KantaCustomerTierBatch", "Internal error. Looks like something went wrong on our end.");
    await order(shop.domain, "7002", "800.00", at);
    const m = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: gid("7002") }, include: { tier: true } });
    expect([m.tier?.name, m.points]).toEqual(["Gold", 900]);

    expect(await sync(later(at, 0))).toEqual({ done: 0, retrying: 1, dead: 0 });
    let row = await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ syncStatus: "pending", syncAttempts: 1 });
    expect(row.lastError).toMatch(/something went wrong/);
    expect(row.nextSyncAt.toISOString()).toBe(later(at, 1000).toISOString());
    // Not due before its backoff.
    expect(await sync(later(at, 999))).toEqual({ done: 0, retrying: 0, dead: 0 });
    // The Flow trigger fails once too, after the tags went through: retried, tags set again, trigger fired once.
    emulator.failNext("KantaFlowTriggerBatch");
    expect(await sync(later(at, 1000))).toEqual({ done: 0, retrying: 1, dead: 0 });
    row = await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row.nextSyncAt.toISOString()).toBe(later(at, 1000 + 4000).toISOString());
    expect(await sync(later(at, 5000))).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.customerTags(shop.domain, gid("7002"))).toEqual(["kanta-tier-gold", "kanta-member"]);
    expect(emulator.flowRuns(shop.domain)).toHaveLength(1);
    expect(await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ syncStatus: "done", syncAttempts: 3, lastError: null });
  });

  it("ends dead after the last attempt of a retryable error, with the error kept", async () => {
    const { shop, emulator, sync } = await setup();
    expectLoggedError(/tier sync dead .*"kind":"retryable"/);
    const at = "2026-06-01T10:00:00Z";
    await order(shop.domain, "7003", "300.00", at);
    emulator.failNext("KantaCustomerTierBatch", "Internal error", TIER_SYNC_MAX_ATTEMPTS);
    let now = new Date(at).getTime();
    for (let attempt = 1; attempt <= TIER_SYNC_MAX_ATTEMPTS; attempt++) {
      now += 3_600_000;
      const stats = await sync(new Date(now));
      expect(stats).toEqual(attempt < TIER_SYNC_MAX_ATTEMPTS ? { done: 0, retrying: 1, dead: 0 } : { done: 0, retrying: 0, dead: 1 });
    }
    const row = await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ syncStatus: "dead", syncAttempts: TIER_SYNC_MAX_ATTEMPTS });
    expect(row.lastError).toBe("ShopifyHttpError: HTTP 500: Internal error");
    expect(await sync(new Date(now + 86_400_000))).toEqual({ done: 0, retrying: 0, dead: 0 });
  });

  it("ends dead at once on a terminal error: Shopify's userErrors, or a shop that answers 401", async () => {
    expectLoggedError(/tier sync dead .*"kind":"terminal"/);
    const { shop, emulator, sync } = await setup();
    const at = "2026-06-01T10:00:00Z";
    await order(shop.domain, "7013", "300.00", at);
    emulator.deleteCustomer(gid("7013"));
    expect(await sync(later(at, 1000))).toEqual({ done: 0, retrying: 0, dead: 1 });
    const row = await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ syncStatus: "dead", syncAttempts: 1, lastError: "ShopifyUserError: tagsAdd: id: Resource not found" });

    // An access token Shopify no longer takes (the emulator answers 401 for a shop it does not know).
    const other = await createTestShop(db());
    await order(other.domain, "7014", "300.00", at);
    const stats = await syncDueTierChanges(db(), { now: later(at, 2000), graphqlFor: async (domain) => emulator.client(domain) });
    expect(stats).toEqual({ done: 0, retrying: 0, dead: 1 });
    expect(await db().tierChange.findFirstOrThrow({ where: { shopId: other.id } })).toMatchObject({ syncStatus: "dead", syncAttempts: 1, lastError: expect.stringMatching(/^ShopifyHttpError: HTTP 401/) });
  });

  it("follows a renamed tier: the old name's tag comes off", async () => {
    const { shop, emulator, sync } = await setup();
    const at = "2026-07-01T10:00:00Z";
    await order(shop.domain, "7004", "300.00", at);
    await sync(later(at, 1));
    const silver = await db().tier.findFirstOrThrow({ where: { shopId: shop.id, name: "Silver" } });
    await db().tier.update({ where: { id: silver.id }, data: { name: "Hopea" } });
    const m = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: gid("7004") } });
    await db().tierChange.create({ data: { shopId: shop.id, memberId: m.id, customerGid: m.customerGid, fromTier: "Silver", toTier: "Hopea", reason: "settings", nextSyncAt: new Date(at) } });
    expect(await sync(later(at, 2))).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.customerTags(shop.domain, gid("7004"))).toEqual(["kanta-member", "kanta-tier-hopea"]);
    expect(emulator.flowRuns(shop.domain).at(-1)?.payload).toMatchObject({ "Old tier": "Silver", "New tier": "Hopea", Reason: "settings" });
  });

  it("skips customers whose data was erased, and gives up on uninstalled shops", async () => {
    expectLoggedError(/tier sync dead .*ShopUninstalledError/);
    const { shop, emulator, sync } = await setup();
    const at = "2026-08-01T10:00:00Z";
    await order(shop.domain, "7005", "300.00", at);
    await db().member.updateMany({ where: { shopId: shop.id, customerGid: gid("7005") }, data: { status: "redacted" } });
    expect(await sync(later(at, 1))).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.calls).toHaveLength(0);

    await order(shop.domain, "7006", "300.00", at);
    await db().shop.update({ where: { id: shop.id }, data: { uninstalledAt: new Date(at) } });
    expect(await sync(later(at, 2))).toEqual({ done: 0, retrying: 0, dead: 1 });
    expect(await db().tierChange.findFirstOrThrow({ where: { shopId: shop.id, customerGid: gid("7006") } })).toMatchObject({ syncStatus: "dead", lastError: expect.stringMatching(/shop uninstalled/) });
  });
});
