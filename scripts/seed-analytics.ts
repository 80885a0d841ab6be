// A year of history for local mode's demo shop, so every figure and chart on Analytics has
// something to show: ~260 orders from 24 members, 16 customers outside the program (excluded
// by staff) and guests; reward codes used on orders, a referred customer, refunds, a
// cancellation, redemptions, expiry and tier moves. Orders go through the real order path
// (applyOrderSnapshot), which writes the analytics facts and rollups; the ledger and tier
// history of these orders are then dated back to the orders' days (in a real shop they
// happen on those days), and the page's first visit rolls them up.
// Idempotent: a shop that has these orders already is left alone. The demo customers of
// scripts/seed.ts are not touched (other tests rely on their points).
import type { PrismaClient } from "@prisma/client";
import { applyOrderSnapshot, applyRefund } from "../app/loyalty/orders/orders.server";
import { toOrderSnapshot, toRefundSnapshot } from "../app/webhooks/payloads";
import { lineId, orderPayload, refundPayload } from "../tests/fixtures/payloads";
import { seededRandom } from "./seeded-random.mjs";

const FIRST = ["Lumi", "Ville", "Freja", "Emil", "Ronja", "Matias", "Alma", "Oskari", "Ella", "Lukas", "Siiri", "Anton"];
const LAST = ["Nieminen", "Holm", "Lund", "Salo", "Berg", "Koskinen", "Dahl", "Heikkinen"];
const DAY = 86_400_000;

export async function seedAnalytics(db: PrismaClient, shopDomain: string): Promise<void> {
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: shopDomain } });
  if ((await db.orderRecord.count({ where: { shopId: shop.id, orderGid: { startsWith: "gid://shopify/Order/55500003" } } })) > 0) return;
  const rnd = seededRandom(2026);
  const now = Date.now();
  const members = Array.from({ length: 24 }, (_, i) => ({ id: `73900000020${String(i).padStart(2, "0")}`, first: FIRST[i % FIRST.length]!, last: LAST[(i * 5) % LAST.length]! }));
  const outsiders = Array.from({ length: 16 }, (_, i) => `73900000030${String(i).padStart(2, "0")}`);
  // Customers outside the program: staff excluded them (their orders count as non-members').
  for (const id of outsiders) {
    await db.member.upsert({
      where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${id}` } },
      create: { shopId: shop.id, customerGid: `gid://shopify/Customer/${id}`, status: "excluded", tags: "wholesale" },
      update: {},
    });
  }
  const entryTier = await db.tier.findFirst({ where: { shopId: shop.id }, orderBy: { rank: "asc" }, select: { id: true } });
  for (const m of members) {
    await db.member.upsert({
      where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${m.id}` } },
      create: { shopId: shop.id, customerGid: `gid://shopify/Customer/${m.id}`, firstName: m.first, lastName: m.last, email: `${m.first}.${m.last}@example.com`.toLowerCase(), tierId: entryTier?.id ?? null, createdAt: new Date(now - Math.floor(rnd() * 360) * DAY) },
      update: {},
    });
  }
  const referrer = await db.member.findFirst({ where: { shopId: shop.id, customerGid: `gid://shopify/Customer/${members[0]!.id}` } });
  if (referrer) {
    // Two members came through a referral: their orders count as referred revenue.
    for (const friend of [members[5]!, members[11]!]) {
      await db.referral.create({ data: { shopId: shop.id, referrerId: referrer.id, code: "DEMO-REF", visitorToken: `demo-analytics-${friend.id}`, status: "completed", friendCustomerGid: `gid://shopify/Customer/${friend.id}`, createdAt: new Date(now - 300 * DAY) } });
    }
  }
  const rewards = await db.reward.findMany({ where: { shopId: shop.id, type: "amount_off" }, orderBy: { pointsCost: "asc" } });

  const orders: { id: string; customer: string | null; at: number; price: number; member: boolean }[] = [];
  for (let i = 0; i < 260; i++) {
    const kind = rnd();
    // Members buy more often: repeat customers are mostly members.
    const customer = kind < 0.6 ? members[Math.floor(rnd() ** 1.6 * members.length)]!.id : kind < 0.8 ? outsiders[Math.floor(rnd() ** 1.8 * outsiders.length)]! : null;
    // More orders lately (the program is growing), none in the last two hours.
    const age = Math.floor(365 * (1 - Math.sqrt(rnd())) * DAY) + 2 * 3_600_000;
    const member = members.some((m) => m.id === customer);
    orders.push({ id: `55500003${String(i).padStart(5, "0")}`, customer, at: now - age, price: (member ? 35 : 25) + Math.floor(rnd() * (member ? 140 : 110)), member });
  }
  orders.sort((a, b) => a.at - b.at);
  const datedEntries: { sourceGid: string; at: Date }[] = [];
  for (const [i, o] of orders.entries()) {
    const at = new Date(o.at).toISOString();
    let codes: string[] | undefined;
    let amounts: Record<string, string> | undefined;
    const reward = rewards[i % Math.max(1, rewards.length)];
    const buyer = o.member && reward && i % 5 === 2 ? await db.member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId: shop.id, customerGid: `gid://shopify/Customer/${o.customer}` } } }) : null;
    // A member with enough points redeems a reward a few days before the order that uses it.
    if (buyer && reward && buyer.points >= reward.pointsCost) {
      const code = `KANTA-DEMO${String(i).padStart(4, "0")}`;
      await db.redemption.create({ data: { shopId: shop.id, memberId: buyer.id, rewardId: reward.id, rewardName: reward.name, requestId: `demo-analytics-${i}`, pointsSpent: reward.pointsCost, status: "issued", code, createdAt: new Date(o.at - 3 * DAY) } });
      await db.ledgerEntry.create({ data: { shopId: shop.id, memberId: buyer.id, delta: -reward.pointsCost, kind: "redeemed", idempotencyKey: `demo-analytics-redeem:${i}`, note: reward.name, createdAt: new Date(o.at - 3 * DAY) } });
      await db.member.update({ where: { id: buyer.id }, data: { points: { decrement: reward.pointsCost } } });
      codes = [code];
      amounts = { [code]: (Number(reward.valueMinor ?? 0n) / 100).toFixed(2) };
    }
    const payload = orderPayload({
      id: o.id,
      customerId: o.customer,
      lines: [{ price: `${o.price}.00` }],
      updatedAt: at,
      processedAt: at,
      ...(i % 37 === 20 ? { cancelledAt: at } : {}),
      ...(codes ? { discountCodes: codes, discountAmounts: amounts } : {}),
    });
    await applyOrderSnapshot(db, shopDomain, toOrderSnapshot(JSON.parse(JSON.stringify(payload))), { paidSignal: true, now: new Date(o.at) });
    datedEntries.push({ sourceGid: `gid://shopify/Order/${o.id}`, at: new Date(o.at) });
    if (i % 17 === 5) {
      const refund = refundPayload({ id: `66600003${String(i).padStart(5, "0")}`, orderId: o.id, createdAt: at, lines: [{ lineItemId: lineId(o.id, 0), quantity: 1, subtotal: "10.00" }] });
      await applyRefund(db, shopDomain, toRefundSnapshot(JSON.parse(JSON.stringify(refund))), { now: new Date(o.at) });
    }
  }
  // The ledger and tier history happened on the orders' days.
  for (const e of datedEntries) await db.ledgerEntry.updateMany({ where: { shopId: shop.id, sourceGid: e.sourceGid }, data: { createdAt: e.at } });
  const seeded = await db.member.findMany({ where: { shopId: shop.id, customerGid: { in: members.map((m) => `gid://shopify/Customer/${m.id}`) } }, select: { id: true, createdAt: true } });
  for (const m of seeded) {
    await db.ledgerEntry.updateMany({ where: { shopId: shop.id, memberId: m.id, kind: "signup_bonus" }, data: { createdAt: m.createdAt } });
    const last = await db.orderRecord.findFirst({ where: { shopId: shop.id, memberId: m.id }, orderBy: { processedAt: "desc" }, select: { processedAt: true } });
    if (last?.processedAt) await db.tierChange.updateMany({ where: { shopId: shop.id, memberId: m.id }, data: { createdAt: last.processedAt, syncStatus: "done" } });
  }
  // Some points expired along the way, and two members moved down at a yearly review.
  const expiring = seeded.slice(0, 6);
  for (const [i, m] of expiring.entries()) {
    const at = new Date(now - (40 + i * 45) * DAY);
    await db.ledgerEntry.create({ data: { shopId: shop.id, memberId: m.id, delta: -25, kind: "expired", idempotencyKey: `demo-analytics-expired:${m.id}`, note: "Points expired", createdAt: at } });
    await db.member.update({ where: { id: m.id }, data: { points: { decrement: 25 } } });
  }
  // Staff goodwill: a few manual adjustments.
  for (const [i, m] of seeded.slice(6, 10).entries()) {
    await db.ledgerEntry.create({ data: { shopId: shop.id, memberId: m.id, delta: 50, kind: "manual_adjustment", actor: "staff:demo@example.com", idempotencyKey: `demo-analytics-goodwill:${m.id}`, note: "Goodwill after a late delivery", createdAt: new Date(now - (5 + i * 70) * DAY) } });
    await db.member.update({ where: { id: m.id }, data: { points: { increment: 50 }, lifetimePoints: { increment: 50 } } });
  }
  const tiers = await db.tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  if (tiers.length >= 2) {
    for (const [i, m] of seeded.slice(-2).entries()) {
      const member = await db.member.findUniqueOrThrow({ where: { id: m.id } });
      await db.tierChange.create({ data: { shopId: shop.id, memberId: m.id, customerGid: member.customerGid, fromTier: tiers[1]!.name, toTier: tiers[0]!.name, reason: "review", syncStatus: "done", createdAt: new Date(now - (20 + i * 60) * DAY) } });
    }
  }
}
