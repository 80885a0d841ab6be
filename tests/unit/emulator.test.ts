import { describe, expect, it } from "vitest";
import { ALL_DOCUMENTS } from "../../app/shopify/documents";
import { AdminEmulator, DEMO_SHOP, loadAdminSchema, validateAdminDocument } from "../../app/shopify/emulator.server";
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
