import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveBadge } from "../../app/loyalty/challenges/admin.server";
import { deleteCause, saveCause, saveCharityRate } from "../../app/loyalty/charity/admin.server";
import { invalidateShopConfig } from "../../app/loyalty/program/shop-config.server";
import { getCustomerView, warmStorefront } from "../../app/loyalty/storefront/customer-view.server";
import type { Db } from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder, customerGid, nextCustomerId } from "../factories";

// The storefront keeps a shop's side of the customer view (program, rewards, tiers,
// challenges and badges, causes, the panel's texts) for KANTA_CONFIG_CACHE_MS; the member's
// own rows are read on every view. With the cache on, as in production: what the merchant
// saves shows at once in this process, and what happens to the member shows at once.

const { db } = useTestDatabase();
const STAFF = { id: "staff-1", name: "Staff", email: "staff@example.com" };
let previousTtl: string | undefined;

beforeEach(() => {
  previousTtl = process.env.KANTA_CONFIG_CACHE_MS;
  process.env.KANTA_CONFIG_CACHE_MS = "600000";
  resetEnvCache();
  invalidateShopConfig();
});
afterEach(() => {
  process.env.KANTA_CONFIG_CACHE_MS = previousTtl;
  resetEnvCache();
  invalidateShopConfig();
});

describe("the customer view with the shop's side cached", () => {
  it("reads the shop's side once for the views that ask while it is being read", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { status: "live" } });
    // Twenty shoppers' views at once on a cold cache: one read, so one shop side, whose
    // panel texts (computed once per shop side and language) all of them share.
    const views = await Promise.all(Array.from({ length: 20 }, () => getCustomerView(shop.domain, null, db(), { locale: "en", texts: true })));
    expect(views[0]!.texts).toBeDefined();
    for (const view of views) expect(view.texts).toBe(views[0]!.texts);
    // Read: kept; dropped by the admin: read again.
    expect((await getCustomerView(shop.domain, null, db(), { locale: "en", texts: true })).texts).toBe(views[0]!.texts);
    invalidateShopConfig(shop.domain);
    expect((await getCustomerView(shop.domain, null, db(), { locale: "en", texts: true })).texts).not.toBe(views[0]!.texts);
  });

  it("shows the member's new points and badges at once, and the merchant's causes as saved", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { status: "live", pendingDays: 0 } });
    const customerId = nextCustomerId();
    await applyPaidOrder(db(), shop.domain, { customerId, price: "20.00" });
    const view = () => getCustomerView(shop.domain, customerGid(customerId), db(), { locale: "en", texts: true });

    const first = await view();
    expect(first.customer).toMatchObject({ points: 120, badges: [], challenges: [], surprises: [] }) // 100 for joining, 20 for the order;
    expect(first.charity).toBeNull();
    expect(first.texts).toBeDefined();

    // The member's side is never cached: another order, another view.
    await applyPaidOrder(db(), shop.domain, { customerId, price: "15.00" });
    const second = await view();
    expect(second.customer?.points).toBe(135);
    expect(second.customer?.recentActivity).toHaveLength(3);
    // The panel's texts are computed once per language and kept with the shop.
    expect(second.texts).toBe(first.texts);

    // A badge made after the shop's side was read, awarded: it shows with its name.
    const badge = await saveBadge(shop.domain, null, { name: "Early bird", icon: "star", description: "Joined in week one" }, db(), STAFF);
    if (!badge.ok) throw new Error(JSON.stringify(badge.errors));
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id, customerGid: customerGid(customerId) } });
    await db().memberBadge.create({ data: { shopId: shop.id, memberId: member.id, badgeId: badge.id } });
    expect((await view()).customer?.badges).toMatchObject([{ name: "Early bird", description: "Joined in week one" }]);

    // Causes: saved, shown; removed, gone: the admin drops the cached shop.
    await saveCharityRate(shop.domain, { pointsPerUnit: "100" }, db(), STAFF);
    const causeId = await saveCause(shop.domain, null, { name: "Baltic Sea", description: "Cleaning beaches", enabled: "true" }, db(), STAFF);
    expect((await view()).charity).toMatchObject({ pointsPerUnit: 100, maxUnits: 1, causes: [{ id: causeId, name: "Baltic Sea" }] });
    await deleteCause(shop.domain, causeId, db(), STAFF);
    expect((await view()).charity).toBeNull();
  });

  it("is warmed before traffic: the first live shop's side read, nothing written; a failed warm-up is no error", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { status: "live" } });
    const first = await db().shop.findFirstOrThrow({ where: { uninstalledAt: null, program: { status: "live" } }, orderBy: { installedAt: "asc" } });
    await db().program.update({ where: { shopId: first.id }, data: { programName: "Warm Club" } });
    const rows = async () => [await db().member.count(), await db().ledgerEntry.count(), await db().occasion.count(), (await db().shop.findUniqueOrThrow({ where: { id: first.id } })).updatedAt.getTime()];
    invalidateShopConfig();
    const before = await rows();
    expect(await warmStorefront(db())).toBe(first.domain);
    expect(await rows()).toEqual(before);
    // The first shopper's view is served the warmed side: a change made behind the cache's back does not show yet.
    await db().program.update({ where: { shopId: first.id }, data: { programName: "Changed behind the cache" } });
    expect((await getCustomerView(first.domain, null, db(), { texts: true })).program.programName).toBe("Warm Club");
    const broken = new Proxy(db(), { get: (target, key) => (key === "shop" ? { findFirst: () => Promise.reject(new Error("database down")) } : Reflect.get(target, key)) }) as Db;
    expect(await warmStorefront(broken)).toBeNull();
  });

  it("gives a guest the shop's side without reading any member", async () => {
    const shop = await createTestShop(db());
    const guest = await getCustomerView(shop.domain, null, db(), { locale: "fi", texts: true });
    expect(guest.customer).toBeNull();
    expect(guest.language).toBe("fi");
    expect(guest.rewards.every((r) => r.reason === "not_a_member")).toBe(true);
  });
});
