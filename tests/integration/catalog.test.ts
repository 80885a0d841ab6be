import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { runDueCatalogSyncs, syncCatalog } from "../../app/jobs/catalog-sync.server";
import { collectionsOfProducts, listCatalogCollections, productsInCollection, requestCatalogSync } from "../../app/loyalty/catalog/catalog.server";
import { ordersWithProducts, readOrderLines, readRefundLines } from "../../app/loyalty/orders/order-lines.server";
import { getEmulator } from "../../app/local/emulator.server";
import { localAdminGraphql } from "../../app/shopify/admin.server";
import { createTestShop, useTestDatabase } from "../db";
import { documentedExample, lineId, orderPayload, refundPayload } from "../fixtures/payloads";
import { sendWebhook, useLocalModeEnv, useTestServer } from "../http";

// The catalogue room (app/loyalty/catalog, docs/decisions/0033-earning-by-what-is-bought.md):
// a full sync from the Admin API (the emulator), the products/* and collections/* webhooks,
// and the order lines the order path keeps (what was bought, what a refund took back).

const { db } = useTestDatabase();
const { server } = useTestServer();
useLocalModeEnv();

const P = (n: number) => `gid://shopify/Product/${9900000000000 + n}`;
const C = (n: number) => `gid://shopify/Collection/${5100000000000 + n}`;

async function shopWithCatalog(productCount = 3) {
  const shop = await createTestShop(db());
  const emulator = await getEmulator();
  emulator.addShop({ name: "Test", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  emulator.addProducts(
    shop.domain,
    Array.from({ length: productCount }, (_, i) => ({
      id: P(i + 1),
      title: i === 0 ? "Tar candle" : `Product ${i + 1}`,
      productType: i === 0 ? "Candles" : "Other",
      vendor: "Wick & Co",
      variants: [{ id: `gid://shopify/ProductVariant/${7700000000000 + i}`, title: "Default Title", price: "10.00" }],
    })),
  );
  emulator.catalog.setCollection(shop.domain, { id: C(1), title: "Candles", handle: "candles", productIds: [P(1), P(2)] });
  emulator.catalog.setCollection(shop.domain, { id: C(2), title: "Gifts", handle: "gifts", productIds: [P(2)] });
  emulator.catalog.setCollection(shop.domain, { id: C(3), title: "Empty", handle: "empty", productIds: [] });
  return { shop, emulator };
}

describe("the catalogue", () => {
  it("syncs every product with its collections, across pages, and removes what Shopify no longer has", async () => {
    const { shop, emulator } = await shopWithCatalog(230);
    const counts = await syncCatalog(db(), shop, await localAdminGraphql(shop.domain), new Date());
    expect(counts).toEqual({ products: 230, collections: 3 });
    expect(await db().catalogProduct.count({ where: { shopId: shop.id } })).toBe(230);
    const candle = await db().catalogProduct.findUniqueOrThrow({ where: { shopId_productGid: { shopId: shop.id, productGid: P(1) } } });
    expect(candle).toMatchObject({ title: "Tar candle", productType: "Candles", vendor: "Wick & Co" });
    expect(await collectionsOfProducts(db(), shop.id, [P(1), P(2), P(3), P(999)])).toEqual(
      new Map([
        [P(1), [C(1)]],
        [P(2), [C(1), C(2)]],
        [P(3), []],
        [P(999), []],
      ]),
    );
    expect(await productsInCollection(db(), shop.id, C(1))).toEqual([P(1), P(2)]);
    expect((await listCatalogCollections(db(), shop.id)).map((c) => c.title)).toEqual(["Candles", "Empty", "Gifts"]);

    // Deleted while no webhook came: the next full sync removes them.
    emulator.removeProduct(shop.domain, P(2));
    emulator.catalog.removeCollection(shop.domain, C(3));
    await syncCatalog(db(), shop, await localAdminGraphql(shop.domain), new Date(Date.now() + 1000));
    expect(await productsInCollection(db(), shop.id, C(1))).toEqual([P(1)]);
    expect(await db().catalogProduct.count({ where: { shopId: shop.id } })).toBe(229);
    expect((await listCatalogCollections(db(), shop.id)).map((c) => c.title)).toEqual(["Candles", "Gifts"]);
  });

  it("runs a requested sync once and records it done", async () => {
    const { shop } = await shopWithCatalog();
    await requestCatalogSync(db(), shop.id, new Date());
    const now = new Date();
    expect(await runDueCatalogSyncs(db(), now)).toBeGreaterThanOrEqual(1);
    expect(await db().catalogSync.findUniqueOrThrow({ where: { shopId: shop.id } })).toMatchObject({ status: "done", products: 3, collections: 3, attempts: 0 });
    // Done: not due again until a day has passed.
    const again = await runDueCatalogSyncs(db(), now);
    expect((await db().catalogSync.findUniqueOrThrow({ where: { shopId: shop.id } })).finishedAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(again).toBe(0);
  });

  it("follows products/update, products/delete and collections/update through signed webhooks", async () => {
    const { shop, emulator } = await shopWithCatalog();
    await syncCatalog(db(), shop, await localAdminGraphql(shop.domain), new Date());

    // The merchant renames product 3 and adds it to Candles: the webhook has the fields, Shopify the membership.
    emulator.removeProduct(shop.domain, P(3));
    emulator.addProducts(shop.domain, [{ id: P(3), title: "Birch candle", productType: "Candles", vendor: "Wick & Co", variants: [] }]);
    emulator.catalog.setCollection(shop.domain, { id: C(1), title: "Candles", handle: "candles", productIds: [P(1), P(2), P(3)] });
    const update = { ...documentedExample("products/update"), id: String(9900000000003), admin_graphql_api_id: P(3), title: "Birch candle", product_type: "Candles", vendor: "Wick & Co" };
    expect((await sendWebhook(server().url, "products/update", shop.domain, update)).status).toBe(200);
    await getJobRunner().idle();
    expect(await db().catalogProduct.findUniqueOrThrow({ where: { shopId_productGid: { shopId: shop.id, productGid: P(3) } } })).toMatchObject({ title: "Birch candle", productType: "Candles" });
    expect((await collectionsOfProducts(db(), shop.id, [P(3)])).get(P(3))).toEqual([C(1)]);

    // Gifts loses product 2 and gains product 1.
    emulator.catalog.setCollection(shop.domain, { id: C(2), title: "Gifts for her", handle: "gifts", productIds: [P(1)] });
    const collection = { ...documentedExample("collections/update"), id: String(5100000000002), admin_graphql_api_id: C(2), title: "Gifts for her", handle: "gifts" };
    expect((await sendWebhook(server().url, "collections/update", shop.domain, collection)).status).toBe(200);
    await getJobRunner().idle();
    expect(await productsInCollection(db(), shop.id, C(2))).toEqual([P(1)]);
    expect((await db().catalogCollection.findUniqueOrThrow({ where: { shopId_collectionGid: { shopId: shop.id, collectionGid: C(2) } } })).title).toBe("Gifts for her");

    expect((await sendWebhook(server().url, "products/delete", shop.domain, { id: String(9900000000001) })).status).toBe(200);
    await getJobRunner().idle();
    expect(await productsInCollection(db(), shop.id, [C(1), C(2)])).toEqual([P(2), P(3)]);
    expect(await db().catalogProduct.count({ where: { shopId: shop.id, productGid: P(1) } })).toBe(0);
  });
});

describe("order lines", () => {
  it("keeps what an order bought and what each refund took back, once, however often the events come", async () => {
    const { shop } = await shopWithCatalog();
    const order = orderPayload({
      id: "4410000000001",
      customerId: "8810000000001",
      lines: [
        { price: "20.00", quantity: 2, discount: "4.00", productId: "9900000000001", variantId: "7700000000000" },
        { price: "15.00", productId: "9900000000002", variantId: "7700000000001" },
        { price: "25.00", giftCard: true },
      ],
      updatedAt: "2026-11-20T10:00:00Z",
    });
    for (let i = 0; i < 2; i++) expect((await sendWebhook(server().url, "orders/paid", shop.domain, order)).status).toBe(200);
    await getJobRunner().idle();
    const lines = await readOrderLines(db(), shop.id, "gid://shopify/Order/4410000000001");
    expect(lines.map((l) => [l.productGid, l.variantGid, l.quantity, Number(l.amountMinor), l.nonEarning])).toEqual([
      [P(1), "gid://shopify/ProductVariant/7700000000000", 2, 3600, false],
      [P(2), "gid://shopify/ProductVariant/7700000000001", 1, 1500, false],
      [null, null, 1, 0, true],
    ]);

    const refund = refundPayload({ id: "6610000000001", orderId: "4410000000001", createdAt: "2026-11-21T10:00:00Z", lines: [{ lineItemId: lineId("4410000000001", 0), quantity: 1, subtotal: "18.00" }] });
    for (let i = 0; i < 2; i++) expect((await sendWebhook(server().url, "refunds/create", shop.domain, refund)).status).toBe(200);
    // The order's newer state carries the same refund: still one row per refunded line.
    await sendWebhook(server().url, "orders/updated", shop.domain, { ...order, updated_at: "2026-11-21T10:00:01Z", financial_status: "partially_refunded", refunds: [refund] });
    await getJobRunner().idle();
    const refundLines = await readRefundLines(db(), shop.id, "gid://shopify/Order/4410000000001");
    expect(refundLines.map((l) => [l.lineItemId, l.quantity, Number(l.subtotalMinor)])).toEqual([[lineId("4410000000001", 0), 1, 1800]]);

    expect(await ordersWithProducts(db(), shop.id, await productsInCollection(db(), shop.id, C(2)))).toEqual([]);
    await syncCatalog(db(), shop, await localAdminGraphql(shop.domain), new Date());
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(await ordersWithProducts(db(), shop.id, await productsInCollection(db(), shop.id, C(2)))).toEqual([{ orderGid: "gid://shopify/Order/4410000000001", memberId: member.id }]);
  });
});
