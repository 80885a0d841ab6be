import { beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { processWebhookEvent, pruneInbox } from "../../app/jobs/webhook-job.server";
import { exportCustomerData } from "../../app/loyalty/members/compliance.server";
import { getAttention, pruneComplianceExports, retryDeadWebhookEvents } from "../../app/loyalty/program/attention.server";
import { LOCAL_SHOP } from "../../app/shopify/admin.server";
import { action as homeAction, loader as homeLoader } from "../../app/routes/app._index";
import { loader as dataRequestLoader } from "../../app/routes/app.data-requests.$id";
import { useLocalAdminShop, useTestDatabase } from "../db";
import { createMember } from "../factories";
import { orderPayload, toShopifyJson } from "../fixtures/payloads";

// Home's "Needs attention": dead webhook events listed with their error and retried (one or
// all), dead tier syncs retried, dead reward codes counted, and customer data-request
// exports shown for 30 days then deleted. Loader and action called directly in local mode.

const { db } = useTestDatabase();
let shopId = "";
useLocalAdminShop(db, (id) => {
  shopId = id;
});

const DAY = 86_400_000;
let next = 0;
const uniqueId = (prefix: number) => String(prefix + process.pid * 1000 + ++next);

beforeEach(async () => {
  await db().webhookEvent.deleteMany({ where: { shopDomain: LOCAL_SHOP } });
  await db().complianceExport.deleteMany({ where: { shopDomain: LOCAL_SHOP } });
  await db().tierChange.deleteMany({ where: { shopId } });
  await db().occasion.deleteMany({ where: { shopId } });
  await db().program.update({ where: { shopId }, data: { status: "live" } });
});

const load = () => homeLoader({ request: new Request("http://localhost/app"), params: {}, context: {} });
function act(fields: Record<string, string>) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return homeAction({ request: new Request("http://localhost/app", { method: "POST", body }), params: {}, context: {} });
}

/** An orders/paid event that used up its attempts: dead, with its payload and error. */
async function deadOrderEvent(options: { receivedAt?: Date; error?: string } = {}) {
  const orderId = uniqueId(9_500_000_000);
  const customerId = uniqueId(9_600_000_000);
  const payload = toShopifyJson(orderPayload({ id: orderId, customerId, lines: [{ price: "30.00" }], updatedAt: "2026-11-20T10:00:00Z" }));
  const event = await db().webhookEvent.create({
    data: {
      shopDomain: LOCAL_SHOP,
      topic: "orders/paid",
      eventId: randomUUID(),
      payload,
      status: "dead",
      attempts: 8,
      lastError: options.error ?? "Error: connection terminated unexpectedly",
      receivedAt: options.receivedAt ?? new Date(),
    },
  });
  return { event, customerId };
}

describe("needs attention on Home", () => {
  it("lists dead events with topic, time and error; Retry processes one again and its points arrive", async () => {
    const { event, customerId } = await deadOrderEvent({ error: "Error: database is down" });
    await deadOrderEvent({ receivedAt: new Date(Date.now() - 60_000) });
    const { attention } = await load();
    expect(attention).toMatchObject({ deadEventCount: 2, any: true });
    expect(attention!.deadEvents[0]).toMatchObject({ id: event.id, topic: "orders/paid", attempts: 8, error: "Error: database is down" });

    expect(await act({ intent: "retry-event", id: event.id })).toEqual({ ok: true, message: "1 webhook event will be processed again in a few seconds" });
    const retried = await db().webhookEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(retried).toMatchObject({ status: "retrying", attempts: 0 });
    expect(retried.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await processWebhookEvent(db(), event.id)).toBe("done");
    const member = await db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } } });
    expect(member.points).toBe(100 + 30);
    expect((await load()).attention).toMatchObject({ deadEventCount: 1 });
    // Retrying it again finds nothing dead.
    expect(await act({ intent: "retry-event", id: event.id })).toMatchObject({ ok: false });
  });

  it("Retry all puts every dead event of this shop back in line, and no other shop's", async () => {
    await deadOrderEvent();
    await deadOrderEvent();
    const other = await db().webhookEvent.create({ data: { shopDomain: "other-shop.myshopify.com", topic: "orders/paid", eventId: randomUUID(), payload: "{}", status: "dead", attempts: 8 } });
    expect(await act({ intent: "retry-all-events" })).toEqual({ ok: true, message: "2 webhook events will be processed again in a few seconds" });
    expect(await db().webhookEvent.count({ where: { shopDomain: LOCAL_SHOP, status: "retrying", attempts: 0 } })).toBe(2);
    expect((await db().webhookEvent.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("dead");
    expect(await retryDeadWebhookEvents(LOCAL_SHOP, "all", db())).toBe(0);
    await db().webhookEvent.delete({ where: { id: other.id } });
  });

  it("counts dead tier syncs (retried from Home) and dead reward codes", async () => {
    const member = await createMember(db(), shopId);
    await db().tierChange.create({ data: { shopId, memberId: member.id, customerGid: member.customerGid, reason: "qualified", toTier: "Gold", syncStatus: "dead", syncAttempts: 8, lastError: "THROTTLED" } });
    await db().redemption.create({ data: { shopId, memberId: member.id, requestId: `referral:${randomUUID()}`, pointsSpent: 0, status: "dead", error: "Shopify refused" } });
    const { attention } = await load();
    expect(attention).toMatchObject({ tierSyncDead: 1, rewardCodesDead: 1, any: true });
    expect(await act({ intent: "retry-tier-syncs" })).toEqual({ ok: true, message: "1 tier change will be sent to Shopify again" });
    expect(await db().tierChange.findFirstOrThrow({ where: { shopId, memberId: member.id } })).toMatchObject({ syncStatus: "pending", syncAttempts: 0 });
    await db().redemption.deleteMany({ where: { memberId: member.id } });
  });

  it("counts dead Flow triggers and Klaviyo events with the latest error; Retry puts one channel's back in line", async () => {
    const occasion = (channel: string, status: string, lastError: string | null, createdAt: Date) =>
      db().occasion.create({
        data: { shopId, kind: "points_earned", key: `test:${randomUUID()}`, deliveries: { create: { shopId, channel, status, attempts: status === "dead" ? 8 : 1, lastError, createdAt } } },
      });
    const now = Date.now();
    await occasion("flow", "dead", "Flow refused: trigger not found", new Date(now - 60_000));
    await occasion("flow", "dead", "THROTTLED", new Date(now));
    await occasion("flow", "sent", null, new Date(now));
    await occasion("klaviyo", "dead", "Klaviyo refused the key (401)", new Date(now));
    await occasion("email", "dead", "550 mailbox unavailable", new Date(now)); // the Emails page's log shows these
    const { attention } = await load();
    expect(attention).toMatchObject({
      any: true,
      deliveriesDead: [
        { channel: "flow", count: 2, error: "THROTTLED" },
        { channel: "klaviyo", count: 1, error: "Klaviyo refused the key (401)" },
      ],
    });
    expect(await act({ intent: "retry-deliveries", id: "email" })).toEqual({ ok: false, message: "Unknown channel" });
    expect(await act({ intent: "retry-deliveries", id: "flow" })).toEqual({ ok: true, message: "2 Flow triggers will be sent again" });
    const flow = await db().occasionDelivery.findMany({ where: { shopId, channel: "flow", occasion: { key: { startsWith: "test:" } } }, orderBy: { createdAt: "asc" } });
    expect(flow.map((d) => [d.status, d.attempts]).sort()).toEqual([["pending", 0], ["pending", 0], ["sent", 1]]);
    expect(await db().occasionDelivery.count({ where: { shopId, channel: { in: ["klaviyo", "email"] }, status: "dead", occasion: { key: { startsWith: "test:" } } } })).toBe(2);
    expect(await db().auditEvent.count({ where: { shopId, action: "attention.deliveries_retried", subjectId: "flow" } })).toBe(1);
    expect(await act({ intent: "retry-deliveries", id: "flow" })).toEqual({ ok: false, message: "Nothing to retry" });
  });

  it("shows nothing when nothing needs attention", async () => {
    expect((await load()).attention).toMatchObject({ any: false, deadEvents: [], dataRequests: [] });
  });

  it("erases dead events with their customer data after 30 days, like processed ones", async () => {
    const { event: old } = await deadOrderEvent({ receivedAt: new Date(Date.now() - 31 * DAY) });
    const { event: recent } = await deadOrderEvent({ receivedAt: new Date(Date.now() - 29 * DAY) });
    expect(await pruneInbox(db())).toBeGreaterThanOrEqual(1);
    expect(await db().webhookEvent.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db().webhookEvent.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });

  it("shows a customer's data request for 30 days with a page to view and download it, then deletes it", async () => {
    const customerId = uniqueId(9_700_000_000);
    const member = await createMember(db(), shopId, { customerGid: `gid://shopify/Customer/${customerId}`, email: "dr@example.com", firstName: "Dara" }, { points: 25 });
    const exported = await exportCustomerData(db(), { shopDomain: LOCAL_SHOP, customerGid: member.customerGid, email: "dr@example.com", dataRequestId: uniqueId(1) });
    const { attention } = await load();
    expect(attention!.dataRequests).toEqual([
      { id: exported.id, customerGid: member.customerGid, createdAt: exported.createdAt.toISOString(), expiresAt: new Date(exported.createdAt.getTime() + 30 * DAY).toISOString() },
    ]);

    const view = (await dataRequestLoader({ request: new Request(`http://localhost/app/data-requests/${exported.id}`), params: { id: exported.id }, context: {} })) as { found: { data: string } | null };
    expect(JSON.parse(view.found!.data)).toMatchObject({ email: "dr@example.com", firstName: "Dara", points: 25 });
    const download = (await dataRequestLoader({ request: new Request(`http://localhost/app/data-requests/${exported.id}?download=1`), params: { id: exported.id }, context: {} })) as Response;
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="kanta-data-request-${customerId}.json"`);
    expect(JSON.parse(await download.text())).toMatchObject({ customer: member.customerGid, email: "dr@example.com" });
    // Another shop's export is not found here.
    const foreign = await db().complianceExport.create({ data: { shopDomain: "other-shop.myshopify.com", customerGid: "gid://shopify/Customer/1", data: "{}" } });
    expect(await dataRequestLoader({ request: new Request(`http://localhost/app/data-requests/${foreign.id}`), params: { id: foreign.id }, context: {} })).toEqual({ found: null });
    await db().complianceExport.delete({ where: { id: foreign.id } });

    // After 30 days the periodic task deletes it.
    expect(await pruneComplianceExports(db(), new Date(Date.now() + 29 * DAY))).toBe(0);
    expect(await pruneComplianceExports(db(), new Date(Date.now() + 31 * DAY))).toBeGreaterThanOrEqual(1);
    expect(await db().complianceExport.findUnique({ where: { id: exported.id } })).toBeNull();
    expect((await getAttention(LOCAL_SHOP, db()))!.dataRequests).toEqual([]);
  });
});
