import { describe, expect, it } from "vitest";
import { applyRefund } from "../../app/loyalty/orders/orders.server";
import { eraseShop } from "../../app/loyalty/members/compliance.server";
import { ensureAnalyticsBackfilled } from "../../app/loyalty/analytics/backfill.server";
import { localDay } from "../../app/loyalty/analytics/days";
import { loadAnalytics, type SegmentFigures } from "../../app/loyalty/analytics/report.server";
import { toRefundSnapshot } from "../../app/webhooks/payloads";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder, createMember, createRedemption, createReward, customerGid } from "../factories";
import { lineId, refundPayload } from "../fixtures/payloads";
import { seededRandom } from "../../scripts/seeded-random.mjs";

// The Analytics page's figures come from daily rollups kept by difference on the order
// path. Here the same figures are computed independently from the raw orders Kanta stores
// (OrderRecord, OrderRefund, Redemption, Referral, Member) and must agree: exactly for sums
// and counts, within the sketch's error for distinct customers.

const { db } = useTestDatabase();
const TZ = "Europe/Helsinki";
const DAY = 86_400_000;

interface Expected {
  orders: number;
  revenue: number;
  rewardOrders: number;
  rewardDiscount: number;
  referredRevenue: number;
  customers: Set<string>;
  repeaters: Set<string>;
}

/** The figures straight from stored orders, for orders whose shop-local day is in [from, to]. */
async function expectedFromRawOrders(shopId: string, from: string, to: string) {
  const records = await db().orderRecord.findMany({ where: { shopId, paid: true } });
  const refunds = await db().orderRefund.findMany({ where: { shopId } });
  const members = await db().member.findMany({ where: { shopId } });
  const redemptions = await db().redemption.findMany({ where: { shopId, status: "used" } });
  const referrals = await db().referral.findMany({ where: { shopId } });
  const statusOf = new Map(members.map((m) => [m.id, m]));
  const segments: Record<"member" | "customer" | "guest", Expected> = {
    member: empty(),
    customer: empty(),
    guest: empty(),
  };
  const tiers = new Map<string, Expected>();
  const sorted = [...records].sort((a, b) => a.processedAt!.getTime() - b.processedAt!.getTime());
  const seenBefore = new Set<string>();
  for (const r of sorted) {
    const day = localDay(r.processedAt!, TZ);
    const customer = r.customerGid;
    const isRepeat = customer !== null && seenBefore.has(customer);
    if (!r.cancelled && customer) seenBefore.add(customer);
    if (day < from || day > to || r.cancelled) continue;
    const refunded = refunds.filter((x) => x.orderGid === r.orderGid).reduce((s, x) => s + Number(x.subtotalMinor), 0);
    const net = Math.max(0, Number(r.grossMinor) - Number(r.editRemovedMinor) - refunded);
    const member = r.memberId ? statusOf.get(r.memberId) : undefined;
    const seg = member?.status === "active" ? "member" : customer ? "customer" : "guest";
    const targets = [segments[seg]];
    if (seg === "member" && member?.tierId) {
      if (!tiers.has(member.tierId)) tiers.set(member.tierId, empty());
      targets.push(tiers.get(member.tierId)!);
    }
    const codes = redemptions.filter((x) => x.usedOrderGid === r.orderGid);
    const referred = referrals.some((x) => x.orderGid === r.orderGid || (customer && x.friendCustomerGid === customer));
    for (const e of targets) {
      e.orders++;
      e.revenue += net;
      if (codes.length > 0) {
        e.rewardOrders++;
        e.rewardDiscount += codes.length * 500; // every test code took 5.00 off
      }
      if (referred) e.referredRevenue += net;
      if (customer) {
        e.customers.add(customer);
        if (isRepeat) e.repeaters.add(customer);
      }
    }
  }
  return { segments, tiers };
}

function empty(): Expected {
  return { orders: 0, revenue: 0, rewardOrders: 0, rewardDiscount: 0, referredRevenue: 0, customers: new Set(), repeaters: new Set() };
}

/** Distinct counts are HyperLogLog estimates: at these sizes linear counting is within 2 %. */
function expectDistinct(estimate: number | null, exact: number) {
  expect(estimate).not.toBeNull();
  expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(Math.max(1, Math.ceil(exact * 0.02)));
}

function expectSegment(actual: SegmentFigures, e: Expected, withCustomers: boolean) {
  expect(actual.orders).toBe(e.orders);
  expect(actual.revenueMinor).toBe(e.revenue);
  expect(actual.rewardOrders).toBe(e.rewardOrders);
  expect(actual.rewardDiscountMinor).toBe(e.rewardDiscount);
  expect(actual.referredRevenueMinor).toBe(e.referredRevenue);
  expect(actual.aovMinor).toBe(e.orders > 0 ? Math.round(e.revenue / e.orders) : null);
  if (withCustomers) {
    expectDistinct(actual.customers, e.customers.size);
    expectDistinct(actual.repeatCustomers, e.repeaters.size);
  }
}

async function seedShop(seed: number) {
  const shop = await createTestShop(db());
  const reward = await createReward(db(), shop.id, "amount_off"); // 500 points for 5.00: 1 cent a point
  const rnd = seededRandom(seed);
  const now = Date.now();
  const members = Array.from({ length: 12 }, (_, i) => `77${seed}${String(i).padStart(3, "0")}`);
  const excluded = Array.from({ length: 5 }, (_, i) => `78${seed}${String(i).padStart(3, "0")}`);
  for (const id of excluded) await createMember(db(), shop.id, { customerGid: customerGid(id), status: "excluded" });
  // One customer came through a referral.
  const referrer = await createMember(db(), shop.id, {}, { points: 2000 });
  await db().referral.create({ data: { shopId: shop.id, referrerId: referrer.id, code: "REF1", visitorToken: `tok-${seed}`, friendCustomerGid: customerGid(members[3]!), status: "completed" } });
  const orders: { id: string; customer: string | null; at: number; price: number }[] = [];
  for (let i = 0; i < 70; i++) {
    const kind = rnd();
    const customer = kind < 0.6 ? members[Math.floor(rnd() * members.length)]! : kind < 0.8 ? excluded[Math.floor(rnd() * excluded.length)]! : null;
    orders.push({ id: `9${seed}${String(i).padStart(4, "0")}`, customer, at: now - Math.floor(rnd() * 120) * DAY - Math.floor(rnd() * DAY), price: 10 + Math.floor(rnd() * 200) });
  }
  orders.sort((a, b) => a.at - b.at);
  let codeNo = 0;
  for (const [i, o] of orders.entries()) {
    const at = new Date(o.at).toISOString();
    let codes: string[] | undefined;
    if (o.customer && members.includes(o.customer) && i % 5 === 0) {
      const member = await db().member.findUnique({ where: { shopId_customerGid: { shopId: shop.id, customerGid: customerGid(o.customer) } } });
      if (member) {
        const code = `KANTA-T${seed}-${++codeNo}`;
        await createRedemption(db(), { shopId: shop.id, memberId: member.id }, { status: "issued", code, rewardName: "5 € off", rewardId: reward.id });
        codes = [code, "SUMMER10"];
      }
    }
    await applyPaidOrder(db(), shop.domain, {
      id: o.id,
      customerId: o.customer,
      price: `${o.price}.00`,
      at,
      ...(i % 11 === 7 ? { cancelledAt: at } : {}),
      ...(codes ? { discountCodes: codes, discountAmounts: { [codes[0]!]: "5.00", SUMMER10: "3.00" } } : {}),
    });
    if (i % 9 === 4) {
      const refund = refundPayload({ id: `66${o.id}`, orderId: o.id, createdAt: at, lines: [{ lineItemId: lineId(o.id, 0), quantity: 1, subtotal: "4.00" }] });
      await applyRefund(db(), shop.domain, toRefundSnapshot(JSON.parse(JSON.stringify(refund))));
    }
  }
  return shop;
}

describe("analytics", () => {
  it("agrees with figures computed from the raw orders, for every segment and tier", async () => {
    const shop = await seedShop(1);
    const now = new Date(Date.now() + 2 * 60_000); // past the catch-up's settle lag
    const report = await loadAnalytics(db(), shop.domain, { preset: "90d", compare: "previous", now });
    for (const range of [report.current, report.previous!]) {
      const { segments, tiers } = await expectedFromRawOrders(shop.id, range.range.from, range.range.to);
      expect(segments.member.orders + segments.customer.orders + segments.guest.orders).toBeGreaterThan(5);
      expectSegment(range.members, segments.member, true);
      expectSegment(range.nonMemberCustomers, segments.customer, true);
      expectSegment(range.guests, segments.guest, false);
      const total = segments.member.revenue + segments.customer.revenue + segments.guest.revenue;
      expect(range.all.revenueMinor).toBe(total);
      expect(range.members.revenueShare).toBeCloseTo(segments.member.revenue / total, 10);
      // By tier: the member's tier when the order was counted (members move up as they buy),
      // so the tiers split the members' figures exactly.
      expect(range.tiers.reduce((s, t) => s + t.figures.orders, 0)).toBe(segments.member.orders);
      expect(range.tiers.reduce((s, t) => s + t.figures.revenueMinor, 0)).toBe(segments.member.revenue);
      expect(tiers.size).toBeGreaterThan(0);
    }
    expect(report.current.all.rewardOrders).toBeGreaterThan(0);
    expect(report.current.all.referredRevenueMinor + report.previous!.all.referredRevenueMinor).toBeGreaterThan(0);
    expect(report.current.nonMemberCustomers.orders).toBeGreaterThan(0);
    expect(report.current.guests.orders).toBeGreaterThan(0);

    // Points: the ledger (all written today) against the rollup.
    const ledger = await db().ledgerEntry.findMany({ where: { shopId: shop.id } });
    const issued = ledger.filter((e) => ["order_earned", "order_reversed", "signup_bonus", "action_bonus", "referral"].includes(e.kind)).reduce((s, e) => s + e.delta + e.pendingDelta, 0);
    const adjusted = ledger.filter((e) => e.kind === "manual_adjustment").reduce((s, e) => s + e.delta, 0);
    expect(issued).toBeGreaterThan(0);
    expect(report.current.points.issued).toBe(issued);
    expect(report.current.points.adjusted).toBe(adjusted);
    // Liability: every active member's points at the 5 € reward's cent a point.
    const members = await db().member.findMany({ where: { shopId: shop.id, status: "active" } });
    const points = members.reduce((s, m) => s + m.points + m.pendingPoints, 0);
    expect(report.liability.points + report.liability.pendingPoints).toBe(points);
    expect(report.liability.valueMinor).toBe(points);
    expect(report.liability.basis?.rewardName).toBe("5 € off");
    expect(report.tierDistribution.reduce((s, t) => s + t.members, 0)).toBe(members.length);
    expect(report.current.codesUsed + report.previous!.codesUsed).toBeGreaterThan(0);
  });

  it("backfill from stored orders and the ledger rebuilds the same figures", async () => {
    const shop = await seedShop(2);
    const now = new Date(Date.now() + 2 * 60_000);
    const before = await loadAnalytics(db(), shop.domain, { preset: "365d", now });
    await db().orderFact.deleteMany({ where: { shopId: shop.id } });
    await db().analyticsDay.deleteMany({ where: { shopId: shop.id } });
    await db().analyticsPointsDay.deleteMany({ where: { shopId: shop.id } });
    await db().analyticsState.deleteMany({ where: { shopId: shop.id } });
    expect(await ensureAnalyticsBackfilled(db(), shop.domain, now)).toBe(true);
    expect(await ensureAnalyticsBackfilled(db(), shop.domain, now)).toBe(false);
    const after = await loadAnalytics(db(), shop.domain, { preset: "365d", now });
    // Backfilled orders know no discount amounts (stored orders keep codes, not amounts).
    const strip = (r: typeof before) => ({ ...r, roi: null, current: { ...r.current, all: { ...r.current.all, rewardDiscountMinor: 0 }, members: { ...r.current.members, rewardDiscountMinor: 0 }, tiers: null } });
    expect(strip(after)).toEqual(strip(before));
  });

  it("a replayed order changes nothing; a cancellation takes the order out; the shop's erasure takes everything", async () => {
    const shop = await createTestShop(db());
    const at = new Date(Date.now() - DAY).toISOString();
    await applyPaidOrder(db(), shop.domain, { id: "9500001", customerId: null, price: "50.00", at });
    await applyPaidOrder(db(), shop.domain, { id: "9500001", customerId: null, price: "50.00", at });
    const now = new Date(Date.now() + 2 * 60_000);
    let report = await loadAnalytics(db(), shop.domain, { now });
    expect(report.current.guests.orders).toBe(1);
    expect(report.current.guests.revenueMinor).toBe(5000);
    await applyPaidOrder(db(), shop.domain, { id: "9500001", customerId: null, price: "50.00", at: new Date().toISOString(), cancelledAt: new Date().toISOString() });
    report = await loadAnalytics(db(), shop.domain, { now });
    expect(report.current.guests.orders).toBe(0);
    expect(report.current.guests.revenueMinor).toBe(0);
    // Erased with the shop (shop/redact).
    await eraseShop(db(), shop.domain);
    expect(await db().orderFact.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db().analyticsDay.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await db().analyticsSketch.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
