import { describe, expect, it } from "vitest";
import { syncDueTierDiscounts, TIER_DISCOUNT_POLICY } from "../../app/jobs/tier-discounts.server";
import { getTierEditor, retryTierDiscounts, saveTierSettings } from "../../app/loyalty/tiers/admin.server";
import { setProgramPaused } from "../../app/loyalty/program/overview.server";
import { AdminEmulator } from "../../app/local/emulator.server";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { createTestShop, useTestDatabase } from "../db";
import { expectLoggedError } from "../logged-errors";

// A tier's free-shipping perk as an automatic discount in Shopify (0029), through the Admin
// API emulator (every document checked against Shopify's 2026-07 schema): one customer
// segment and one automatic discount per tier, kept in step with the perk, the tier's name,
// its deletion and the program's pause; failures retry, then end visibly dead.

const { db } = useTestDatabase();

async function setup() {
  const shop = await createTestShop(db());
  const emulator = new AdminEmulator(loadAdminSchema());
  emulator.addShop({ name: "Test shop", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const sync = (now = new Date()) => syncDueTierDiscounts(db(), { now, graphqlFor: async (domain) => emulator.client(domain) });
  const settings = async () => {
    const e = (await getTierEditor(shop.domain, db()))!;
    return { basis: e.basis, period: e.period, keepNextPeriod: e.keepNextPeriod, tiers: e.tiers.map(({ members: _m, freeShippingDiscount: _d, ...t }) => t) };
  };
  const save = async (change: (s: Awaited<ReturnType<typeof settings>>) => void) => {
    const s = await settings();
    change(s);
    const result = await saveTierSettings(shop.domain, s, "test", db());
    expect(result).toMatchObject({ ok: true });
  };
  const state = async (name: string) => (await getTierEditor(shop.domain, db()))!.tiers.find((t) => t.name === name)?.freeShippingDiscount;
  return { shop, emulator, sync, save, state };
}

describe("tier free-shipping perk as an automatic discount", () => {
  it("turning the perk on creates exactly one segment and one discount; renaming updates them; replays create nothing twice", async () => {
    const { shop, emulator, sync, save, state } = await setup();
    await save((s) => {
      s.tiers[2]!.freeShipping = true;
    });
    const gold = (await getTierEditor(shop.domain, db()))!.tiers[2]!;
    expect(await state(gold.name)).toEqual({ state: "pending", wantActive: true, error: null });
    // The request only wrote the outbox row: Shopify has nothing yet.
    expect(emulator.segments(shop.domain)).toEqual([]);

    expect(await sync()).toEqual({ done: 1, retrying: 0, dead: 0 });
    const segments = emulator.segments(shop.domain);
    expect(segments).toEqual([{ id: expect.stringMatching(/^gid:\/\/shopify\/Segment\//), name: `Kanta tier: ${gold.name}`, query: "customer_tags CONTAINS 'kanta-tier-gold'" }]);
    const discounts = emulator.automaticDiscounts(shop.domain);
    expect(discounts).toHaveLength(1);
    expect(discounts[0]).toMatchObject({ title: `Kanta ${gold.name}: free shipping`, segmentGids: [segments[0]!.id], status: "ACTIVE" });
    expect(discounts[0]!.input).toMatchObject({ destination: { all: true }, context: { customerSegments: { add: [segments[0]!.id] } } });
    expect(await state(gold.name)).toEqual({ state: "active" });

    // Replays: the job again, and saving unchanged settings, change nothing in Shopify.
    const calls = emulator.calls.length;
    expect(await sync()).toEqual({ done: 0, retrying: 0, dead: 0 });
    await save(() => undefined);
    expect(await sync()).toEqual({ done: 0, retrying: 0, dead: 0 });
    expect(emulator.calls.length).toBe(calls);

    // Renamed: the same segment and discount follow the new name and tag.
    await save((s) => {
      s.tiers[2]!.name = "Kulta";
    });
    expect(await sync()).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.segments(shop.domain)).toEqual([{ id: segments[0]!.id, name: "Kanta tier: Kulta", query: "customer_tags CONTAINS 'kanta-tier-kulta'" }]);
    expect(emulator.automaticDiscounts(shop.domain).map((d) => [d.id, d.title, d.status])).toEqual([[discounts[0]!.id, "Kanta Kulta: free shipping", "ACTIVE"]]);
    const ops = emulator.calls.slice(calls).map((c) => c.operationName);
    expect(ops).toEqual(["KantaTierSegmentUpdate", "KantaTierFreeShippingUpdate", "KantaAutomaticDiscountActivate"]);
  });

  it("turning the perk off, pausing the program and deleting the tier deactivate the discount; turning it on again reuses it", async () => {
    const { shop, emulator, sync, save, state } = await setup();
    await save((s) => {
      s.tiers[1]!.freeShipping = true;
    });
    await sync();
    const [discount] = emulator.automaticDiscounts(shop.domain);
    const silver = (await getTierEditor(shop.domain, db()))!.tiers[1]!.name;

    await save((s) => {
      s.tiers[1]!.freeShipping = false;
    });
    expect(await state(silver)).toEqual({ state: "pending", wantActive: false, error: null });
    expect(await sync()).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.automaticDiscounts(shop.domain).map((d) => d.status)).toEqual(["EXPIRED"]);
    expect(await state(silver)).toEqual({ state: "inactive" });

    await save((s) => {
      s.tiers[1]!.freeShipping = true;
    });
    await sync();
    expect(emulator.automaticDiscounts(shop.domain).map((d) => [d.id, d.status])).toEqual([[discount!.id, "ACTIVE"]]);
    expect(emulator.segments(shop.domain)).toHaveLength(1);

    // Paused: off; resumed: on again.
    await setProgramPaused(shop.domain, true, db());
    await sync();
    expect(emulator.automaticDiscounts(shop.domain).map((d) => d.status)).toEqual(["EXPIRED"]);
    await setProgramPaused(shop.domain, false, db());
    await sync();
    expect(emulator.automaticDiscounts(shop.domain).map((d) => d.status)).toEqual(["ACTIVE"]);

    // The tier deleted: its discount ends, though the tier is gone.
    await save((s) => {
      s.tiers.splice(1, 1);
    });
    expect(await sync()).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.automaticDiscounts(shop.domain).map((d) => [d.id, d.status])).toEqual([[discount!.id, "EXPIRED"]]);
    expect(emulator.segments(shop.domain)).toHaveLength(1);
    expect(await db().tierDiscount.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("a failing Shopify call retries with backoff, never creates twice, and ends dead and visible; saving again retries", async () => {
    const { shop, emulator, sync, save, state } = await setup();
    await save((s) => {
      s.tiers[3]!.freeShipping = true;
    });
    const name = (await getTierEditor(shop.domain, db()))!.tiers[3]!.name;
    // The segment is created, then the discount fails: the retry must not create the segment again.
    emulator.failNext("KantaTierFreeShippingCreate", "Internal error", 1);
    let now = new Date();
    expect(await sync(now)).toEqual({ done: 0, retrying: 1, dead: 0 });
    expect(await state(name)).toMatchObject({ state: "pending", wantActive: true, error: expect.stringContaining("Internal error") });
    expect(await sync(now)).toEqual({ done: 0, retrying: 0, dead: 0 }); // not due before its backoff
    now = new Date(now.getTime() + 1_500);
    expect(await sync(now)).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.segments(shop.domain)).toHaveLength(1);
    expect(emulator.automaticDiscounts(shop.domain)).toHaveLength(1);

    // A perk change Shopify keeps refusing with 5xx: dead after the policy's attempts.
    await save((s) => {
      s.tiers[3]!.freeShipping = false;
    });
    emulator.failNext("KantaAutomaticDiscountDeactivate", "Internal error", 100);
    expectLoggedError(/tier discount sync dead/);
    for (let i = 0; i < TIER_DISCOUNT_POLICY.maxAttempts; i++) {
      now = new Date(now.getTime() + 2 * 60 * 60_000);
      await sync(now);
    }
    const failed = await state(name);
    expect(failed).toMatchObject({ state: "failed", error: expect.stringContaining("Internal error") });
    expect((await db().tierDiscount.findFirstOrThrow({ where: { shopId: shop.id } })).attempts).toBe(TIER_DISCOUNT_POLICY.maxAttempts);
    expect(emulator.automaticDiscounts(shop.domain).map((d) => d.status)).toEqual(["ACTIVE"]);

    // The Tiers page's Retry puts it back (audited); Shopify answers now.
    emulator.failNext("KantaAutomaticDiscountDeactivate", "Internal error", 0);
    now = new Date(now.getTime() + 1000);
    expect(await retryTierDiscounts(shop.domain, db(), now)).toBe(1);
    expect(await retryTierDiscounts(shop.domain, db(), now)).toBe(0);
    expect(await db().auditEvent.count({ where: { shopId: shop.id, action: "tiers.discounts_retried" } })).toBe(1);
    expect(await sync(now)).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.automaticDiscounts(shop.domain).map((d) => d.status)).toEqual(["EXPIRED"]);
  });

  it("a segment and discount the merchant deleted in Shopify are created again at the next change", async () => {
    const { shop, emulator, sync, save, state } = await setup();
    await save((s) => {
      s.tiers[2]!.freeShipping = true;
    });
    await sync();
    const [segment] = emulator.segments(shop.domain);
    const [discount] = emulator.automaticDiscounts(shop.domain);
    emulator.deleteSegmentOrDiscount(shop.domain, segment!.id);
    emulator.deleteSegmentOrDiscount(shop.domain, discount!.id);
    await save((s) => {
      s.tiers[2]!.name = "Gold+";
    });
    expect(await sync()).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.segments(shop.domain).map((x) => [x.name, x.id === segment!.id])).toEqual([["Kanta tier: Gold+", false]]);
    expect(emulator.automaticDiscounts(shop.domain).map((d) => [d.title, d.status, d.segmentGids])).toEqual([["Kanta Gold+: free shipping", "ACTIVE", [emulator.segments(shop.domain)[0]!.id]]]);
    const row = await db().tierDiscount.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row.discountGid).toBe(emulator.automaticDiscounts(shop.domain)[0]!.id);
    expect(await state("Gold+")).toEqual({ state: "active" });

    // Turned off after the merchant deleted it: nothing left to turn off, done.
    emulator.deleteSegmentOrDiscount(shop.domain, row.discountGid!);
    await save((s) => {
      s.tiers[2]!.freeShipping = false;
    });
    expect(await sync()).toEqual({ done: 1, retrying: 0, dead: 0 });
  });

  it("a change saved while the job runs is not lost: the job's older version does not mark it done", async () => {
    const { shop, emulator, save } = await setup();
    await save((s) => {
      s.tiers[2]!.freeShipping = true;
    });
    const graphqlFor = async (domain: string) => {
      // The merchant turns the perk off while Shopify is being called.
      const client = emulator.client(domain);
      return async (...args: Parameters<typeof client>) => {
        const row = await db().tierDiscount.findFirstOrThrow({ where: { shopId: shop.id } });
        if (row.wantActive) {
          await save((s) => {
            s.tiers[2]!.freeShipping = false;
          });
        }
        return client(...args);
      };
    };
    expect(await syncDueTierDiscounts(db(), { graphqlFor })).toEqual({ done: 1, retrying: 0, dead: 0 });
    const row = await db().tierDiscount.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ status: "pending", wantActive: false, leasedUntil: null });
    expect(await syncDueTierDiscounts(db(), { graphqlFor: async (d) => emulator.client(d) })).toEqual({ done: 1, retrying: 0, dead: 0 });
    expect(emulator.automaticDiscounts(shop.domain).map((d) => d.status)).toEqual(["EXPIRED"]);
  });
});
