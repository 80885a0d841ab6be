import { describe, expect, it } from "vitest";
import { computeEditRemovedMinor, computeOrderGrossMinor, computeOrderTarget, computeRefundEligibleMinor, isPaidStatus, refundedQuantities, type OrderLine } from "../../app/loyalty/orders/order-points";
import { combineMultipliers, computePurchasePoints } from "../../app/loyalty/earn/points";

const line = (over: Partial<OrderLine> = {}): OrderLine => ({
  lineItemId: "1",
  quantity: 1,
  currentQuantity: over.quantity ?? 1,
  unitPriceMinor: 10000,
  discountMinor: 0,
  taxMinor: 0,
  nonEarning: false,
  ...over,
});

const EUR_RATE = { points: 1, spendMinor: 100 };

describe("purchase points", () => {
  it("earns floor(points per currency unit)", () => {
    expect(computePurchasePoints(12000, EUR_RATE)).toBe(120);
    expect(computePurchasePoints(12099, EUR_RATE)).toBe(120);
    expect(computePurchasePoints(99, EUR_RATE)).toBe(0);
    expect(computePurchasePoints(0, EUR_RATE)).toBe(0);
    expect(computePurchasePoints(-500, EUR_RATE)).toBe(0);
  });

  it("supports other rates and zero-decimal currencies", () => {
    expect(computePurchasePoints(12000, { points: 5, spendMinor: 100 })).toBe(600);
    // JPY: 1 point per 100 yen, amounts already in yen (scale 0)
    expect(computePurchasePoints(1599, { points: 1, spendMinor: 100 })).toBe(15);
    // SEK: 1 point per 10 kr
    expect(computePurchasePoints(25000, { points: 1, spendMinor: 1000 })).toBe(25);
  });

  it("applies multipliers exactly, in permille, without overflow", () => {
    expect(computePurchasePoints(12000, EUR_RATE, 2000)).toBe(240);
    expect(computePurchasePoints(12000, EUR_RATE, 1500)).toBe(180);
    expect(computePurchasePoints(333, EUR_RATE, 1500)).toBe(4); // 3.33 * 1.5 = 4.995
    const huge = Number.MAX_SAFE_INTEGER - 1;
    expect(computePurchasePoints(huge, { points: 100, spendMinor: 1 }, 3000)).toBeGreaterThan(0);
    expect(combineMultipliers([1500, 2000])).toBe(3000);
    expect(combineMultipliers([])).toBe(1000);
  });
});

describe("eligible spend", () => {
  it("counts lines after discounts and excludes gift cards", () => {
    const order = {
      taxesIncluded: false,
      lines: [
        line({ unitPriceMinor: 5000, quantity: 2, discountMinor: 1000 }),
        line({ lineItemId: "2", unitPriceMinor: 2500, nonEarning: true }),
      ],
    };
    expect(computeOrderGrossMinor(order)).toBe(9000);
  });

  it("removes taxes included in prices", () => {
    const order = { taxesIncluded: true, lines: [line({ unitPriceMinor: 12400, taxMinor: 2400 })] };
    expect(computeOrderGrossMinor(order)).toBe(10000);
    expect(computeOrderGrossMinor({ ...order, taxesIncluded: false })).toBe(12400);
  });

  it("takes back refunded lines, net of their tax when prices include it", () => {
    const refund = {
      refundGid: "r",
      orderGid: "o",
      createdAt: new Date(),
      lines: [
        { lineItemId: "1", quantity: 1, subtotalMinor: 12400, taxMinor: 2400, nonEarning: false },
        { lineItemId: "2", quantity: 1, subtotalMinor: 2500, taxMinor: 0, nonEarning: true },
      ],
    };
    expect(computeRefundEligibleMinor(refund, true)).toBe(10000);
    expect(computeRefundEligibleMinor(refund, false)).toBe(12400);
  });

  it("counts units removed by an order edit but not units a refund already took", () => {
    const order = { taxesIncluded: false, lines: [line({ lineItemId: "1", unitPriceMinor: 1000, quantity: 3, currentQuantity: 1 })] };
    expect(computeEditRemovedMinor(order, new Map())).toBe(2000);
    expect(computeEditRemovedMinor(order, new Map([["1", 2]]))).toBe(0);
    expect(computeEditRemovedMinor(order, new Map([["1", 1]]))).toBe(1000);
    expect(
      refundedQuantities([
        { refundGid: "a", orderGid: "o", createdAt: new Date(), lines: [{ lineItemId: "1", quantity: 1, subtotalMinor: 1, taxMinor: 0, nonEarning: false }] },
        { refundGid: "b", orderGid: "o", createdAt: new Date(), lines: [{ lineItemId: "1", quantity: 2, subtotalMinor: 1, taxMinor: 0, nonEarning: false }] },
      ]).get("1"),
    ).toBe(3);
  });

  it("earns nothing unpaid or cancelled, and proportionally after partial refunds", () => {
    const base = { paid: true, cancelled: false, grossMinor: 12000, editRemovedMinor: 0, refundedMinor: 0, rate: EUR_RATE, multiplierPermille: 1000 };
    expect(computeOrderTarget(base).points).toBe(120);
    expect(computeOrderTarget({ ...base, paid: false }).points).toBe(0);
    expect(computeOrderTarget({ ...base, cancelled: true }).points).toBe(0);
    expect(computeOrderTarget({ ...base, refundedMinor: 3000 }).points).toBe(90);
    expect(computeOrderTarget({ ...base, refundedMinor: 50000 }).points).toBe(0);
  });

  it("knows which financial states are paid", () => {
    expect(isPaidStatus("paid")).toBe(true);
    expect(isPaidStatus("partially_refunded")).toBe(true);
    expect(isPaidStatus("pending")).toBe(false);
    expect(isPaidStatus("authorized")).toBe(false);
    expect(isPaidStatus("voided")).toBe(false);
    expect(isPaidStatus(null)).toBe(false);
  });
});
