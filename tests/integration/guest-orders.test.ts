import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { createTestShop, useTestDatabase } from "../db";
import { customerPayload, orderPayload } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

// Guest orders: an order placed without a customer earns nothing until Shopify attaches a
// customer to it (orders/updated with a customer); then it earns like any order, once. A
// guest whose checkout email matches a member is not credited by email alone: the email of
// a guest checkout is not verified. docs/decisions/0016-referral-reversal-and-guest-orders.md

const { db } = useTestDatabase();
const { server } = useTestServer();

let next = 0;
const uniqueId = (prefix: number) => String(prefix + process.pid * 1000 + ++next);
const PAID_AT = "2026-11-20T10:00:00Z";

async function deliver(shopDomain: string, events: { topic: string; payload: unknown }[]) {
  for (const e of events) expect((await sendWebhook(server().url, e.topic, shopDomain, e.payload)).status).toBe(200);
  await getJobRunner().idle();
  const bad = await db().webhookEvent.findMany({ where: { shopDomain, status: { not: "done" } }, select: { topic: true, lastError: true } });
  expect(bad).toEqual([]);
}

function guestOrder(id: string, options: { customerId?: string | null; updatedAt?: string; email?: string } = {}) {
  return orderPayload({
    id,
    customerId: options.customerId ?? null,
    lines: [{ price: "40.00" }],
    updatedAt: options.updatedAt ?? PAID_AT,
    processedAt: PAID_AT,
    email: options.email ?? "guest@example.com",
  });
}

async function memberOf(shopId: string, customerId: string) {
  return db().member.findUnique({ where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } } });
}

describe("guest orders", () => {
  it("earn nothing as guests, then earn once when Shopify attaches a customer", async () => {
    const shop = await createTestShop(db());
    const orderId = uniqueId(9_100_000_000);
    const customerId = uniqueId(9_200_000_000);
    await deliver(shop.domain, [{ topic: "orders/paid", payload: guestOrder(orderId) }]);
    const guest = await db().orderRecord.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(guest).toMatchObject({ memberId: null, paid: true, pointsCredited: 0 });
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);

    const attached = guestOrder(orderId, { customerId, updatedAt: "2026-11-21T09:00:00Z" });
    await deliver(shop.domain, [
      { topic: "orders/updated", payload: attached },
      { topic: "orders/updated", payload: attached },
      { topic: "orders/paid", payload: guestOrder(orderId) }, // the stale guest state again: changes nothing
    ]);
    const member = await memberOf(shop.id, customerId);
    expect(member?.points).toBe(100 + 40); // sign-up bonus + the order
    const record = await db().orderRecord.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(record).toMatchObject({ memberId: member!.id, customerGid: `gid://shopify/Customer/${customerId}`, pointsCredited: 40 });
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("a guest checkout with a member's email is not credited to that member", async () => {
    const shop = await createTestShop(db());
    const customerId = uniqueId(9_200_000_000);
    await deliver(shop.domain, [{ topic: "customers/create", payload: customerPayload({ id: customerId, email: "member@example.com", firstName: "Mia", lastName: "M" }) }]);
    await deliver(shop.domain, [{ topic: "orders/paid", payload: guestOrder(uniqueId(9_100_000_000), { email: "member@example.com" }) }]);
    const member = await memberOf(shop.id, customerId);
    expect(member?.points).toBe(100); // the sign-up bonus only
    expect(await db().orderRecord.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ memberId: null, pointsCredited: 0 });
  });
});
