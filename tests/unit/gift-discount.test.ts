import { describe, expect, it } from "vitest";
import { discountInput } from "../../app/shopify/discounts.server";
import { computeDiscountSpec, parseRewardConfig, RewardConfigError, type RewardDef } from "../../app/loyalty/rewards/rewards";
import { computeGiftDiscountSpec, giftCodeFromDigest, giftRequestId } from "../../app/loyalty/rewards/gifts";
import { giftCode } from "../../app/loyalty/rewards/gifts.server";
import { discountOffLines } from "../../app/local/emulator-cart-discount.server";
import type { EmulatedDiscount } from "../../app/local/emulator.server";

// The free product's discount (docs/decisions/0031-gifts.md): Shopify's schema gives
// `discountOnQuantity` to buy-X-get-Y discounts (the BXGY customerGets); an amount-off code
// takes a percentage or an amount. 100 % off the variant frees every unit in the cart, so
// the code takes one unit's price off the variant, split across its units: one unit free.

const VARIANT = "gid://shopify/ProductVariant/4470000000021";
const tote: RewardDef = {
  id: "r1",
  type: "free_product",
  name: "Free tote",
  pointsCost: 800,
  valueMinor: null,
  percentOff: null,
  minOrderMinor: null,
  expiryDays: 30,
  minTierRank: null,
  productVariantGid: VARIANT,
  enabled: true,
  productTitle: "Linen tote bag – Natural",
  priceMinor: 2450,
};
const now = new Date("2026-11-23T10:00:00Z");

describe("the free-product discount", () => {
  it("is a basic code of one unit's price off that variant, split across its units, for one customer, single use", () => {
    const spec = computeDiscountSpec(tote, { code: "KANTA-GABCD-EFGH", customerGid: "gid://shopify/Customer/42", currencyCode: "EUR", now });
    const { field, variables } = discountInput(spec);
    expect(field).toBe("discountCodeBasicCreate");
    const discount = variables.discount as Record<string, unknown>;
    expect(discount).toMatchObject({
      code: "KANTA-GABCD-EFGH",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { customers: { add: ["gid://shopify/Customer/42"] } },
      endsAt: "2026-12-23T10:00:00.000Z",
    });
    expect(discount.customerGets).toEqual({
      value: { discountAmount: { amount: "24.50", appliesOnEachItem: false } },
      items: { products: { productVariantsToAdd: [VARIANT] } },
    });
    expect(JSON.stringify(variables)).not.toContain("discountOnQuantity");
    expect(JSON.stringify(variables)).not.toContain("percentage");
  });

  it("frees exactly one unit however many are in the cart (Shopify's split of a fixed amount)", () => {
    const spec = computeDiscountSpec(tote, { code: "KANTA-GABCD-EFGH", customerGid: "gid://shopify/Customer/42", currencyCode: "EUR", now });
    const code = { code: spec.code, input: discountInput(spec).variables.discount } as unknown as EmulatedDiscount;
    const lines = (qty: number) => [
      { variantGid: VARIANT, quantity: qty, unitMinor: 2450 },
      { variantGid: "gid://shopify/ProductVariant/4470000000041", quantity: 1, unitMinor: 1600 },
    ];
    expect(discountOffLines([code], spec.code, lines(1))).toEqual({ totalMinor: 2450, perLine: [2450, 0] });
    expect(discountOffLines([code], spec.code, lines(3))).toEqual({ totalMinor: 2450, perLine: [2450, 0] });
    // 100 % off the variant (the shape Kanta used to send) would have freed all three.
    const everyUnit = { code: "X", input: { customerGets: { value: { discountAmount: { amount: "24.50", appliesOnEachItem: true } }, items: { products: { productVariantsToAdd: [VARIANT] } } } } } as unknown as EmulatedDiscount;
    expect(discountOffLines([everyUnit], "X", lines(3))!.totalMinor).toBe(3 * 2450);
    // A cart without the product gets nothing from the code.
    expect(discountOffLines([code], spec.code, [{ variantGid: "gid://shopify/ProductVariant/1", quantity: 2, unitMinor: 900 }])).toBeNull();
  });

  it("needs the variant's price: a reward saved without it cannot make a code", () => {
    expect(() => computeDiscountSpec({ ...tote, priceMinor: null }, { code: "K", customerGid: "gid://shopify/Customer/1", currencyCode: "EUR", now })).toThrow(RewardConfigError);
    expect(parseRewardConfig('{"productTitle":"Tote","priceMinor":2450,"imageUrl":"https://cdn.shopify.com/a.jpg"}')).toMatchObject({ priceMinor: 2450, imageUrl: "https://cdn.shopify.com/a.jpg" });
    expect(parseRewardConfig('{"productTitle":"Tote","priceMinor":2450,"imageUrl":"javascript:alert(1)"}').imageUrl).toBeUndefined();
    expect(parseRewardConfig('{"productTitle":"Tote","priceMinor":-5}').priceMinor).toBeUndefined();
  });

  it("a gift's code is its own and the same on every attempt; it starts when granted and ends when the gift does", () => {
    const requestId = giftRequestId("nth:rule1:member1:4");
    expect(giftCode("shop1", requestId)).toBe(giftCode("shop1", requestId));
    expect(giftCode("shop1", requestId)).not.toBe(giftCode("shop2", requestId));
    expect(giftCode("shop1", requestId)).toMatch(/^KANTA-G[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(giftCodeFromDigest(new Uint8Array(32))).toBe("KANTA-G0000-0000");
    const grantedAt = new Date("2026-11-20T08:00:00Z");
    const expiresAt = new Date("2026-12-20T08:00:00Z");
    const spec = computeGiftDiscountSpec(tote, { code: "KANTA-G1234-5678", customerGid: "gid://shopify/Customer/42", currencyCode: "EUR", grantedAt, expiresAt, now });
    expect(spec).toMatchObject({ kind: "free_product", title: "Kanta gift: Linen tote bag – Natural", amount: "24.50", minimumSubtotal: null, startsAt: grantedAt, endsAt: expiresAt });
  });
});
