import { describe, expect, it } from "vitest";
import { getJobRunner } from "../../app/jobs/queue.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { applyRefund } from "../../app/loyalty/orders/orders.server";
import { TierPassCrash, runTierPass } from "../../app/loyalty/tiers/review.server";
import { toRefundSnapshot } from "../../app/webhooks/payloads";
import { createTestShop, useTestDatabase } from "../db";
import { applyPaidOrder } from "../factories";
import { lineId, orderPayload, refundPayload } from "../fixtures/payloads";
import { sendWebhook, useTestServer } from "../http";

// The tier engine on a real database (SQLite and PostgreSQL): upgrades from orders, the
// review pass (demotions, keep-next-period, manual tiers, time zones, rolling windows),
// the bases, multipliers with campaigns, and entry points.

const { db } = useTestDatabase();
const { server: testServer } = useTestServer();

let counter = 0;
const nextId = () => String(7_700_000_000 + ++counter);

type Settings = { basis?: string; period?: string; keep?: boolean; timeZone?: string; thresholds?: number[]; entryPoints?: number[]; multipliers?: number[] };

async function shopWith(settings: Settings = {}) {
  const shop = await createTestShop(db());
  await db().program.update({
    where: { shopId: shop.id },
    data: { tierBasis: settings.basis ?? "spend", tierPeriod: settings.period ?? "calendar_year", tierKeepNextPeriod: settings.keep ?? false },
  });
  if (settings.timeZone) await db().shop.update({ where: { id: shop.id }, data: { ianaTimezone: settings.timeZone } });
  const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
  for (const [i, tier] of tiers.entries()) {
    await db().tier.update({
      where: { id: tier.id },
      data: {
        ...(settings.thresholds ? { thresholdMinor: BigInt(settings.thresholds[i]!) } : {}),
        ...(settings.multipliers ? { multiplierPermille: settings.multipliers[i]! } : {}),
        ...(settings.entryPoints ? { perks: JSON.stringify({ entryPoints: settings.entryPoints[i]! }) } : {}),
      },
    });
  }
  return shop;
}

async function order(domain: string, customerId: string, price: string, processedAt: string, now = processedAt, extra: { id?: string; cancelledAt?: string } = {}) {
  const paid = await applyPaidOrder(db(), domain, { id: extra.id, customerId, price, at: processedAt, cancelledAt: extra.cancelledAt ?? null, now: new Date(now) });
  return paid.orderId;
}

async function refund(domain: string, orderId: string, amount: string, at: string) {
  const payload = refundPayload({ id: nextId(), orderId, createdAt: at, lines: [{ lineItemId: lineId(orderId, 0), quantity: 1, subtotal: amount }] });
  await applyRefund(db(), domain, toRefundSnapshot(payload), { now: new Date(at) });
}

async function member(shopId: string, customerId: string) {
  return db().member.findUniqueOrThrow({
    where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } },
    include: { tier: true },
  });
}

const tierOf = async (shopId: string, customerId: string) => (await member(shopId, customerId)).tier?.name ?? null;
const pass = (domain: string, now: string, options: { batchSize?: number; failAfterBatches?: number } = {}) =>
  runTierPass(db(), domain, { now: new Date(now), ...options });

async function changes(shopId: string, customerId?: string) {
  const rows = await db().tierChange.findMany({
    where: { shopId, ...(customerId ? { customerGid: `gid://shopify/Customer/${customerId}` } : {}) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => [r.fromTier, r.toTier, r.reason]);
}

describe("upgrades by spend", () => {
  it("upgrades at exactly the threshold, not one cent below, and records the change", async () => {
    const shop = await shopWith();
    await order(shop.domain, "501", "250.00", "2026-05-01T10:00:00Z");
    await order(shop.domain, "502", "249.99", "2026-05-01T10:00:00Z");
    expect(await tierOf(shop.id, "501")).toBe("Silver");
    expect(await tierOf(shop.id, "502")).toBe("Bronze");
    expect(await changes(shop.id, "501")).toEqual([["Bronze", "Silver", "qualified"]]);
    expect(await changes(shop.id, "502")).toEqual([]);
    const m = await member(shop.id, "501");
    expect(m.tierChangedAt?.toISOString()).toBe("2026-05-01T10:00:00.000Z");
    const change = await db().tierChange.findFirstOrThrow({ where: { memberId: m.id } });
    expect(change).toMatchObject({ syncStatus: "pending", customerGid: "gid://shopify/Customer/501" });
  });

  it("keeps the tier when a refund takes the spend below it, until the review demotes", async () => {
    const shop = await shopWith({ keep: true });
    const id = await order(shop.domain, "511", "300.00", "2026-05-01T10:00:00Z");
    await refund(shop.domain, id, "100.00", "2026-05-10T10:00:00Z");
    expect(await tierOf(shop.id, "511")).toBe("Silver");
    // Daily passes before the year ends never demote.
    expect(await pass(shop.domain, "2026-05-11T10:00:00Z")).toMatchObject({ demotionsAllowed: false, down: 0 });
    expect(await pass(shop.domain, "2026-12-31T21:59:59Z")).toMatchObject({ demotionsAllowed: false, down: 0 });
    expect(await tierOf(shop.id, "511")).toBe("Silver");
    // Midnight in Helsinki: 2026 closed with 200 € of spend. Keep does not keep a tier the year did not earn.
    expect(await pass(shop.domain, "2026-12-31T22:00:00Z")).toMatchObject({ demotionsAllowed: true, down: 1 });
    expect(await tierOf(shop.id, "511")).toBe("Bronze");
    expect(await changes(shop.id, "511")).toEqual([["Bronze", "Silver", "qualified"], ["Silver", "Bronze", "review"]]);
  });
});

describe("the review", () => {
  it("without keep, demotes at the year end; with keep, a tier earned in 2026 lasts through the 2027 review", async () => {
    const strict = await shopWith({ keep: false });
    const keep = await shopWith({ keep: true });
    for (const shop of [strict, keep]) {
      await order(shop.domain, "521", "800.00", "2026-03-01T10:00:00Z");
      expect(await tierOf(shop.id, "521")).toBe("Gold");
      await pass(shop.domain, "2026-03-02T10:00:00Z");
      await pass(shop.domain, "2027-01-02T10:00:00Z");
    }
    expect(await tierOf(strict.id, "521")).toBe("Bronze");
    expect(await tierOf(keep.id, "521")).toBe("Gold");

    // 2027: 300 € (Silver). The 2028 review keeps what 2027 earned.
    await order(keep.domain, "521", "300.00", "2027-06-01T10:00:00Z");
    expect(await tierOf(keep.id, "521")).toBe("Gold");
    await pass(keep.domain, "2027-12-31T22:00:01Z");
    expect(await tierOf(keep.id, "521")).toBe("Silver");
    expect(await changes(keep.id, "521")).toEqual([["Bronze", "Gold", "qualified"], ["Gold", "Silver", "review"]]);
    // The same day again: nothing more.
    expect(await pass(keep.domain, "2028-01-01T12:00:00Z")).toMatchObject({ demotionsAllowed: false, down: 0, up: 0 });
  });

  it("turns the year in the shop's zone: Pacific/Kiritimati (+14) and Pacific/Pago_Pago (−11)", async () => {
    const kiritimati = await shopWith({ timeZone: "Pacific/Kiritimati" });
    const pagoPago = await shopWith({ timeZone: "Pacific/Pago_Pago" });
    // 23:30 on 31 December 2026, local time in each zone: still 2026.
    await order(kiritimati.domain, "531", "300.00", "2026-12-31T09:30:00Z");
    await order(pagoPago.domain, "531", "300.00", "2027-01-01T10:30:00Z");
    expect(await tierOf(kiritimati.id, "531")).toBe("Silver");
    expect(await tierOf(pagoPago.id, "531")).toBe("Silver");
    await pass(kiritimati.domain, "2026-12-31T09:45:00Z");
    await pass(pagoPago.domain, "2027-01-01T10:45:00Z");
    // One second before local midnight: no review; at midnight: the review, and 2027 is empty.
    expect(await pass(kiritimati.domain, "2026-12-31T09:59:59Z")).toMatchObject({ demotionsAllowed: false });
    expect(await pass(pagoPago.domain, "2027-01-01T10:59:59Z")).toMatchObject({ demotionsAllowed: false });
    expect(await tierOf(kiritimati.id, "531")).toBe("Silver");
    expect(await pass(kiritimati.domain, "2026-12-31T10:00:00Z")).toMatchObject({ demotionsAllowed: true, down: 1 });
    expect(await pass(pagoPago.domain, "2027-01-01T11:00:00Z")).toMatchObject({ demotionsAllowed: true, down: 1 });
    expect(await tierOf(kiritimati.id, "531")).toBe("Bronze");
    expect(await tierOf(pagoPago.id, "531")).toBe("Bronze");

    // An order at 00:30 on 1 January local time counts for the new year.
    await order(kiritimati.domain, "532", "250.00", "2026-12-31T10:30:00Z");
    expect(await tierOf(kiritimati.id, "532")).toBe("Silver");
  });

  it("rolling 12 months: re-checked daily, an order exactly 12 months old still counts, the next day it does not", async () => {
    const shop = await shopWith({ period: "rolling_12_months" });
    await order(shop.domain, "541", "300.00", "2026-02-10T12:00:00Z");
    expect(await tierOf(shop.id, "541")).toBe("Silver");
    await pass(shop.domain, "2026-02-10T13:00:00Z");
    expect(await pass(shop.domain, "2027-02-10T12:00:00Z")).toMatchObject({ demotionsAllowed: true, down: 0 });
    expect(await tierOf(shop.id, "541")).toBe("Silver");
    expect(await pass(shop.domain, "2027-02-11T12:00:00Z")).toMatchObject({ demotionsAllowed: true, down: 1 });
    expect(await tierOf(shop.id, "541")).toBe("Bronze");
    // An order older than 12 months when it arrives upgrades nobody.
    await order(shop.domain, "542", "300.00", "2026-02-10T11:59:59Z", "2027-02-10T12:00:00Z");
    expect(await tierOf(shop.id, "542")).toBe("Bronze");
  });

  it("rolling 12 months with keep: a tier is held 12 months after the member moved into it", async () => {
    const shop = await shopWith({ period: "rolling_12_months", keep: true });
    // Placed 11 months before it was processed (a late event): Silver from 2026-07-01.
    await order(shop.domain, "551", "300.00", "2025-08-01T12:00:00Z", "2026-07-01T12:00:00Z");
    expect(await tierOf(shop.id, "551")).toBe("Silver");
    await pass(shop.domain, "2026-07-01T13:00:00Z");
    // The order left the window on 2026-08-01; the tier is held until 2027-07-01.
    await pass(shop.domain, "2026-08-02T12:00:00Z");
    await pass(shop.domain, "2027-07-01T11:00:00Z");
    expect(await tierOf(shop.id, "551")).toBe("Silver");
    await pass(shop.domain, "2027-07-02T12:00:00Z");
    expect(await tierOf(shop.id, "551")).toBe("Bronze");
  });

  it("keeps a manual tier through reviews until it expires, then reviews it at once", async () => {
    const shop = await shopWith();
    await order(shop.domain, "561", "10.00", "2026-04-01T10:00:00Z");
    const m = await member(shop.id, "561");
    const gold = await db().tier.findFirstOrThrow({ where: { shopId: shop.id, name: "Gold" } });
    await db().member.update({ where: { id: m.id }, data: { tierId: gold.id, tierManual: true, tierManualUntil: new Date("2027-03-01T00:00:00Z") } });
    await pass(shop.domain, "2026-04-02T10:00:00Z");
    await pass(shop.domain, "2027-01-01T10:00:00Z");
    expect(await tierOf(shop.id, "561")).toBe("Gold");
    // Expired: reviewed by the next daily pass, no year end needed.
    await pass(shop.domain, "2027-03-01T10:00:00Z");
    const after = await member(shop.id, "561");
    expect(after.tier?.name).toBe("Bronze");
    expect(after.tierManual).toBe(false);
    expect(await changes(shop.id, "561")).toEqual([["Gold", "Bronze", "review"]]);
  });

  it("a manual tier is a floor: qualifying for a higher tier moves the member up and ends the assignment", async () => {
    const shop = await shopWith();
    await order(shop.domain, "562", "10.00", "2026-04-01T10:00:00Z");
    const silver = await db().tier.findFirstOrThrow({ where: { shopId: shop.id, name: "Silver" } });
    const m = await member(shop.id, "562");
    await db().member.update({ where: { id: m.id }, data: { tierId: silver.id, tierManual: true, tierManualUntil: null } });
    await order(shop.domain, "562", "800.00", "2026-04-02T10:00:00Z");
    const after = await member(shop.id, "562");
    expect(after.tier?.name).toBe("Gold");
    expect(after.tierManual).toBe(false);
  });

  it("survives a crash mid-run: the re-run finishes the review, and no member is moved twice", async () => {
    const shop = await shopWith();
    const customers = Array.from({ length: 23 }, (_, i) => String(5700 + i));
    for (const c of customers) await order(shop.domain, c, "300.00", "2026-06-01T10:00:00Z");
    await pass(shop.domain, "2026-06-02T10:00:00Z");
    const before = await db().program.findUniqueOrThrow({ where: { shopId: shop.id } });
    await expect(pass(shop.domain, "2027-01-03T10:00:00Z", { batchSize: 5, failAfterBatches: 2 })).rejects.toThrow(TierPassCrash);
    // Ten members were reviewed; the review is still due.
    expect(await db().tierChange.count({ where: { shopId: shop.id, reason: "review" } })).toBe(10);
    expect((await db().program.findUniqueOrThrow({ where: { shopId: shop.id } })).tierLastReviewAt).toEqual(before.tierLastReviewAt);
    const rerun = await pass(shop.domain, "2027-01-03T11:00:00Z", { batchSize: 5 });
    expect(rerun).toMatchObject({ demotionsAllowed: true, down: 13, members: 23, batches: 5 });
    for (const c of customers) {
      expect(await tierOf(shop.id, c)).toBe("Bronze");
      expect(await changes(shop.id, c)).toEqual([["Bronze", "Silver", "qualified"], ["Silver", "Bronze", "review"]]);
    }
    expect((await db().program.findUniqueOrThrow({ where: { shopId: shop.id } })).tierLastReviewAt?.toISOString()).toBe("2027-01-03T11:00:00.000Z");
    expect(await pass(shop.domain, "2027-01-03T12:00:00Z", { batchSize: 5 })).toMatchObject({ down: 0, up: 0 });
  });
});

describe("other bases", () => {
  it("points earned: order points and bonuses count, tier entry points do not", async () => {
    // Lifetime: ledger rows carry the real time they were written, whatever the test's `now`.
    const shop = await shopWith({ basis: "points", period: "lifetime", thresholds: [0, 500, 1500, 5000], entryPoints: [0, 2000, 0, 0], multipliers: [1000, 1000, 1000, 1000] });
    await order(shop.domain, "571", "350.00", "2026-06-01T10:00:00Z");
    // 100 for joining + 350 for the order.
    expect(await tierOf(shop.id, "571")).toBe("Bronze");
    await order(shop.domain, "571", "50.00", "2026-06-02T10:00:00Z");
    const m = await member(shop.id, "571");
    expect(m.tier?.name).toBe("Silver");
    // 500 earned + 2000 entry points, which would reach Gold if they counted.
    expect(m.points).toBe(2500);
    await order(shop.domain, "571", "1.00", "2026-06-03T10:00:00Z");
    expect(await tierOf(shop.id, "571")).toBe("Silver");
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("number of orders: paid, not cancelled, with eligible spend left", async () => {
    const shop = await shopWith({ basis: "orders", thresholds: [0, 2, 5, 10] });
    await order(shop.domain, "581", "10.00", "2026-06-01T10:00:00Z");
    await order(shop.domain, "581", "10.00", "2026-06-01T11:00:00Z", "2026-06-01T11:00:00Z", { cancelledAt: "2026-06-01T11:00:00Z" });
    expect(await tierOf(shop.id, "581")).toBe("Bronze");
    const refunded = await order(shop.domain, "582", "10.00", "2026-06-01T10:00:00Z");
    await refund(shop.domain, refunded, "10.00", "2026-06-01T12:00:00Z");
    await order(shop.domain, "582", "10.00", "2026-06-02T10:00:00Z");
    expect(await tierOf(shop.id, "582")).toBe("Bronze");
    await order(shop.domain, "581", "10.00", "2026-06-02T10:00:00Z");
    expect(await tierOf(shop.id, "581")).toBe("Silver");
  });

  it("lifetime: counts every year, and is never reviewed down", async () => {
    const shop = await shopWith({ period: "lifetime" });
    await order(shop.domain, "591", "200.00", "2024-06-01T10:00:00Z");
    await order(shop.domain, "591", "60.00", "2026-06-01T10:00:00Z");
    expect(await tierOf(shop.id, "591")).toBe("Silver");
    await pass(shop.domain, "2026-06-02T10:00:00Z");
    expect(await pass(shop.domain, "2031-01-02T10:00:00Z")).toMatchObject({ demotionsAllowed: false, down: 0 });
    expect(await tierOf(shop.id, "591")).toBe("Silver");
  });
});

describe("multipliers and entry points", () => {
  it("earns tier × best campaign exactly once, replayed webhooks add nothing, refunds reverse at that rate", async () => {
    const shop = await shopWith();
    const now = new Date();
    const gold = await db().tier.findFirstOrThrow({ where: { shopId: shop.id, name: "Gold" } });
    await db().campaign.createMany({
      data: [
        { shopId: shop.id, name: "Double days", multiplierPermille: 2000, startsAt: new Date(now.getTime() - 3_600_000), endsAt: new Date(now.getTime() + 3_600_000) },
        { shopId: shop.id, name: "Smaller", multiplierPermille: 1500, startsAt: new Date(now.getTime() - 3_600_000), endsAt: new Date(now.getTime() + 3_600_000) },
        { shopId: shop.id, name: "Platinum only", multiplierPermille: 5000, startsAt: new Date(now.getTime() - 3_600_000), endsAt: new Date(now.getTime() + 3_600_000), tierRanks: "3" },
        { shopId: shop.id, name: "Switched off", multiplierPermille: 9000, startsAt: new Date(now.getTime() - 3_600_000), endsAt: new Date(now.getTime() + 3_600_000), enabled: false },
      ],
    });
    // A Gold member (1.5×) first, through the sign-up of a tiny order.
    await sendWebhook(testServer().url, "orders/paid", shop.domain, orderPayload({ id: "7790001", customerId: "601", lines: [{ price: "1.00" }], updatedAt: now.toISOString() }));
    await getJobRunner().idle();
    const m = await member(shop.id, "601");
    await db().member.update({ where: { id: m.id }, data: { tierId: gold.id } });

    const payload = orderPayload({ id: "7790002", customerId: "601", lines: [{ price: "100.00" }], updatedAt: now.toISOString() });
    for (let i = 0; i < 3; i++) {
      expect((await sendWebhook(testServer().url, "orders/paid", shop.domain, payload)).status).toBe(200);
    }
    await getJobRunner().idle();
    const record = await db().orderRecord.findFirstOrThrow({ where: { shopId: shop.id, orderGid: "gid://shopify/Order/7790002" } });
    expect(record.multiplierPermille).toBe(3000);
    // The sign-up order earned at Bronze with the campaign: floor(1 × 2) = 2; this one 100 × 1.5 × 2.
    const earned = await db().ledgerEntry.findMany({ where: { memberId: m.id, kind: "order_earned" }, orderBy: { createdAt: "asc" } });
    expect(earned.map((e) => e.delta)).toEqual([2, 300]);

    const r = refundPayload({ id: "7790091", orderId: "7790002", createdAt: now.toISOString(), lines: [{ lineItemId: lineId("7790002", 0), quantity: 1, subtotal: "50.00" }] });
    await sendWebhook(testServer().url, "refunds/create", shop.domain, r);
    await sendWebhook(testServer().url, "refunds/create", shop.domain, r);
    await getJobRunner().idle();
    const after = await member(shop.id, "601");
    expect(after.points).toBe(100 + 2 + 150);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("pays a tier's entry points once per member, tier and year", async () => {
    const shop = await shopWith({ entryPoints: [0, 200, 500, 0] });
    await order(shop.domain, "611", "250.00", "2026-03-01T10:00:00Z");
    const bonus = () => db().ledgerEntry.findMany({ where: { shop: { id: shop.id }, idempotencyKey: { startsWith: "tier-entry:" } }, orderBy: { createdAt: "asc" } });
    expect((await bonus()).map((e) => [e.delta, e.kind, e.note])).toEqual([[200, "action_bonus", "Silver tier welcome bonus"]]);
    // More orders, replays and passes in the same year pay nothing more for Silver.
    await order(shop.domain, "611", "10.00", "2026-03-02T10:00:00Z");
    await pass(shop.domain, "2026-03-03T10:00:00Z");
    expect(await bonus()).toHaveLength(1);
    // Gold pays its own.
    await order(shop.domain, "611", "500.00", "2026-03-04T10:00:00Z");
    expect((await bonus()).map((e) => e.delta)).toEqual([200, 500]);
    // Reviewed down at the year end (strict), back up in 2027: paid again for the new year.
    await pass(shop.domain, "2027-01-01T10:00:00Z");
    expect(await tierOf(shop.id, "611")).toBe("Bronze");
    await order(shop.domain, "611", "260.00", "2027-02-01T10:00:00Z");
    expect((await bonus()).map((e) => e.delta)).toEqual([200, 500, 200]);
    const m = await member(shop.id, "611");
    expect(m.points).toBe(100 + 250 + floorTimes(10, 1250) + floorTimes(500, 1250) + 260 + 900);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });
});

function floorTimes(units: number, permille: number) {
  return Math.floor((units * permille) / 1000);
}
