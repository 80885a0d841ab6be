import { describe, expect, it } from "vitest";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder } from "../factories";

// "Every Nth order" milestones: paid with the member's Nth earning order, once, whatever
// the webhooks do (replays, an updated event after the paid one, a cancelled order).

const { db } = useTestDatabase();

async function paid(domain: string, id: string, customerId: string, options: { cancelled?: boolean; minutes?: number } = {}) {
  const at = new Date(Date.now() + (options.minutes ?? 0) * 60_000).toISOString();
  await applyPaidOrder(db(), domain, { id, customerId, price: "10.00", at, ...(options.cancelled ? { cancelledAt: at } : {}) });
}

async function bonuses(shopId: string) {
  const rows = await db().ledgerEntry.findMany({ where: { shopId, kind: "action_bonus" }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => ({ delta: r.delta, note: r.note, source: r.sourceGid }));
}

describe("every Nth order bonus", () => {
  it("pays on the 3rd and 6th earning order only, once each, and not for cancelled orders", async () => {
    const shop = await createTestShop(db());
    await db().earningRule.create({
      data: { shopId: shop.id, type: "nth_order", name: "Every 3rd order", points: 50, limit: "unlimited", config: JSON.stringify({ every: 3 }) },
    });
    await paid(shop.domain, "8801", "4401", { minutes: 1 });
    await paid(shop.domain, "8802", "4401", { minutes: 2 });
    await paid(shop.domain, "8803", "4401", { cancelled: true, minutes: 3 }); // earns nothing, counts for nothing
    await paid(shop.domain, "8804", "4401", { minutes: 4 }); // the 3rd earning order
    await paid(shop.domain, "8804", "4401", { minutes: 5 }); // a later event of the same order
    await paid(shop.domain, "8805", "4401", { minutes: 6 });
    await paid(shop.domain, "8806", "4401", { minutes: 7 });
    await paid(shop.domain, "8807", "4401", { minutes: 8 }); // the 6th
    await paid(shop.domain, "8807", "4401", { minutes: 8 }); // an exact replay
    expect(await bonuses(shop.id)).toEqual([
      { delta: 50, note: "Every 3rd order (3rd order)", source: "gid://shopify/Order/8804" },
      { delta: 50, note: "Every 3rd order (6th order)", source: "gid://shopify/Order/8807" },
    ]);
    // Another customer's orders count for themselves.
    await paid(shop.domain, "8811", "4402");
    expect(await bonuses(shop.id)).toHaveLength(2);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("a cancelled milestone order gives its bonus back (0031); the next order earns that number again, once", async () => {
    const shop = await createTestShop(db());
    await db().earningRule.create({
      data: { shopId: shop.id, type: "nth_order", name: "Every 3rd order", points: 50, limit: "unlimited", config: JSON.stringify({ every: 3 }) },
    });
    await paid(shop.domain, "8841", "4404", { minutes: 1 });
    await paid(shop.domain, "8842", "4404", { minutes: 2 });
    await paid(shop.domain, "8843", "4404", { minutes: 3 }); // the 3rd: the bonus
    await paid(shop.domain, "8843", "4404", { cancelled: true, minutes: 4 }); // then cancelled
    await paid(shop.domain, "8844", "4404", { minutes: 5 }); // counts as the 3rd again
    await paid(shop.domain, "8845", "4404", { minutes: 6 }); // the 4th
    await paid(shop.domain, "8843", "4404", { cancelled: true, minutes: 7 }); // a replayed cancel takes nothing more
    expect(await bonuses(shop.id)).toEqual([
      { delta: 50, note: "Every 3rd order (3rd order)", source: "gid://shopify/Order/8843" },
      { delta: -50, note: "Milestone taken back: order #8843 cancelled or refunded", source: "gid://shopify/Order/8843" },
      { delta: 50, note: "Every 3rd order (3rd order)", source: "gid://shopify/Order/8844" },
    ]);
    const earned = await db().ledgerEntry.findMany({ where: { shopId: shop.id, sourceGid: { in: ["gid://shopify/Order/8844", "gid://shopify/Order/8845"] }, kind: { not: "action_bonus" } } });
    expect(new Set(earned.map((e) => e.sourceGid))).toEqual(new Set(["gid://shopify/Order/8844", "gid://shopify/Order/8845"]));
    expect(earned.every((e) => e.delta + e.pendingDelta > 0)).toBe(true);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("a 'once' milestone pays only at N, and a disabled rule pays nothing", async () => {
    const shop = await createTestShop(db());
    await db().earningRule.createMany({
      data: [
        { shopId: shop.id, type: "nth_order", name: "Second order", points: 25, limit: "once", config: JSON.stringify({ every: 2 }) },
        { shopId: shop.id, type: "nth_order", name: "Switched off", points: 999, limit: "unlimited", enabled: false, config: JSON.stringify({ every: 2 }) },
      ],
    });
    for (let i = 1; i <= 5; i++) await paid(shop.domain, `883${i}`, "4403", { minutes: i });
    expect(await bonuses(shop.id)).toEqual([{ delta: 25, note: "Second order (2nd order)", source: "gid://shopify/Order/8832" }]);
  });
});
