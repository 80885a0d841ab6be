import { describe, expect, it } from "vitest";
import {
  RewardConfigError,
  checkRedeemable,
  computeDiscountSpec,
  computePointsToMoney,
  describeRewardValue,
  parseRewardConfig,
  type RewardDef,
} from "../../app/loyalty/rewards/rewards";
import { AdminEmulator } from "../../app/local/emulator.server";
import { DEMO_PRODUCTS, DEMO_SHOP } from "../../app/local/demo-shop";
import { loadAdminSchema } from "../../app/local/admin-schema.server";
import { createRewardDiscount } from "../../app/shopify/discounts.server";
import { PRODUCTS_WITH_VARIANTS } from "../../app/shopify/documents";
import { runAdminQuery } from "../../app/shopify/graphql";

const base: RewardDef = {
  id: "r1",
  type: "points_to_money",
  name: "Use your points",
  pointsCost: 100,
  valueMinor: null,
  percentOff: null,
  minOrderMinor: null,
  expiryDays: null,
  minTierRank: null,
  productVariantGid: null,
  enabled: true,
  rate: { pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 },
};
const now = new Date("2026-11-23T10:00:00Z");

describe("points to money", () => {
  it("turns whole steps of points into an exact amount", () => {
    const rate = { pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 };
    expect(computePointsToMoney(rate, 100)).toEqual({ ok: true, points: 100, amountMinor: 100 });
    expect(computePointsToMoney(rate, 2500)).toEqual({ ok: true, points: 2500, amountMinor: 2500 });
    expect(computePointsToMoney(rate, 5000)).toEqual({ ok: true, points: 5000, amountMinor: 5000 });
    // 250 points = 5 € with 50-point steps worth 1 €: any rate, integer minor units.
    expect(computePointsToMoney({ pointsPerUnit: 50, unitMinor: 100, maxMinor: null }, 250)).toEqual({ ok: true, points: 250, amountMinor: 500 });
    expect(computePointsToMoney({ pointsPerUnit: 1, unitMinor: 1, maxMinor: null }, 1_000_000)).toEqual({ ok: true, points: 1_000_000, amountMinor: 1_000_000 });
  });

  it.each([
    ["below one step", 99],
    ["not a whole step", 150],
    ["above the maximum", 5100],
    ["zero", 0],
    ["negative", -100],
    ["fractional", 100.5],
    ["not a number", Number.NaN],
  ])("refuses %s", (_name, points) => {
    expect(computePointsToMoney({ pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 }, points)).toEqual({ ok: false, minPoints: 100, stepPoints: 100, maxPoints: 5000 });
  });

  it("caps the maximum at whole steps when it is not a multiple of the step value", () => {
    // 100 points = 3,00 €, at most 10,00 €: 3 steps (900 points, 9,00 €).
    const rate = { pointsPerUnit: 100, unitMinor: 300, maxMinor: 1000 };
    expect(computePointsToMoney(rate, 300)).toMatchObject({ ok: true, amountMinor: 900 });
    expect(computePointsToMoney(rate, 400)).toMatchObject({ ok: false, maxPoints: 300 });
  });

  it("becomes an amount-off discount for the chosen points, in the shop currency's decimals", () => {
    const spec = computeDiscountSpec(base, { code: "KANTA-AAAA-BBBB", customerGid: "gid://shopify/Customer/1", currencyCode: "EUR", now, points: 700 });
    expect(spec).toMatchObject({ kind: "amount", amount: "7.00", percentage: null, endsAt: null });
    const yen = computeDiscountSpec({ ...base, rate: { pointsPerUnit: 10, unitMinor: 100, maxMinor: null } }, { code: "KANTA-AAAA-CCCC", customerGid: "gid://shopify/Customer/1", currencyCode: "JPY", now, points: 50 });
    expect(yen.amount).toBe("500");
    expect(() => computeDiscountSpec(base, { code: "K", customerGid: "g", currencyCode: "EUR", now, points: 150 })).toThrow(RewardConfigError);
    expect(() => computeDiscountSpec(base, { code: "K", customerGid: "g", currencyCode: "EUR", now })).toThrow(RewardConfigError);
    expect(() => computeDiscountSpec({ ...base, rate: null }, { code: "K", customerGid: "g", currencyCode: "EUR", now, points: 100 })).toThrow(RewardConfigError);
  });

  it("is redeemable from one step of points", () => {
    expect(checkRedeemable(base, { points: 99, tierRank: 0 })).toEqual({ code: "insufficient_points", needed: 1 });
    expect(checkRedeemable(base, { points: 100, tierRank: 0 })).toBeNull();
  });

  it("is described with its rate", () => {
    expect(describeRewardValue(base, "EUR")).toBe("100 points = 1.00 EUR, up to 50.00 EUR");
    expect(describeRewardValue({ ...base, rate: { ...base.rate!, maxMinor: null } }, "EUR")).toBe("100 points = 1.00 EUR");
    expect(describeRewardValue({ ...base, type: "free_product", productTitle: "Linen tote bag – Natural" }, "EUR")).toBe("Free Linen tote bag – Natural");
  });

  it("reads Reward.config defensively", () => {
    expect(parseRewardConfig('{"pointsPerUnit":100,"unitMinor":100,"maxMinor":5000}')).toEqual({ rate: { pointsPerUnit: 100, unitMinor: 100, maxMinor: 5000 }, productTitle: null, notify: false });
    expect(parseRewardConfig('{"pointsPerUnit":100,"unitMinor":100,"maxMinor":null}').rate).toEqual({ pointsPerUnit: 100, unitMinor: 100, maxMinor: null });
    expect(parseRewardConfig('{"pointsPerUnit":0,"unitMinor":100}').rate).toBeNull();
    expect(parseRewardConfig('{"pointsPerUnit":1.5,"unitMinor":100}').rate).toBeNull();
    expect(parseRewardConfig('{"pointsPerUnit":"100","unitMinor":100}').rate).toBeNull();
    expect(parseRewardConfig("not json")).toEqual({ rate: null, productTitle: null, notify: false });
    expect(parseRewardConfig("[1]")).toEqual({ rate: null, productTitle: null, notify: false });
    expect(parseRewardConfig('{"productTitle":"  Wool socks – M "}').productTitle).toBe("Wool socks – M");
  });
});

describe("local catalogue and points-to-money codes against the Admin schema", () => {
  it("answers the product query with the demo products and their variants, type-checked", async () => {
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    emulator.addProducts(DEMO_SHOP.myshopifyDomain, DEMO_PRODUCTS);
    const client = emulator.client(DEMO_SHOP.myshopifyDomain);
    type Data = { products: { nodes: { id: string; title: string; variants: { nodes: { id: string; title: string; price: string }[] } }[] } };
    const all = await runAdminQuery<Data>(client, PRODUCTS_WITH_VARIANTS, { first: 10 });
    expect(all.products.nodes.map((p) => p.title)).toEqual(["Birch scented candle", "Birch soap bar", "Linen tote bag", "Stoneware mug", "Tar scented candle", "Wool socks"]);
    expect(all.products.nodes[2]!.variants.nodes).toEqual([
      { id: "gid://shopify/ProductVariant/4470000000021", title: "Natural", price: "24.50" },
      { id: "gid://shopify/ProductVariant/4470000000022", title: "Black", price: "24.50" },
    ]);
    const socks = await runAdminQuery<Data>(client, PRODUCTS_WITH_VARIANTS, { first: 10, query: "wool" });
    expect(socks.products.nodes.map((p) => p.title)).toEqual(["Wool socks"]);
    // A product Shopify could not return (a variant without its non-null title) fails like a wrong query.
    emulator.addProducts(DEMO_SHOP.myshopifyDomain, [{ id: "gid://shopify/Product/1", title: "Broken", variants: [{ id: "gid://shopify/ProductVariant/1", title: null as unknown as string, price: "1.00" }] }]);
    await expect(runAdminQuery(client, PRODUCTS_WITH_VARIANTS, { first: 10, query: "broken" })).rejects.toThrow(/non-nullable/);
  });

  it("a points-to-money code is an input Shopify's schema accepts", async () => {
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    const spec = computeDiscountSpec(base, { code: "KANTA-PTM0-0001", customerGid: "gid://shopify/Customer/42", currencyCode: "EUR", now, points: 1200 });
    await expect(createRewardDiscount(emulator.client(DEMO_SHOP.myshopifyDomain), spec)).resolves.toMatchObject({ code: "KANTA-PTM0-0001" });
    expect(emulator.discounts(DEMO_SHOP.myshopifyDomain)[0]!.input).toMatchObject({ customerGets: { value: { discountAmount: { amount: "12.00" } } } });
  });
});
