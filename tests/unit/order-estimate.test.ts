import { describe, expect, it } from "vitest";
import { computeOrderGrossMinor, estimateOrderLines, estimateOrderPoints } from "../../app/loyalty/orders/order-points";
import { parseCheckoutOrder } from "../../app/loyalty/orders/checkout-order";
import { copyFor, pickLanguage, roundMoney } from "../../extensions/kanta-order-points/src/texts";
import { buildExtensions, BUNDLE_LIMIT_BYTES } from "../../scripts/build-extensions.mjs";

// The thank-you page's estimate before the order arrives (docs/decisions/0026-points-on-the-order.md).

const shop = {
  purchaseRule: { points: 1, spendMinor: 100n },
  tiers: [
    { id: "bronze", rank: 0, multiplierPermille: 1000 },
    { id: "gold", rank: 2, multiplierPermille: 1250 },
  ],
  campaigns: [{ multiplierPermille: 1500, startsAt: new Date("2026-12-01T00:00:00Z"), endsAt: new Date("2026-12-08T00:00:00Z"), tierRanks: "2" }],
};
const at = new Date("2026-12-04T12:00:00Z");

describe("estimateOrderLines", () => {
  it("spreads the order's discount over the lines so they add up to the checkout's figures, never below zero", () => {
    const lines = estimateOrderLines({ lines: [{ totalMinor: 1001 }, { totalMinor: 2002 }, { totalMinor: 0 }], orderDiscountMinor: 1000, taxMinor: 0, taxesIncluded: false });
    expect(lines.reduce((s, l) => s + l.discountMinor, 0)).toBe(1000);
    expect(computeOrderGrossMinor({ lines, taxesIncluded: false })).toBe(3003 - 1000);
    const over = estimateOrderLines({ lines: [{ totalMinor: 500 }], orderDiscountMinor: 900, taxMinor: 0, taxesIncluded: false });
    expect(computeOrderGrossMinor({ lines: over, taxesIncluded: false })).toBe(0);
  });

  it("takes the tax off only when the shop's prices include it", () => {
    const order = { lines: [{ totalMinor: 12400 }], orderDiscountMinor: 0, taxMinor: 2400 };
    expect(computeOrderGrossMinor({ lines: estimateOrderLines({ ...order, taxesIncluded: true }), taxesIncluded: true })).toBe(10000);
    expect(computeOrderGrossMinor({ lines: estimateOrderLines({ ...order, taxesIncluded: false }), taxesIncluded: false })).toBe(12400);
  });
});

describe("estimateOrderPoints", () => {
  const order = { lines: [{ totalMinor: 4999 }], orderDiscountMinor: 0, taxMinor: 0, taxesIncluded: false };
  it("applies the tier's multiplier times the best campaign for that tier, rounded down as the order path does", () => {
    expect(estimateOrderPoints(shop, order, "gold", at)).toEqual({ eligibleMinor: 4999, points: 93, multiplierPermille: 1875 });
    expect(estimateOrderPoints(shop, order, "bronze", at).points).toBe(49);
    expect(estimateOrderPoints(shop, order, "gold", new Date("2026-12-08T00:00:00Z")).points).toBe(62);
  });
  it("is 0 without a purchase rule", () => {
    expect(estimateOrderPoints({ ...shop, purchaseRule: null }, order, "gold", at).points).toBe(0);
    // Fixed points per order (0033): the points from the minimum spend, times the tier and campaign.
    const fixed = { ...shop, purchaseRule: { points: 50, spendMinor: 100n, terms: { mode: "fixed" as const, minSpendMinor: 1000 } } };
    const estimate = estimateOrderPoints(fixed, order, "gold", at);
    expect(estimate.points).toBe(Math.floor((50 * estimate.multiplierPermille) / 1000));
    expect(estimateOrderPoints({ ...fixed, purchaseRule: { ...fixed.purchaseRule, terms: { mode: "fixed", minSpendMinor: estimate.eligibleMinor + 1 } } }, order, "gold", at).points).toBe(0);
  });
});

describe("parseCheckoutOrder", () => {
  it("reads the checkout's decimals in its currency's minor units and an OrderIdentity id as the Order", () => {
    const parsed = parseCheckoutOrder({ orderId: "gid://shopify/OrderIdentity/77", currencyCode: "JPY", lines: [{ amount: 1500 }], orderDiscount: 100 });
    expect(parsed).toEqual({ ok: true, order: { orderGid: "gid://shopify/Order/77", currencyCode: "JPY", lines: [{ totalMinor: 1500 }], orderDiscountMinor: 100, taxMinor: 0 } });
    expect(parseCheckoutOrder({ orderId: "gid://shopify/Order/77", currencyCode: "JPY", lines: [{ amount: 1.5 }] }).ok).toBe(false);
  });
});

describe("the block's texts", () => {
  it("picks the widget's languages by the shopper's language, English otherwise, with plurals", () => {
    expect([pickLanguage("fi"), pickLanguage("sv-SE"), pickLanguage("da"), pickLanguage("de"), pickLanguage("ja"), pickLanguage(undefined)]).toEqual(["fi", "sv", "da", "de", "en", "en"]);
    expect(copyFor("fi").points(1)).toBe("1 piste");
    expect(copyFor("fi").text("willEarn", { points: copyFor("fi").points(200) })).toBe("Saat tästä tilauksesta 200 pistettä");
    expect(copyFor("en").points(1)).toBe("1 point");
    expect(roundMoney(0.1 + 0.2, "EUR")).toBe(0.3);
    expect(roundMoney(1000.0000001, "JPY")).toBe(1000);
  });
});

describe("the extension's bundles", () => {
  it("build both targets under Shopify's 64 KB limit", async () => {
    const results: { handle: string; target: string; bytes: number }[] = await buildExtensions({ write: false });
    const ours = results.filter((r) => r.handle === "kanta-order-points");
    expect(ours.map((r) => r.target).sort()).toEqual(["customer-account.order-status.block.render", "purchase.thank-you.block.render"]);
    for (const r of ours) expect(r.bytes).toBeLessThan(BUNDLE_LIMIT_BYTES);
  });
});
