import { describe, expect, it } from "vitest";
import { applyRefund } from "../../app/loyalty/orders/orders.server";
import { latestReconcileRun, reconcileDueShops, reconcileShop } from "../../app/loyalty/reconcile/reconcile.server";
import { toRefundSnapshot } from "../../app/webhooks/payloads";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder, createMember, nextCustomerId, nextOrderId } from "../factories";
import { lineId, refundPayload } from "../fixtures/payloads";
import { expectLoggedError } from "../logged-errors";

// The nightly proof: cached balances equal the ledger, every order's points equal the
// earning rules applied to its newest state; differences reported, never fixed.

const { db } = useTestDatabase();

/** A shop with members, paid orders, a refunded order, a pending order, a cancelled one and a guest order. */
async function shopWithHistory(options: { pendingDays?: number } = {}) {
  const shop = await createTestShop(db(), options);
  const customers = [nextCustomerId(), nextCustomerId(), nextCustomerId()];
  const orders: string[] = [];
  for (const [i, customerId] of customers.entries()) {
    orders.push((await applyPaidOrder(db(), shop.domain, { customerId, price: `${20 + i}.00` })).orderId);
  }
  const refunded = orders[0]!;
  const refund = refundPayload({ id: nextOrderId(), orderId: refunded, lines: [{ lineItemId: lineId(refunded, 0), quantity: 1, subtotal: "5.00" }] });
  await applyRefund(db(), shop.domain, toRefundSnapshot(refund));
  // An amount-only refund (no line items): points follow what the customer finally paid (0015).
  const amountOnly = refundPayload({ id: nextOrderId(), orderId: orders[2]!, lines: [], adjustments: [{ amount: "-11.00" }], transactions: [{ amount: "11.00" }] });
  await applyRefund(db(), shop.domain, toRefundSnapshot(amountOnly));
  await applyPaidOrder(db(), shop.domain, { customerId: customers[1]!, price: "12.00", cancelledAt: new Date().toISOString() });
  await applyPaidOrder(db(), shop.domain, { customerId: null, price: "30.00" });
  await createMember(db(), shop.id, {}, { points: 40 });
  await createMember(db(), shop.id);
  return { shop, customers, orders };
}

describe("reconciliation", () => {
  it("finds nothing to report in a shop whose history came through the real paths, and stores the run", async () => {
    const { shop } = await shopWithHistory();
    const result = await reconcileShop(db(), shop.id);
    expect(result.differenceCount).toBe(0);
    expect(result.membersChecked).toBe(5);
    expect(result.ordersChecked).toBe(5);
    const run = await db().reconcileRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run).toMatchObject({ status: "done", membersChecked: 5, ordersChecked: 5, differenceCount: 0 });
    expect(run.finishedAt).not.toBeNull();
  });

  it("follows the earning rules' refund rule: an amount-only refund lowered the order's points, and the proof agrees", async () => {
    const { shop, orders } = await shopWithHistory();
    const order = await db().orderRecord.findUniqueOrThrow({ where: { shopId_orderGid: { shopId: shop.id, orderGid: `gid://shopify/Order/${orders[2]}` } } });
    expect(order.pointsCredited).toBeLessThan(22); // 22.00 paid, 11.00 of it refunded without lines
    expect(order.pointsCredited).toBeGreaterThan(0);
    expect((await reconcileShop(db(), shop.id)).differenceCount).toBe(0);
  });

  it("holds pending order points to the ledger too", async () => {
    const { shop } = await shopWithHistory({ pendingDays: 14 });
    expect((await db().orderRecord.findMany({ where: { shopId: shop.id, pointsPending: { not: 0 } } })).length).toBeGreaterThan(0);
    expect((await reconcileShop(db(), shop.id)).differenceCount).toBe(0);
  });

  it("reports a cached balance that left the ledger, with the member's id, and does not fix it", async () => {
    expectLoggedError(/reconcile difference .*"kind":"balance"/);
    const { shop } = await shopWithHistory();
    const member = await createMember(db(), shop.id, {}, { points: 100 });
    await db().member.update({ where: { id: member.id }, data: { points: 175 } });
    const result = await reconcileShop(db(), shop.id);
    expect(result.differenceCount).toBe(1);
    expect(result.differences).toEqual([
      { kind: "balance", memberId: member.id, orderGid: null, expected: { points: 100, pendingPoints: 0, lifetimePoints: 100 }, actual: { points: 175, pendingPoints: 0, lifetimePoints: 100 } },
    ]);
    expect((await db().member.findUniqueOrThrow({ where: { id: member.id } })).points).toBe(175);
    const stored = await db().reconcileDifference.findMany({ where: { runId: result.runId } });
    expect(stored.map((d) => ({ kind: d.kind, memberId: d.memberId, expected: JSON.parse(d.expected) }))).toEqual([
      { kind: "balance", memberId: member.id, expected: { points: 100, pendingPoints: 0, lifetimePoints: 100 } },
    ]);
  });

  it("reports an order whose points are not what the earning rules give for its state, with the order's id", async () => {
    expectLoggedError(/reconcile difference .*"kind":"order"/);
    const { shop, orders } = await shopWithHistory();
    const orderGid = `gid://shopify/Order/${orders[1]}`;
    const before = await db().orderRecord.findUniqueOrThrow({ where: { shopId_orderGid: { shopId: shop.id, orderGid } } });
    // The stored state says 10.00 more was bought than what was credited for.
    await db().orderRecord.update({ where: { id: before.id }, data: { grossMinor: before.grossMinor + 1000n } });
    const result = await reconcileShop(db(), shop.id);
    expect(result.differences).toEqual([
      {
        kind: "order",
        memberId: before.memberId,
        orderGid,
        expected: { points: before.pointsCredited + 10, pointsPending: 0 },
        actual: { pointsTarget: before.pointsTarget, pointsCredited: before.pointsCredited, ledgerPoints: before.pointsCredited, pointsPending: 0 },
      },
    ]);
    const after = await db().orderRecord.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.pointsCredited).toBe(before.pointsCredited);
  });

  it("reports order points in the ledger that no order of the member explains", async () => {
    expectLoggedError(/reconcile difference/);
    const { shop } = await shopWithHistory();
    const member = await createMember(db(), shop.id, {}, { points: 30, kind: "order_earned", idempotencyKey: "stray" });
    await db().ledgerEntry.updateMany({ where: { shopId: shop.id, idempotencyKey: "stray" }, data: { sourceGid: "gid://shopify/Order/1" } });
    const result = await reconcileShop(db(), shop.id);
    expect(result.differences).toEqual([
      { kind: "order", memberId: member.id, orderGid: "gid://shopify/Order/1", expected: { points: 0, pointsPending: 0 }, actual: { ledgerPoints: 30, pointsPending: 0 } },
    ]);
  });

  it("gives the same answer whatever the batch size", async () => {
    expectLoggedError(/reconcile difference/);
    const { shop } = await shopWithHistory();
    const members = await db().member.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    for (const m of [members[0]!, members[3]!]) await db().member.update({ where: { id: m.id }, data: { lifetimePoints: { increment: 1 } } });
    const key = (r: Awaited<ReturnType<typeof reconcileShop>>) => ({
      members: r.membersChecked,
      orders: r.ordersChecked,
      differences: r.differences.map((d) => d.memberId).sort(),
    });
    const whole = await reconcileShop(db(), shop.id);
    for (const batchSize of [1, 2, 3]) expect(key(await reconcileShop(db(), shop.id, { batchSize }))).toEqual(key(whole));
    expect(key(whole).differences).toEqual([members[0]!.id, members[3]!.id].sort());
  });

  it("runs daily: a shop reconciled in the last 24 hours is not run again; Home gets the latest run", async () => {
    expectLoggedError(/reconcile difference/); // the shops of the tests above, planted
    const { shop } = await shopWithHistory();
    const now = new Date();
    const first = await reconcileDueShops(db(), now);
    expect(first.map((r) => r.shopId)).toContain(shop.id);
    const again = await reconcileDueShops(db(), new Date(now.getTime() + 60 * 60 * 1000));
    expect(again.map((r) => r.shopId)).not.toContain(shop.id);
    const tomorrow = await reconcileDueShops(db(), new Date(now.getTime() + 25 * 60 * 60 * 1000));
    expect(tomorrow.map((r) => r.shopId)).toContain(shop.id);
    expect(await latestReconcileRun(db(), shop.id)).toMatchObject({ status: "done", membersChecked: 5, differenceCount: 0, differences: [] });
  });
});
