import { describe, expect, it } from "vitest";
import { computeLineOrderTarget, type EarnLine, type EarnRefundLine, type LineOrderInput } from "../../app/loyalty/orders/line-points";
import { computeOrderTarget } from "../../app/loyalty/orders/order-points";
import { productLineTerms, readPurchaseTerms, type ProductRule } from "../../app/loyalty/earn/product-rules";
import { campaignMultiplierPermille } from "../../app/loyalty/earn/campaigns";

// Earning by line (docs/decisions/0033-earning-by-what-is-bought.md): per-line eligible
// amounts in shop money, multipliers, extras and exclusions, fixed points per order with a
// minimum spend, and refunds that reverse by the lines they took back.

const line = (id: string, amountMinor: number, over: Partial<EarnLine> = {}): EarnLine => ({
  lineItemId: id,
  quantity: 1,
  currentQuantity: over.quantity ?? 1,
  amountMinor,
  nonEarning: false,
  earnPermille: 1000,
  earnExtraPoints: 0,
  earnMultiplierPermille: 1000,
  ...over,
});
const refund = (id: string, quantity: number, subtotalMinor: number, taxMinor = 0): EarnRefundLine => ({ lineItemId: id, quantity, subtotalMinor, taxMinor, nonEarning: false });

function target(lines: EarnLine[], over: Partial<LineOrderInput> = {}, terms: Partial<LineOrderInput["terms"]> = {}) {
  return computeLineOrderTarget({
    paid: true,
    cancelled: false,
    taxesIncluded: false,
    lines,
    refundLines: [],
    orderTotalMinor: 0,
    refundAdjustmentMinor: 0,
    ...over,
    terms: { mode: "rate", points: 1, spendMinor: 100, minSpendMinor: 0, multiplierPermille: 1000, ...terms },
  });
}

describe("points by line", () => {
  it("earns as the plain rate when every line earns 1x (the same arithmetic as the whole order)", () => {
    const lines = [line("a", 1999), line("b", 2550, { quantity: 3 })];
    for (const multiplierPermille of [1000, 1250, 1875]) {
      const byLine = target(lines.map((l) => ({ ...l, earnMultiplierPermille: multiplierPermille })), {}, { multiplierPermille });
      const plain = computeOrderTarget({ paid: true, cancelled: false, grossMinor: 4549, editRemovedMinor: 0, refundedMinor: 0, rate: { points: 1, spendMinor: 100 }, multiplierPermille });
      expect(byLine).toEqual(plain);
    }
  });

  it("multiplies a 2x line, and takes the tier x campaign multiplier after it", () => {
    // 20.00 of candles at 2x + 15.00 plain = 55 points; a 1.5x tier makes it 82.5 -> 82.
    expect(target([line("candle", 2000, { earnPermille: 2000 }), line("mug", 1500)])).toEqual({ eligibleMinor: 3500, points: 55 });
    const tier = (l: EarnLine) => ({ ...l, earnMultiplierPermille: 1500 });
    expect(target([line("candle", 2000, { earnPermille: 2000 }), line("mug", 1500)].map(tier), {}, { multiplierPermille: 1500 })).toEqual({ eligibleMinor: 3500, points: 82 });
  });

  it("gives an excluded line nothing: no points, not eligible, not towards a minimum", () => {
    expect(target([line("gift-set", 5000, { earnPermille: 0, earnExtraPoints: 0 }), line("mug", 1599)])).toEqual({ eligibleMinor: 1599, points: 15 });
    expect(target([line("gift-set", 5000, { earnPermille: 0 })], {}, { mode: "fixed", points: 50, minSpendMinor: 2000 })).toEqual({ eligibleMinor: 0, points: 0 });
  });

  it("adds extra points per unit bought, times the line's multiplier", () => {
    const candles = line("candle", 4200, { quantity: 3, earnExtraPoints: 10, earnMultiplierPermille: 1500 });
    // 42 points at 1.5x = 63, plus 3 × 10 × 1.5 = 45.
    expect(target([candles], {}, { multiplierPermille: 1500 }).points).toBe(108);
  });

  it("pays fixed points per order from the minimum spend, and a refund below the minimum takes them back", () => {
    const lines = [line("a", 3000), line("b", 2000)];
    const fixed = { mode: "fixed" as const, points: 50, minSpendMinor: 4000 };
    expect(target(lines, {}, fixed)).toEqual({ eligibleMinor: 5000, points: 50 });
    expect(target(lines, {}, { ...fixed, minSpendMinor: 5001 })).toEqual({ eligibleMinor: 5000, points: 0 });
    expect(target(lines, {}, { ...fixed, multiplierPermille: 2000 }).points).toBe(100);
    expect(target(lines, { refundLines: [refund("b", 1, 2000)] }, fixed)).toEqual({ eligibleMinor: 3000, points: 0 });
    // No minimum: any paid order with something eligible earns; a full refund takes it back.
    expect(target(lines, { refundLines: [refund("a", 1, 3000), refund("b", 1, 2000)] }, { ...fixed, minSpendMinor: 0 })).toEqual({ eligibleMinor: 0, points: 0 });
  });

  it("reverses a partial refund of a 2x line at 2x, exactly, by the line refunded", () => {
    const lines = [line("candle", 6000, { quantity: 3, earnPermille: 2000 }), line("mug", 2000)];
    const before = target(lines);
    expect(before).toEqual({ eligibleMinor: 8000, points: 140 });
    const after = target(lines, { refundLines: [refund("candle", 1, 2000)] });
    expect(after).toEqual({ eligibleMinor: 6000, points: 100 });
    expect(before.points - after.points).toBe(40); // 20.00 at 2x
    // The same money refunded from the 1x line takes back 1x.
    expect(before.points - target(lines, { refundLines: [refund("mug", 1, 2000)] }).points).toBe(20);
    // Extras go back per unit refunded.
    const extra = [line("candle", 6000, { quantity: 3, earnExtraPoints: 25 })];
    expect(target(extra).points - target(extra, { refundLines: [refund("candle", 1, 2000)] }).points).toBe(20 + 25);
  });

  it("takes tax out of refunds when prices include it, and units removed by an edit", () => {
    const lines = [line("candle", 4000, { quantity: 2, currentQuantity: 1, earnPermille: 2000 })];
    expect(target(lines)).toEqual({ eligibleMinor: 2000, points: 40 });
    const taxed = [line("candle", 4000, { quantity: 2, earnPermille: 2000 })];
    expect(target(taxed, { taxesIncluded: true, refundLines: [refund("candle", 1, 2480, 480)] })).toEqual({ eligibleMinor: 2000, points: 40 });
  });

  it("scales the lines by an amount-only refund's share, and earns nothing unpaid or cancelled", () => {
    const lines = [line("candle", 6000, { earnPermille: 2000 }), line("mug", 4000)];
    // Half the order's money back beyond the lines: half the weighted amount.
    expect(target(lines, { orderTotalMinor: 10000, refundAdjustmentMinor: 5000 })).toEqual({ eligibleMinor: 5000, points: 80 });
    expect(target(lines, { paid: false })).toEqual({ eligibleMinor: 0, points: 0 });
    expect(target(lines, { cancelled: true })).toEqual({ eligibleMinor: 0, points: 0 });
  });
});

describe("product and collection rules", () => {
  const CANDLES = "gid://shopify/Collection/1";
  const GIFTS = "gid://shopify/Collection/2";
  const TAR = "gid://shopify/Product/11";
  const rules: ProductRule[] = [
    { targetType: "collection", targetGid: CANDLES, title: "Candles", effect: "multiplier", value: 2000 },
    { targetType: "collection", targetGid: GIFTS, title: "Gifts", effect: "extra", value: 20 },
    { targetType: "product", targetGid: TAR, title: "Tar candle", effect: "multiplier", value: 1500 },
    { targetType: "product", targetGid: "gid://shopify/Product/99", title: "Gift card box", effect: "exclude", value: 0 },
  ];

  it("applies the rule on the product before the collection's, extras alongside, and exclusions over all", () => {
    expect(productLineTerms(rules, "gid://shopify/Product/12", [CANDLES])).toEqual({ permille: 2000, extraPoints: 0 });
    expect(productLineTerms(rules, TAR, [CANDLES])).toEqual({ permille: 1500, extraPoints: 0 });
    expect(productLineTerms(rules, "gid://shopify/Product/12", [CANDLES, GIFTS])).toEqual({ permille: 2000, extraPoints: 20 });
    expect(productLineTerms(rules, "gid://shopify/Product/99", [CANDLES])).toEqual({ permille: 0, extraPoints: 0 });
    expect(productLineTerms(rules, null, [])).toEqual({ permille: 1000, extraPoints: 0 });
  });

  it("reads stored terms, dropping malformed rules, and defaults to the plain rate", () => {
    expect(readPurchaseTerms("{}")).toEqual({ mode: "rate", minSpendMinor: 0, productRules: [] });
    const terms = readPurchaseTerms(JSON.stringify({ mode: "fixed", minSpendMinor: "2500", productRules: [rules[0], { ...rules[0], value: 500 }, { targetType: "x" }] }));
    expect(terms).toEqual({ mode: "fixed", minSpendMinor: 2500, productRules: [rules[0]] });
  });

  it("counts a campaign on a collection only for the lines in it", () => {
    const at = new Date("2026-12-05T12:00:00Z");
    const window = { startsAt: new Date("2026-12-01T00:00:00Z"), endsAt: new Date("2026-12-31T00:00:00Z"), tierRanks: "" };
    const campaigns = [{ ...window, multiplierPermille: 1500 }, { ...window, multiplierPermille: 3000, collectionGid: CANDLES }];
    expect(campaignMultiplierPermille(campaigns, at, null)).toBe(1500);
    expect(campaignMultiplierPermille(campaigns, at, null, [GIFTS])).toBe(1500);
    expect(campaignMultiplierPermille(campaigns, at, null, [CANDLES])).toBe(3000);
  });
});

describe("how the purchase rule reads in the list", () => {
  it("says fixed points per order with the minimum, and counts product rules", async () => {
    const { describeEarning } = await import("../../app/loyalty/earn/preview");
    const base = { type: "purchase", points: 50, spendMinor: 100, config: {} };
    expect(describeEarning({ ...base, purchaseTerms: { mode: "fixed", minSpendMinor: 3000, productRules: [] } }, "EUR")).toBe("50 points per order from €30.00");
    expect(describeEarning({ ...base, points: 1, purchaseTerms: { mode: "rate", minSpendMinor: 0, productRules: [{}, {}] } }, "EUR")).toBe("1 point per €1.00 spent · 2 product rules");
  });
});
