import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { createTestShop, useTestDatabase } from "../db";
import { orderPayload, refundPayload, type RefundSpec } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

// Refunds without line items through signed webhooks, in Shopify's documented refund shapes
// (order_adjustments, refund_shipping_lines, transactions), on both databases: an
// amount-only refund lowers the order's points in proportion, a shipping refund takes
// nothing, and every delivery order converges. docs/decisions/0015-refunds-without-line-items.md

const { db } = useTestDatabase();
const { server } = useTestServer();

let next = 0;
const uniqueId = (prefix: number) => String(prefix + process.pid * 1000 + ++next);
const ORDER_TIME = "2026-11-20T10:00:00Z";

/** Two 50.00 items and 10.00 shipping: 110.00 paid, 100.00 eligible, 100 points. */
function paidOrder(id: string, customerId: string, refunds: Omit<RefundSpec, "orderId">[] = [], updatedAt = ORDER_TIME) {
  return orderPayload({
    id,
    customerId,
    lines: [{ price: "50.00" }, { price: "50.00" }],
    shipping: "10.00",
    updatedAt,
    processedAt: ORDER_TIME,
    financialStatus: refunds.length ? "partially_refunded" : "paid",
    refunds: refunds.map((r) => ({ ...r, orderId: id })),
  });
}

async function deliver(shopDomain: string, events: { topic: string; payload: unknown }[]) {
  for (const e of events) expect((await sendWebhook(server().url, e.topic, shopDomain, e.payload)).status).toBe(200);
  await getJobRunner().idle();
  const bad = await db().webhookEvent.findMany({ where: { shopDomain, status: { not: "done" } }, select: { topic: true, lastError: true } });
  expect(bad).toEqual([]);
}

async function orderPoints(shopId: string, orderId: string) {
  const record = await db().orderRecord.findUniqueOrThrow({ where: { shopId_orderGid: { shopId, orderGid: `gid://shopify/Order/${orderId}` } } });
  return { credited: record.pointsCredited, eligible: Number(record.eligibleMinor) };
}

describe("refunds without line items", () => {
  it("lowers an order's points in proportion to an amount-only refund, once, and takes nothing for shipping", async () => {
    const shop = await createTestShop(db());
    const orderId = uniqueId(8_100_000_000);
    const customerId = uniqueId(8_200_000_000);
    await deliver(shop.domain, [{ topic: "orders/paid", payload: paidOrder(orderId, customerId) }]);
    expect(await orderPoints(shop.id, orderId)).toEqual({ credited: 100, eligible: 10000 });

    // Shipping refunded, in the current shape and the older one: nothing changes.
    await deliver(shop.domain, [
      { topic: "refunds/create", payload: refundPayload({ id: uniqueId(8_300_000_000), orderId, lines: [], shipping: "10.00", transactions: [{ amount: "10.00" }] }) },
      { topic: "refunds/create", payload: refundPayload({ id: uniqueId(8_300_000_000), orderId, lines: [], adjustments: [{ amount: "-10.00", kind: "shipping_refund" }] }) },
    ]);
    expect(await orderPoints(shop.id, orderId)).toEqual({ credited: 100, eligible: 10000 });

    // 22.00 back of 110.00 (to store credit): a fifth of the eligible 100.00. Delivered twice.
    const amountOnly = refundPayload({ id: uniqueId(8_300_000_000), orderId, lines: [], adjustments: [{ amount: "-22.00" }], transactions: [{ amount: "22.00", gateway: "shopify_store_credit" }] });
    await deliver(shop.domain, [{ topic: "refunds/create", payload: amountOnly }, { topic: "refunds/create", payload: amountOnly }]);
    expect(await orderPoints(shop.id, orderId)).toEqual({ credited: 80, eligible: 8000 });
    const member = await db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${customerId}` } } });
    expect(member.points).toBe(100 + 80); // sign-up bonus + the order after the refund
    const reversals = await db().ledgerEntry.findMany({ where: { shopId: shop.id, kind: "order_reversed" } });
    expect(reversals.map((e) => e.delta)).toEqual([-20]);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("converges whichever arrives first: the refund before its order, or inside a later orders/updated", async () => {
    const shop = await createTestShop(db());
    const orderId = uniqueId(8_100_000_000);
    const customerId = uniqueId(8_200_000_000);
    const refund = { id: uniqueId(8_300_000_000), lines: [], adjustments: [{ amount: "-55.00" }], transactions: [{ amount: "55.00" }] };
    await deliver(shop.domain, [{ topic: "refunds/create", payload: refundPayload({ ...refund, orderId }) }]);
    await deliver(shop.domain, [{ topic: "orders/paid", payload: paidOrder(orderId, customerId) }]);
    expect(await orderPoints(shop.id, orderId)).toEqual({ credited: 50, eligible: 5000 });
    // The same refund inside the order's newer state counts once.
    await deliver(shop.domain, [{ topic: "orders/updated", payload: paidOrder(orderId, customerId, [refund], "2026-11-21T10:00:00Z") }]);
    expect(await orderPoints(shop.id, orderId)).toEqual({ credited: 50, eligible: 5000 });
    expect(await db().orderRefund.count({ where: { shopId: shop.id } })).toBe(1);

    // A refund first seen inside orders/updated, then as refunds/create.
    const second = uniqueId(8_100_000_000);
    const late = { id: uniqueId(8_300_000_000), lines: [], adjustments: [{ amount: "-110.00" }] };
    await deliver(shop.domain, [{ topic: "orders/paid", payload: paidOrder(second, customerId) }]);
    await deliver(shop.domain, [{ topic: "orders/updated", payload: paidOrder(second, customerId, [late], "2026-11-21T10:00:00Z") }]);
    await deliver(shop.domain, [{ topic: "refunds/create", payload: refundPayload({ ...late, orderId: second }) }]);
    expect(await orderPoints(shop.id, second)).toEqual({ credited: 0, eligible: 0 });
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });
});
