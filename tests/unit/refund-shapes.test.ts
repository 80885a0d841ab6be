import { describe, expect, it } from "vitest";
import {
  computeAdjustmentRefundMinor,
  computeEditRemovedMinor,
  computeOrderGrossMinor,
  computeOrderTarget,
  computeRefundEligibleMinor,
  refundedQuantities,
  sumRefundAdjustments,
  type OrderSnapshot,
  type RefundSnapshot,
} from "../../app/loyalty/orders/order-points";
import { parseShopifyJson } from "../../app/webhooks/json";
import { toOrderSnapshot, toRefundSnapshot } from "../../app/webhooks/payloads";
import { lineId, orderPayload, refundPayload, toShopifyJson, type RefundSpec } from "../fixtures/payloads";

// Refunds without line items, in the shapes Shopify documents for the Refund resource
// (order_adjustments with kind refund_discrepancy / shipping_refund, refund_shipping_lines,
// transactions): points follow what the customer finally paid for the eligible items.
// docs/decisions/0015-refunds-without-line-items.md

const RATE = { points: 1, spendMinor: 100 }; // 1 point per 1.00

/** An order of two 50.00 items and 10.00 shipping (total 110.00), with refunds, read as Kanta reads it. */
function order(refunds: Omit<RefundSpec, "orderId">[], extra: { taxesIncluded?: boolean; tax?: string } = {}): OrderSnapshot {
  const payload = orderPayload({
    id: "1001",
    customerId: "2001",
    lines: [{ price: "50.00", tax: extra.tax }, { price: "50.00", tax: extra.tax }],
    shipping: "10.00",
    taxesIncluded: extra.taxesIncluded,
    updatedAt: "2026-11-20T12:00:00Z",
    refunds: refunds.map((r) => ({ ...r, orderId: "1001" })),
  });
  return toOrderSnapshot(parseShopifyJson(toShopifyJson(payload)));
}

function points(snapshot: OrderSnapshot, options: { paid?: boolean; cancelled?: boolean } = {}) {
  return computeOrderTarget({
    paid: options.paid ?? true,
    cancelled: options.cancelled ?? snapshot.cancelled,
    grossMinor: computeOrderGrossMinor(snapshot),
    editRemovedMinor: computeEditRemovedMinor(snapshot, refundedQuantities(snapshot.refunds)),
    refundedMinor: snapshot.refunds.reduce((sum, r) => sum + computeRefundEligibleMinor(r, snapshot.taxesIncluded), 0),
    orderTotalMinor: snapshot.totalMinor,
    refundAdjustmentMinor: sumRefundAdjustments(snapshot.refunds),
    rate: RATE,
    multiplierPermille: 1000,
  });
}

describe("refunds without line items", () => {
  it("reads the order's total and a refund's adjustments (sign flipped: money back is positive)", () => {
    const snapshot = order([{ id: "3001", lines: [], adjustments: [{ amount: "-22.00" }], transactions: [{ amount: "22.00" }] }]);
    expect(snapshot.totalMinor).toBe(11000);
    expect(snapshot.refunds[0]!.adjustmentMinor).toBe(2200);
    const alone = toRefundSnapshot(refundPayload({ id: "3002", orderId: "1001", lines: [], adjustments: [{ amount: "-5.00", tax: "-1.20" }] }));
    expect(alone).toMatchObject({ orderGid: "gid://shopify/Order/1001", lines: [], adjustmentMinor: 620 });
  });

  it("takes an amount-only refund in proportion: eligible × refunded / total", () => {
    expect(points(order([])).points).toBe(100);
    // 22.00 back of 110.00 paid: a fifth of everything, so a fifth of the 100.00 eligible.
    expect(points(order([{ id: "3001", lines: [], adjustments: [{ amount: "-22.00" }], transactions: [{ amount: "22.00" }] }]))).toEqual({ eligibleMinor: 8000, points: 80 });
  });

  it("treats a refund to store credit like any other refund (the method does not matter)", () => {
    const toCard = order([{ id: "3001", lines: [], adjustments: [{ amount: "-22.00" }], transactions: [{ amount: "22.00" }] }]);
    const toStoreCredit = order([{ id: "3001", lines: [], adjustments: [{ amount: "-22.00" }], transactions: [{ amount: "22.00", gateway: "shopify_store_credit" }] }]);
    expect(points(toStoreCredit)).toEqual(points(toCard));
  });

  it("takes nothing for refunded shipping, old shape (shipping_refund) or new (refund_shipping_lines)", () => {
    expect(points(order([{ id: "3001", lines: [], adjustments: [{ amount: "-10.00", kind: "shipping_refund" }] }])).points).toBe(100);
    expect(points(order([{ id: "3001", lines: [], shipping: "10.00", transactions: [{ amount: "10.00" }] }])).points).toBe(100);
  });

  it("adds line refunds and amount-only refunds up, never below zero", () => {
    const lineAndAmount = order([
      { id: "3001", lines: [{ lineItemId: lineId("1001", 0), quantity: 1, subtotal: "50.00" }] },
      { id: "3002", lines: [], adjustments: [{ amount: "-11.00" }] },
    ]);
    // 50.00 by the line, then 11.00 of 110.00 takes a tenth of the 100.00: 40.00 left.
    expect(points(lineAndAmount)).toEqual({ eligibleMinor: 4000, points: 40 });
    const everything = order([{ id: "3001", lines: [], adjustments: [{ amount: "-110.00" }] }, { id: "3002", lines: [], adjustments: [{ amount: "-50.00" }] }]);
    expect(points(everything)).toEqual({ eligibleMinor: 0, points: 0 });
  });

  it("gives back what a line refund took when less than its amount went back (a positive discrepancy)", () => {
    // The 50.00 line refunded for 39.00: 11.00 of it stayed paid; its eligible share (a tenth of 110.00) is 10.00.
    const partial = order([{ id: "3001", lines: [{ lineItemId: lineId("1001", 0), quantity: 1, subtotal: "50.00" }], adjustments: [{ amount: "11.00" }] }]);
    expect(points(partial)).toEqual({ eligibleMinor: 6000, points: 60 });
  });

  it("uses the total with taxes and shipping as the base, so taxes never earn", () => {
    // Two 50.00 items with 12.00 tax each on top, shipping 10.00: total 134.00, eligible 100.00.
    const taxed = order([{ id: "3001", lines: [], adjustments: [{ amount: "-67.00" }] }], { tax: "12.00" });
    expect(taxed.totalMinor).toBe(13400);
    expect(points(taxed)).toEqual({ eligibleMinor: 5000, points: 50 });
  });

  it("keeps the arithmetic in one pure function: nothing while the total is unknown, bounded by the eligible amount", () => {
    expect(computeAdjustmentRefundMinor({ grossMinor: 10000, orderTotalMinor: 0, adjustmentMinor: 500 })).toBe(0);
    expect(computeAdjustmentRefundMinor({ grossMinor: 10000, orderTotalMinor: 11000, adjustmentMinor: 1 })).toBe(0);
    expect(computeAdjustmentRefundMinor({ grossMinor: 10000, orderTotalMinor: 11000, adjustmentMinor: 999_999 })).toBe(10000);
    expect(computeAdjustmentRefundMinor({ grossMinor: 10000, orderTotalMinor: 11000, adjustmentMinor: -999_999 })).toBe(-10000);
    const refunds: Pick<RefundSnapshot, "adjustmentMinor">[] = [{ adjustmentMinor: 100 }, {}, { adjustmentMinor: -30 }];
    expect(sumRefundAdjustments(refunds)).toBe(70);
    // A cancelled or unpaid order earns nothing, whatever its refunds.
    expect(points(order([]), { cancelled: true }).points).toBe(0);
    expect(points(order([]), { paid: false }).points).toBe(0);
  });
});
