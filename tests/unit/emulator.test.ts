import { describe, expect, it } from "vitest";
import { ALL_DOCUMENTS, BULK_QUERIES } from "../../app/shopify/documents";
import { AdminEmulator } from "../../app/local/emulator.server";
import { DEMO_SHOP } from "../../app/local/demo-shop";
import { loadAdminSchema, validateAdminDocument } from "../../app/local/admin-schema.server";
import { runAdminQuery, ShopifyApiError } from "../../app/shopify/graphql";
import { API_VERSION } from "../../app/shopify.server";

describe("Admin API documents and emulator", () => {
  it("targets the schema version the app is configured for", () => {
    expect(API_VERSION).toBe("2026-07");
  });

  it("every document Kanta sends is valid against Shopify's published Admin schema", () => {
    for (const [name, document] of Object.entries(ALL_DOCUMENTS)) {
      expect({ name, errors: validateAdminDocument(document) }).toEqual({ name, errors: [] });
    }
  });

  it("every bulk query (with its placeholders filled) is valid against the same schema", () => {
    for (const [name, query] of Object.entries(BULK_QUERIES)) {
      expect({ name, errors: validateAdminDocument(query.replace("$SINCE", "2026-01-01")) }).toEqual({ name, errors: [] });
    }
  });

  it("rejects documents Shopify would reject", () => {
    expect(validateAdminDocument("query { shop { notAField } }")[0]).toMatch(/notAField/);
    expect(validateAdminDocument("mutation { tagsAdd(id: 1) { node { id } } }").length).toBeGreaterThan(0);
  });

  it("answers queries through the real schema, type-checking its own answers", async () => {
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    const data = await runAdminQuery<{ shop: { currencyCode: string; ianaTimezone: string } }>(emulator.client(DEMO_SHOP.myshopifyDomain), ALL_DOCUMENTS.SHOP_DETAILS);
    expect(data.shop).toEqual({ name: "Kanta Demo", myshopifyDomain: "kanta-demo.myshopify.com", currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
    expect(emulator.calls.map((c) => c.operationName)).toEqual(["KantaShopDetails"]);

    // A shop with a currency Shopify does not have cannot be answered: the schema's enum refuses it.
    emulator.addShop({ ...DEMO_SHOP, myshopifyDomain: "bad.myshopify.com", currencyCode: "XXX1" });
    await expect(runAdminQuery(emulator.client("bad.myshopify.com"), ALL_DOCUMENTS.SHOP_DETAILS)).rejects.toThrow(ShopifyApiError);
  });

  it("can fail like Shopify does, and refuses unknown shops", async () => {
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    emulator.failNext("KantaShopDetails", "Internal error. Looks like something went wrong on our end.");
    const client = emulator.client(DEMO_SHOP.myshopifyDomain);
    await expect(runAdminQuery(client, ALL_DOCUMENTS.SHOP_DETAILS)).rejects.toThrow(/something went wrong/);
    await expect(runAdminQuery(client, ALL_DOCUMENTS.SHOP_DETAILS)).resolves.toBeTruthy();
    const response = await emulator.client("unknown.myshopify.com")(ALL_DOCUMENTS.SHOP_DETAILS);
    expect(response.status).toBe(401);
  });
});

describe("reward discounts against the Admin schema", () => {
  it("every reward type becomes an input Shopify's schema accepts", async () => {
    const { computeDiscountSpec } = await import("../../app/loyalty/rewards/rewards");
    const { createRewardDiscount } = await import("../../app/shopify/discounts.server");
    const emulator = new AdminEmulator(loadAdminSchema());
    emulator.addShop(DEMO_SHOP);
    const client = emulator.client(DEMO_SHOP.myshopifyDomain);
    const base = { name: "r", pointsCost: 100, valueMinor: null, percentOff: null, minOrderMinor: null, expiryDays: null, minTierRank: null, productVariantGid: null, enabled: true };
    const rewards = [
      { ...base, id: "1", type: "amount_off" as const, valueMinor: 500, minOrderMinor: 2500, expiryDays: 30 },
      { ...base, id: "2", type: "percent_off" as const, percentOff: 15 },
      { ...base, id: "3", type: "free_shipping" as const },
      { ...base, id: "4", type: "free_product" as const, productVariantGid: "gid://shopify/ProductVariant/1234567890123", priceMinor: 890 },
    ];
    const now = new Date("2026-11-23T10:00:00Z");
    for (const [i, reward] of rewards.entries()) {
      const spec = computeDiscountSpec(reward, { code: `KANTA-TEST-000${i}`, customerGid: "gid://shopify/Customer/42", currencyCode: "EUR", now });
      // The emulator coerces the variables against the schema's input types: a wrong shape fails here.
      await expect(createRewardDiscount(client, spec)).resolves.toMatchObject({ code: `KANTA-TEST-000${i}` });
    }
    const [amount, percent, shipping, product] = emulator.discounts(DEMO_SHOP.myshopifyDomain);
    expect(amount!.input).toMatchObject({ customerGets: { value: { discountAmount: { amount: "5.00" } } }, minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.00" } }, endsAt: "2026-12-23T10:00:00.000Z" });
    expect(percent!.input).toMatchObject({ customerGets: { value: { percentage: 0.15 } }, endsAt: null });
    expect(shipping!.typename).toBe("DiscountCodeFreeShipping");
    expect(product!.input).toMatchObject({
      customerGets: { value: { discountAmount: { amount: "8.90", appliesOnEachItem: false } }, items: { products: { productVariantsToAdd: ["gid://shopify/ProductVariant/1234567890123"] } } },
    });
    // A duplicate code is refused the way Shopify refuses it, and Kanta reports it.
    const again = computeDiscountSpec(rewards[1]!, { code: "KANTA-TEST-0001", customerGid: "gid://shopify/Customer/42", currencyCode: "EUR", now });
    await expect(createRewardDiscount(client, again)).rejects.toThrow(/Code must be unique/);
  });
});
