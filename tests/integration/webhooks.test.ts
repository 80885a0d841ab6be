import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { createTestShop, useTestDatabase } from "../db";
import { customerPayload, lineId, orderPayload, refundPayload, toShopifyJson } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

const { db } = useTestDatabase();
const { server: testServer } = useTestServer();

async function settle() {
  await getJobRunner().idle();
}

async function member(shopId: string, customerId: string) {
  return db().member.findUnique({ where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } } });
}

const ORDER_TIME = "2026-11-20T10:00:00Z";

describe("webhook intake", () => {
  it("turns orders/paid into points once, however often it is delivered", async () => {
    const shop = await createTestShop(db());
    const payload = orderPayload({ id: "820982911946154508", customerId: "115310627314723954", lines: [{ price: "120.00" }], updatedAt: ORDER_TIME });
    const eventId = randomUUID();
    for (let i = 0; i < 3; i++) expect((await sendWebhook(testServer().url, "orders/paid", shop.domain, payload, { eventId })).status).toBe(200);
    // Same order state under another event id (Shopify retrying with a new event, or orders/updated).
    await sendWebhook(testServer().url, "orders/updated", shop.domain, payload);
    await settle();
    const m = await member(shop.id, "115310627314723954");
    expect(m?.points).toBe(100 + 120); // sign-up bonus + order
    expect(await db().webhookEvent.count({ where: { shopDomain: shop.domain } })).toBe(2);
    const order = await db().orderRecord.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(order.orderGid).toBe("gid://shopify/Order/820982911946154508"); // beyond 2^53, exact
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("refuses forged and unsigned webhooks and stores nothing", async () => {
    const shop = await createTestShop(db());
    const payload = orderPayload({ id: "1001", customerId: "2001", lines: [{ price: "50.00" }], updatedAt: ORDER_TIME });
    const forged = await sendWebhook(testServer().url, "orders/paid", shop.domain, payload, { secret: "not-the-secret" });
    expect(forged.status).toBe(401);
    const body = toShopifyJson(payload);
    const tampered = await sendWebhook(testServer().url, "orders/paid", shop.domain, payload, {
      rawBody: body.replace("50.00", "5000.00"),
      headers: { "X-Shopify-Hmac-Sha256": (await import("../../app/shopify/signing")).signWebhookBody(body, "kanta-test-secret") },
    });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(`${testServer().url}/webhooks/orders/paid`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Topic": "orders/paid", "X-Shopify-Shop-Domain": shop.domain },
      body,
    });
    expect([400, 401]).toContain(unsigned.status);
    await settle();
    expect(await db().webhookEvent.count({ where: { shopDomain: shop.domain } })).toBe(0);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("records signed but malformed or incomplete payloads as invalid, without touching the ledger", async () => {
    const shop = await createTestShop(db());
    const notJson = await sendWebhook(testServer().url, "orders/paid", shop.domain, null, { rawBody: '{"id": 12, "line_items": [' });
    expect(notJson.status).toBe(200);
    const payload = orderPayload({ id: "1002", customerId: "2002", lines: [{ price: "50.00" }], updatedAt: ORDER_TIME });
    delete (payload as Record<string, unknown>).line_items;
    expect((await sendWebhook(testServer().url, "orders/paid", shop.domain, payload)).status).toBe(200);
    const badMoney = orderPayload({ id: "1003", customerId: "2003", lines: [{ price: "12.345" }], updatedAt: ORDER_TIME });
    expect((await sendWebhook(testServer().url, "orders/paid", shop.domain, badMoney)).status).toBe(200);
    await settle();
    const events = await db().webhookEvent.findMany({ where: { shopDomain: shop.domain }, orderBy: { receivedAt: "asc" } });
    expect(events.map((e) => e.status)).toEqual(["invalid", "invalid", "invalid"]);
    expect(events[1]!.lastError).toMatch(/line_items/);
    expect(events[2]!.lastError).toMatch(/more decimals/);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("records webhooks for an unknown shop as invalid", async () => {
    const payload = orderPayload({ id: "1004", customerId: "2004", lines: [{ price: "50.00" }], updatedAt: ORDER_TIME });
    const response = await sendWebhook(testServer().url, "orders/paid", "not-installed.myshopify.com", payload);
    expect(response.status).toBe(200);
    await settle();
    const event = await db().webhookEvent.findFirstOrThrow({ where: { shopDomain: "not-installed.myshopify.com" } });
    expect(event.status).toBe("invalid");
    expect(event.lastError).toMatch(/unknown shop/);
    expect(await db().member.count({ where: { customerGid: "gid://shopify/Customer/2004" } })).toBe(0);
  });

  it("reverses points for partial refunds, proportionally, and for cancellations", async () => {
    const shop = await createTestShop(db());
    const order = { id: "3001", customerId: "4001", lines: [{ price: "60.00" }, { price: "40.00" }], updatedAt: ORDER_TIME };
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload(order));
    // The order first, so the refund is a reversal row of its own (on PostgreSQL eight
    // workers could otherwise take the refund first: the order then earns 60 at once; that
    // order is tested below and in the replay storm).
    await settle();
    await sendWebhook(testServer().url, "refunds/create", shop.domain, refundPayload({ id: "5001", orderId: "3001", lines: [{ lineItemId: lineId("3001", 1), quantity: 1, subtotal: "40.00" }] }));
    await settle();
    expect((await member(shop.id, "4001"))?.points).toBe(100 + 60);
    await sendWebhook(testServer().url, "orders/cancelled", shop.domain, orderPayload({ ...order, updatedAt: "2026-11-21T10:00:00Z", cancelledAt: "2026-11-21T10:00:00Z", financialStatus: "partially_refunded" }));
    await settle();
    expect((await member(shop.id, "4001"))?.points).toBe(100);
    const kinds = await db().ledgerEntry.findMany({ where: { shopId: shop.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { kind: true, delta: true } });
    expect(kinds).toEqual([
      { kind: "signup_bonus", delta: 100 },
      { kind: "order_earned", delta: 100 },
      { kind: "order_reversed", delta: -40 },
      { kind: "order_reversed", delta: -60 },
    ]);
  });

  it("ignores a stale orders/updated that arrives after a refund", async () => {
    const shop = await createTestShop(db());
    const order = { id: "3002", customerId: "4002", lines: [{ price: "100.00" }], updatedAt: "2026-11-20T10:00:00Z" };
    const refund = { id: "5002", orderId: "3002", createdAt: "2026-11-20T12:00:00Z", lines: [{ lineItemId: lineId("3002", 0), quantity: 1, subtotal: "100.00" }] };
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload(order));
    await settle();
    // The newer order state already lists the refund; then the refund webhook; then a stale update.
    await sendWebhook(testServer().url, "orders/updated", shop.domain, orderPayload({ ...order, updatedAt: "2026-11-20T12:00:01Z", financialStatus: "refunded", lines: [{ price: "100.00", currentQuantity: 0 }], refunds: [refund] }));
    await sendWebhook(testServer().url, "refunds/create", shop.domain, refundPayload(refund));
    await settle();
    expect((await member(shop.id, "4002"))?.points).toBe(100);
    await sendWebhook(testServer().url, "orders/updated", shop.domain, orderPayload({ ...order, updatedAt: "2026-11-20T11:00:00Z" }));
    await settle();
    expect((await member(shop.id, "4002"))?.points).toBe(100);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("remembers a refund that arrives before orders/paid", async () => {
    const shop = await createTestShop(db());
    await sendWebhook(testServer().url, "refunds/create", shop.domain, refundPayload({ id: "5003", orderId: "3003", lines: [{ lineItemId: lineId("3003", 0), quantity: 1, subtotal: "30.00" }] }));
    await settle();
    expect(await member(shop.id, "4003")).toBeNull();
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "3003", customerId: "4003", lines: [{ price: "30.00" }, { price: "70.00" }], updatedAt: ORDER_TIME }));
    await settle();
    expect((await member(shop.id, "4003"))?.points).toBe(100 + 70);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, kind: "order_reversed" } })).toBe(0);
  });

  it("earns from shop money, excluding gift cards, shipping, tips and included taxes", async () => {
    const shop = await createTestShop(db());
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({
      id: "3004",
      customerId: "4004",
      currency: "EUR",
      presentmentCurrency: "SEK",
      taxesIncluded: true,
      shipping: "9.90",
      tip: "5.00",
      lines: [
        { price: "124.00", tax: "24.00", presentmentPrice: "1400.00" },
        { price: "50.00", giftCard: true, presentmentPrice: "560.00" },
        { price: "20.00", discount: "5.00", presentmentPrice: "225.00" },
        { price: "3.00", tip: true, presentmentPrice: "34.00" },
      ],
      updatedAt: ORDER_TIME,
    }));
    await settle();
    expect((await member(shop.id, "4004"))?.points).toBe(100 + 100 + 15);
  });

  it("earns in zero-decimal currencies", async () => {
    const shop = await createTestShop(db(), { currencyCode: "JPY" });
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "3005", customerId: "4005", currency: "JPY", lines: [{ price: "15990" }], updatedAt: ORDER_TIME }));
    await settle();
    expect((await member(shop.id, "4005"))?.points).toBe(100 + 159); // 1 point per 100 yen
  });

  it("holds order points as pending for the return window", async () => {
    const shop = await createTestShop(db(), { pendingDays: 14 });
    const now = new Date();
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "3006", customerId: "4006", lines: [{ price: "80.00" }, { price: "20.00" }], updatedAt: now.toISOString() }));
    await settle();
    let m = await member(shop.id, "4006");
    expect(m).toMatchObject({ points: 100, pendingPoints: 100 });
    // A refund inside the window takes from the pending points.
    await sendWebhook(testServer().url, "refunds/create", shop.domain, refundPayload({ id: "5006", orderId: "3006", lines: [{ lineItemId: lineId("3006", 1), quantity: 1, subtotal: "20.00" }] }));
    await settle();
    m = await member(shop.id, "4006");
    expect(m).toMatchObject({ points: 100, pendingPoints: 80 });
    const { releaseDuePendingPoints } = await import("../../app/loyalty/orders/orders.server");
    await releaseDuePendingPoints(db(), { now: new Date(now.getTime() + 13 * 86_400_000) });
    expect(await member(shop.id, "4006")).toMatchObject({ points: 100, pendingPoints: 80 });
    await releaseDuePendingPoints(db(), { now: new Date(now.getTime() + 15 * 86_400_000) });
    expect(await member(shop.id, "4006")).toMatchObject({ points: 180, pendingPoints: 0 });
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("enrols customers on customers/create with the sign-up bonus once, and keeps the newest details", async () => {
    const shop = await createTestShop(db());
    await sendWebhook(testServer().url, "customers/create", shop.domain, customerPayload({ id: "4007", firstName: "Aino", updatedAt: "2026-11-20T10:00:00Z" }));
    await sendWebhook(testServer().url, "customers/update", shop.domain, customerPayload({ id: "4007", firstName: "Aino-Maria", updatedAt: "2026-11-21T10:00:00Z" }));
    await settle();
    await sendWebhook(testServer().url, "customers/update", shop.domain, customerPayload({ id: "4007", firstName: "Stale", updatedAt: "2026-11-20T11:00:00Z" }));
    await settle();
    const m = await member(shop.id, "4007");
    expect(m).toMatchObject({ points: 100, firstName: "Aino-Maria" });
    expect(await db().ledgerEntry.count({ where: { memberId: m!.id } })).toBe(1);
  });

  it("awards nothing while the program is a draft or paused", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { status: "draft" } });
    await sendWebhook(testServer().url, "customers/create", shop.domain, customerPayload({ id: "4009" }));
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "3009", customerId: "4009", lines: [{ price: "100.00" }], updatedAt: ORDER_TIME }));
    await settle();
    expect(await member(shop.id, "4009")).toMatchObject({ status: "active", points: 0 });
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("gives no points to customers excluded by tag", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { excludedTags: "staff, wholesale" } });
    await sendWebhook(testServer().url, "customers/create", shop.domain, customerPayload({ id: "4008", tags: "Wholesale" }));
    await settle();
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "3008", customerId: "4008", lines: [{ price: "100.00" }], updatedAt: ORDER_TIME }));
    await settle();
    expect(await member(shop.id, "4008")).toMatchObject({ status: "excluded", points: 0 });
  });

  it("excludes a member when a customers/update adds an excluded tag, and keeps their history", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { excludedTags: "staff" } });
    await sendWebhook(testServer().url, "customers/create", shop.domain, customerPayload({ id: "4010", tags: "vip", updatedAt: "2026-11-01T10:00:00Z" }));
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "3010", customerId: "4010", lines: [{ price: "50.00" }], updatedAt: ORDER_TIME }));
    await settle();
    const before = (await member(shop.id, "4010"))!;
    expect(before.status).toBe("active");
    await sendWebhook(testServer().url, "customers/update", shop.domain, customerPayload({ id: "4010", tags: "vip, Staff", updatedAt: "2026-11-02T10:00:00Z" }));
    await settle();
    expect(await member(shop.id, "4010")).toMatchObject({ status: "excluded", points: before.points });
    // Later orders earn nothing; removing the tag is not enough to come back (the merchant decides).
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "3011", customerId: "4010", lines: [{ price: "80.00" }], updatedAt: ORDER_TIME }));
    await sendWebhook(testServer().url, "customers/update", shop.domain, customerPayload({ id: "4010", tags: "vip", updatedAt: "2026-11-03T10:00:00Z" }));
    await settle();
    expect(await member(shop.id, "4010")).toMatchObject({ status: "excluded", points: before.points });
  });
});
