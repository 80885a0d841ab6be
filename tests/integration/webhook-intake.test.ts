import { afterEach, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { getJobRunner } from "../../app/jobs/queue.server";
import { action as ordersPaid } from "../../app/routes/webhooks.orders.paid";
import { webhookHeaders } from "../../app/shopify/signing";
import { createTestShop, useTestDatabase } from "../db";
import { orderPayload, toShopifyJson } from "../fixtures/payloads";
import { TEST_SECRET } from "../http";

// Intake answers from the library's webhook check alone (app/shopify/webhooks.server.ts):
// the statuses authenticate.webhook gave, and no session read or payload parse (issue #12).

const { db } = useTestDatabase();

const URL = "https://kanta.test/webhooks/orders/paid";
const ORDER_TIME = "2026-11-20T10:00:00Z";

afterEach(() => vi.restoreAllMocks());

function signed(shop: string, body: string, topic = "orders/paid", eventId = randomUUID()): Record<string, string> {
  return webhookHeaders({ topic, shop, body, secret: TEST_SECRET, eventId });
}

async function deliver(init: { method?: string; headers: Record<string, string>; body?: string }): Promise<Response> {
  const request = new Request(URL, { method: init.method ?? "POST", headers: init.headers, body: init.body });
  return ordersPaid({ request, params: {}, context: {} });
}

describe("webhook intake", () => {
  it("answers 405, 401 and 400 as the library's check says, and stores nothing", async () => {
    const shop = await createTestShop(db());
    const body = toShopifyJson(orderPayload({ id: "3001", customerId: "4001", lines: [{ price: "10.00" }], updatedAt: ORDER_TIME }));
    const headers = signed(shop.domain, body);
    expect((await deliver({ method: "GET", headers })).status).toBe(405);
    expect((await deliver({ headers: { ...headers, "X-Shopify-Hmac-Sha256": "Zm9yZ2Vk" }, body })).status).toBe(401);
    const { "X-Shopify-Hmac-Sha256": _hmac, ...unsigned } = headers;
    expect((await deliver({ headers: unsigned, body })).status).toBe(400);
    const { "X-Shopify-API-Version": _version, ...noVersion } = headers;
    expect((await deliver({ headers: noVersion, body })).status).toBe(400);
    expect((await deliver({ headers, body: "" })).status).toBe(400);
    expect(await db().webhookEvent.count({ where: { shopDomain: shop.domain } })).toBe(0);
  });

  it("stores and processes a verified order without reading the shop's session", async () => {
    const shop = await createTestShop(db());
    // Were intake to load the offline session, this delivery would fail with a 500.
    const loadSession = vi.spyOn(PrismaSessionStorage.prototype, "loadSession").mockRejectedValue(new Error("session storage unavailable"));
    const body = toShopifyJson(orderPayload({ id: "3002", customerId: "4002", lines: [{ price: "30.00" }], updatedAt: ORDER_TIME }));
    const headers = signed(shop.domain, body);
    expect((await deliver({ headers, body })).status).toBe(200);
    expect((await deliver({ headers, body })).status).toBe(200); // the same event again: stored once
    await getJobRunner().idle();
    expect(loadSession).not.toHaveBeenCalled();
    const event = await db().webhookEvent.findFirstOrThrow({ where: { shopDomain: shop.domain } });
    expect(event).toMatchObject({ topic: "orders/paid", status: "done", webhookId: headers["X-Shopify-Webhook-Id"], eventId: headers["X-Shopify-Event-Id"], apiVersion: "2026-07" });
    expect(event.triggeredAt?.toISOString()).toBe(headers["X-Shopify-Triggered-At"]);
    expect(await db().webhookEvent.count({ where: { shopDomain: shop.domain } })).toBe(1);
    const member = await db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: "gid://shopify/Customer/4002" } } });
    expect(member.points).toBe(100 + 30); // sign-up bonus + order
  });

  it("records a signed body that is not JSON as invalid, at intake or when processed, and touches no ledger", async () => {
    const shop = await createTestShop(db());
    // Cut off: refused at intake, never queued.
    const cut = '{"id": 12, "line_items": [';
    expect((await deliver({ headers: signed(shop.domain, cut), body: cut })).status).toBe(200);
    // An object at its edges but not JSON inside: intake does not parse it; processing does.
    const inside = '{"id": 13, "line_items": [}';
    expect((await deliver({ headers: signed(shop.domain, inside), body: inside })).status).toBe(200);
    await getJobRunner().idle();
    const events = await db().webhookEvent.findMany({ where: { shopDomain: shop.domain } });
    expect(events.map((e) => [e.status, e.payload])).toEqual([
      ["invalid", ""],
      ["invalid", ""],
    ]);
    for (const e of events) expect(e.lastError).toMatch(/body is not valid JSON/);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("stores topics Kanta does not handle as ignored, or invalid when not JSON, without their bodies", async () => {
    const shop = await createTestShop(db());
    const json = '{"id": 1}';
    expect((await deliver({ headers: signed(shop.domain, json, "shop/update"), body: json })).status).toBe(200);
    const notJson = "{not json}";
    expect((await deliver({ headers: signed(shop.domain, notJson, "shop/update"), body: notJson })).status).toBe(200);
    const events = await db().webhookEvent.findMany({ where: { shopDomain: shop.domain }, orderBy: { status: "asc" } });
    expect(events.map((e) => [e.topic, e.status, e.payload, e.lastError])).toEqual([
      ["shop/update", "ignored", "", "topic shop/update is not handled"],
      ["shop/update", "invalid", "", "body is not valid JSON"],
    ]);
  });
});
