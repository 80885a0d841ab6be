import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getJobRunner } from "../../app/jobs/queue.server";
import { releaseDuePendingPoints } from "../../app/loyalty/orders/orders.server";
import { runTierPass } from "../../app/loyalty/tiers/review.server";
import { createTestShop, useTestDatabase } from "../db";
import { createMember, nextCustomerId, nextOrderId } from "../factories";
import { lineId, orderPayload, refundPayload } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

// The occasions the existing paths record (docs/decisions/0023), in the same transactions as
// the change, each exactly once however often Shopify delivers the webhook.

const { db } = useTestDatabase();
const { server } = useTestServer();

const occasions = (shopId: string, kind?: string) => db().occasion.findMany({ where: { shopId, ...(kind ? { kind } : {}) }, orderBy: [{ kind: "asc" }, { key: "asc" }] });
const kinds = async (shopId: string) => (await occasions(shopId)).map((o) => o.kind);

/** Sends a webhook `times` times as Shopify retries do (one event id), and twice more as distinct events. */
async function deliver(shopDomain: string, topic: string, payload: unknown, times = 3) {
  const eventId = randomUUID();
  for (let i = 0; i < times; i++) expect((await sendWebhook(server().url, topic, shopDomain, payload, { eventId })).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await sendWebhook(server().url, topic, shopDomain, payload, { eventId: randomUUID() })).status).toBe(200);
  await getJobRunner().idle();
}

function paid(id: string, customerId: string, price: string, at = "2026-11-20T10:00:00Z", extra: Partial<Parameters<typeof orderPayload>[0]> = {}) {
  return orderPayload({ id, customerId, name: `#${id.slice(-4)}`, updatedAt: at, processedAt: at, financialStatus: "paid", lines: [{ price, quantity: 1 }], ...extra });
}

describe("occasions from orders", () => {
  it("welcome, points earned and a reward within reach: once each under replays", async () => {
    const shop = await createTestShop(db());
    const reward = await db().reward.create({ data: { shopId: shop.id, type: "amount_off", name: "5 € off", pointsCost: 150, valueMinor: 500n } });
    await db().reward.create({ data: { shopId: shop.id, type: "amount_off", name: "50 € off", pointsCost: 5000, valueMinor: 5000n } });
    const customerId = nextCustomerId();
    const orderId = nextOrderId();
    await deliver(shop.domain, "orders/paid", paid(orderId, customerId, "60.00"));
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(member.points).toBe(160); // 100 welcome + 60
    const rows = await occasions(shop.id);
    expect(rows.map((o) => [o.kind, o.memberId, JSON.parse(o.data)])).toEqual([
      ["points_earned", member.id, { points: 60, orderGid: `gid://shopify/Order/${orderId}`, orderName: `#${orderId.slice(-4)}` }],
      ["reward_affordable", member.id, { rewardId: reward.id, rewardName: "5 € off", pointsCost: 150 }],
      ["welcome", member.id, { points: 100 }],
    ]);
    // Each has its delivery row for the email channel (the occasion core's outbox).
    expect(await db().occasionDelivery.count({ where: { shopId: shop.id, channel: "email" } })).toBe(3);
    // A later update of the same order (a higher total) earns more but announces nothing new.
    await deliver(shop.domain, "orders/updated", paid(orderId, customerId, "80.00", "2026-11-20T11:00:00Z"));
    expect(await kinds(shop.id)).toEqual(["points_earned", "reward_affordable", "welcome"]);
  });

  it("announces points after the pending period, and nothing for an order refunded before it ends", async () => {
    const shop = await createTestShop(db(), { pendingDays: 14 });
    const at = new Date().toISOString();
    const keep = nextOrderId();
    const refunded = nextOrderId();
    const customerId = nextCustomerId();
    await deliver(shop.domain, "orders/paid", paid(keep, customerId, "40.00", at));
    await deliver(shop.domain, "orders/paid", paid(refunded, customerId, "30.00", at));
    expect(await occasions(shop.id, "points_earned")).toEqual([]);
    const later = new Date(Date.parse(at) + 60_000).toISOString();
    const refund = { id: nextOrderId(), orderId: refunded, createdAt: later, lines: [{ lineItemId: lineId(refunded, 0), quantity: 1, subtotal: "30.00" }] };
    await deliver(shop.domain, "refunds/create", refundPayload(refund));
    await deliver(shop.domain, "orders/updated", paid(refunded, customerId, "30.00", later, { processedAt: at, financialStatus: "refunded", refunds: [refund], lines: [{ price: "30.00", quantity: 1, currentQuantity: 0 }] }));
    const day = 86_400_000;
    await releaseDuePendingPoints(db(), { now: new Date(Date.parse(at) + 15 * day) });
    await releaseDuePendingPoints(db(), { now: new Date(Date.parse(at) + 16 * day) });
    const earned = await occasions(shop.id, "points_earned");
    expect(earned.map((o) => [o.key, JSON.parse(o.data).points])).toEqual([[`points_earned:gid://shopify/Order/${keep}`, 40]]);
  });

  it("tier reached on the order that qualifies, once", async () => {
    const shop = await createTestShop(db());
    const customerId = nextCustomerId();
    await deliver(shop.domain, "orders/paid", paid(nextOrderId(), customerId, "300.00", new Date().toISOString()));
    const member = await db().member.findFirstOrThrow({ where: { shopId: shop.id }, include: { tier: true } });
    expect(member.tier?.name).toBe("Silver");
    const reached = await occasions(shop.id, "tier_reached");
    expect(reached.map((o) => [o.memberId, JSON.parse(o.data)])).toEqual([[member.id, { tierName: "Silver", fromTierName: "Bronze" }]]);
  });
});

describe("occasions from the tier review", () => {
  it("the year-end review records reached, kept and lowered once each, and nothing on a re-run or a daily pass", async () => {
    const shop = await createTestShop(db());
    await db().program.update({ where: { shopId: shop.id }, data: { tierKeepNextPeriod: false, tierLastReviewAt: new Date("2026-06-01T00:00:00Z") } });
    const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    const [bronze, , gold] = tiers;
    const lowered = await createMember(db(), shop.id, { tierId: gold!.id, tierChangedAt: new Date("2025-01-01T00:00:00Z") });
    const kept = await createMember(db(), shop.id, { tierId: bronze!.id });
    const reached = await createMember(db(), shop.id, {});
    await runTierPass(db(), shop.domain, { now: new Date("2027-01-02T08:00:00Z"), batchSize: 2 });
    const rows = await occasions(shop.id);
    expect(rows.map((o) => [o.kind, o.memberId, JSON.parse(o.data)]).sort()).toEqual(
      [
        ["tier_kept", kept.id, { tierName: "Bronze" }],
        ["tier_lowered", lowered.id, { fromTierName: "Gold", tierName: "Bronze" }],
        ["tier_reached", reached.id, { tierName: "Bronze", fromTierName: null }],
      ].sort(),
    );
    expect(await db().occasionDelivery.count({ where: { shopId: shop.id } })).toBe(3);
    // The same review again (a crash and a re-run) and the next day's pass: nothing more.
    await db().program.update({ where: { shopId: shop.id }, data: { tierLastReviewAt: new Date("2026-06-01T00:00:00Z") } });
    await runTierPass(db(), shop.domain, { now: new Date("2027-01-02T09:00:00Z") });
    await runTierPass(db(), shop.domain, { now: new Date("2027-01-03T09:00:00Z") });
    expect(await db().occasion.count({ where: { shopId: shop.id } })).toBe(3);
  });
});
