import { describe, expect, it } from "vitest";
import { ENROLMENT_RETRY, runDueEnrolments } from "../../app/jobs/enrolment.server";
import { getEmulator, type EmulatedOrder } from "../../app/local/emulator.server";
import { verifyLedger } from "../../app/loyalty/ledger/append.server";
import { ensureInstallEnrolment, requestEnrolment } from "../../app/loyalty/members/existing-customers.server";
import { applyOrderSnapshot } from "../../app/loyalty/orders/orders.server";
import { toOrderSnapshot } from "../../app/webhooks/payloads";
import { createTestShop, useTestDatabase } from "../db";
import { orderPayload } from "../fixtures/payloads";
import { useLocalModeEnv } from "../http";
import { expectLoggedError } from "../logged-errors";

// Starting with the shop's existing customers: the enrolment job against the emulator's
// bulk operations. Counts, excluded tags, idempotent re-runs, resuming after a crash
// mid-stream, tier placement from past orders, and no double points when an order's
// webhook arrives after the order was backfilled.

const { db } = useTestDatabase();
useLocalModeEnv();

const fast = { pollMs: 1, maxPollMs: 2 };
let seq = 0;

interface Fixture {
  shop: Awaited<ReturnType<typeof createTestShop>>;
  customers: string[];
  orders: EmulatedOrder[];
}

/**
 * A shop with 30 customers in "Shopify": 3 tagged wholesale (excluded), customer 1 spends
 * 300 € (Silver from 250 €), customer 2 spends 800 € (Gold from 750 €) in two orders,
 * customer 3 has a test order and a pending one, and one guest order. One order (customer
 * 1's) is 90 days old: outside a 60-day window.
 */
async function setup(options: { awardPoints?: boolean; signupBonus?: boolean; orderDays?: number } = {}): Promise<Fixture> {
  const shop = await createTestShop(db());
  await db().program.update({
    where: { shopId: shop.id },
    data: { excludedTags: "wholesale", enrolOrderDays: options.orderDays ?? 60, enrolAwardPoints: options.awardPoints ?? false, enrolSignupBonus: options.signupBonus ?? false },
  });
  const emulator = await getEmulator();
  emulator.addShop({ name: "Enrol", myshopifyDomain: shop.domain, currencyCode: "EUR", ianaTimezone: "Europe/Helsinki" });
  const base = 9_600_000_000 + ++seq * 1000;
  const customers: string[] = [];
  for (let i = 1; i <= 30; i++) {
    const id = String(base + i);
    customers.push(id);
    emulator.addCustomer(shop.domain, {
      id: `gid://shopify/Customer/${id}`,
      email: `c${id}@example.com`,
      phone: null,
      numberOfOrders: 0,
      addresses: [],
      firstName: `Customer ${i}`,
      lastName: "Test",
      tags: i >= 28 ? ["Wholesale", "b2b"] : ["newsletter"],
      locale: i % 3 === 0 ? "fi" : "en",
    });
  }
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
  const order = (n: number, customer: string | null, price: string, extra: Partial<EmulatedOrder> = {}): EmulatedOrder => ({
    id: `gid://shopify/Order/${base * 10 + n}`,
    name: `#${n}`,
    customerId: customer ? `gid://shopify/Customer/${customer}` : null,
    createdAt: daysAgo(5 + n),
    financialStatus: "PAID",
    currencyCode: "EUR",
    lines: [{ id: `gid://shopify/LineItem/${base * 100 + n}`, quantity: 1, unitPrice: price }],
    ...extra,
  });
  const orders = [
    order(1, customers[0]!, "300.00"),
    order(2, customers[1]!, "500.00"),
    order(3, customers[1]!, "300.00"),
    order(4, customers[2]!, "900.00", { test: true }),
    order(5, customers[2]!, "900.00", { financialStatus: "PENDING" }),
    order(6, null, "50.00"),
    order(7, customers[0]!, "2000.00", { createdAt: daysAgo(90) }),
    order(8, customers[28]!, "2000.00"), // an excluded customer's
  ];
  for (const o of orders) emulator.addOrder(shop.domain, o);
  return { shop, customers, orders };
}

async function members(shopId: string) {
  return db().member.findMany({ where: { shopId }, include: { tier: true }, orderBy: { customerGid: "asc" } });
}

async function memberOf(shopId: string, customerId: string) {
  return db().member.findUniqueOrThrow({ where: { shopId_customerGid: { shopId, customerGid: `gid://shopify/Customer/${customerId}` } }, include: { tier: true } });
}

describe("enrolling the shop's existing customers", () => {
  it("enrols every customer but the excluded ones, places tiers from the last 60 days' paid orders, and awards nothing by default", async () => {
    const { shop, customers } = await setup();
    const run = await ensureInstallEnrolment(db(), shop.domain);
    expect(run).toMatchObject({ trigger: "install", status: "queued" });
    // Asking again on a re-authentication finds the first run.
    expect(await ensureInstallEnrolment(db(), shop.domain)).toBeNull();

    expect(await runDueEnrolments(db(), new Date(), { ...fast, batchSize: 7 })).toBe(1);
    const done = await db().enrolmentRun.findUniqueOrThrow({ where: { id: run!.id } });
    expect(done).toMatchObject({ status: "done", phase: "done", customersSeen: 30, enrolled: 27, alreadyMembers: 0, excludedSkipped: 3, ordersCounted: 3, pointsAwarded: 0 });
    // Orders read: 1, 2, 3, 5 (pending), 6 (guest), 8 (excluded customer's); 4 is a test order; 7 is outside the window.
    expect(done.ordersSeen).toBe(6);

    const list = await members(shop.id);
    expect(list).toHaveLength(27);
    expect(list.every((m) => m.status === "active" && m.points === 0)).toBe(true);
    expect(list.some((m) => m.customerGid.endsWith(customers[28]!))).toBe(false);
    expect((await memberOf(shop.id, customers[0]!)).tier?.name).toBe("Silver");
    expect((await memberOf(shop.id, customers[1]!)).tier?.name).toBe("Gold");
    expect((await memberOf(shop.id, customers[2]!)).tier?.name).toBe("Bronze");
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
    // The order records count for tiers and can never earn.
    const records = await db().orderRecord.findMany({ where: { shopId: shop.id } });
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.backfill === "tier_only" && r.earnPoints === 0 && r.eligibleMinor > 0n)).toBe(true);
    // The tier moves reach Shopify through the usual outbox.
    const changes = await db().tierChange.findMany({ where: { shopId: shop.id, reason: "qualified" }, orderBy: { createdAt: "asc" } });
    expect(new Set(changes.map((c) => c.customerGid))).toEqual(new Set([`gid://shopify/Customer/${customers[0]}`, `gid://shopify/Customer/${customers[1]}`]));
    expect(changes.filter((c) => c.customerGid.endsWith(customers[1]!)).at(-1)!.toTier).toBe("Gold");
    // Existing customers are not new joiners: their welcome and tier occasions are recorded
    // (so a replay can't send them later) but go to no channel: no email, Flow or Klaviyo.
    expect(await db().occasion.count({ where: { shopId: shop.id, kind: "welcome" } })).toBe(27);
    expect(await db().occasion.count({ where: { shopId: shop.id, kind: "tier_reached" } })).toBeGreaterThan(0);
    expect(await db().occasionDelivery.count({ where: { shopId: shop.id } })).toBe(0);
    // The shop's language: its customers' most common one.
    expect((await db().shop.findUniqueOrThrow({ where: { id: shop.id } })).primaryLocale).toBe("en");

    // Running it again enrols nobody twice and changes nothing.
    const again = await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:test" });
    expect(again.created).toBe(true);
    await runDueEnrolments(db(), new Date(), fast);
    expect(await db().enrolmentRun.findUniqueOrThrow({ where: { id: again.run.id } })).toMatchObject({ status: "done", enrolled: 0, alreadyMembers: 27, excludedSkipped: 3, ordersCounted: 0 });
    expect(await db().member.count({ where: { shopId: shop.id } })).toBe(27);
    expect(await db().orderRecord.count({ where: { shopId: shop.id } })).toBe(3);
    expect(await db().tierChange.count({ where: { shopId: shop.id } })).toBe(changes.length);
  });

  it("one run at a time per shop: asking while one is queued returns it", async () => {
    const { shop } = await setup();
    const first = await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:a" });
    const second = await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:b" });
    expect(second).toMatchObject({ created: false, run: { id: first.run.id } });
    // Not run here: the other tests' sweeps take every due run of this database.
    await db().enrolmentRun.deleteMany({ where: { shopId: shop.id } });
  });

  it("resumes after a crash mid-stream without doubling sign-up bonuses, points or counts", async () => {
    const { shop, customers } = await setup({ awardPoints: true, signupBonus: true });
    const { run } = await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:test" });
    let batches = 0;
    const crashAt = new Set([2, 7]); // once in the customers' phase, once in the orders'
    const crash = () => {
      batches++;
      if (crashAt.has(batches)) throw new Error(`process died after batch ${batches}`);
    };
    await runDueEnrolments(db(), new Date(), { ...fast, batchSize: 5, afterBatch: crash });
    const stopped = await db().enrolmentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stopped).toMatchObject({ status: "queued", phase: "customers", linesDone: 10, customersSeen: 10 });
    expect(stopped.lastError).toMatch(/process died/);
    // Not due before its backoff.
    expect(await runDueEnrolments(db(), new Date(), fast)).toBe(0);

    let later = new Date(stopped.nextAttemptAt.getTime() + 1);
    await runDueEnrolments(db(), later, { ...fast, batchSize: 5, afterBatch: crash });
    const inOrders = await db().enrolmentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(inOrders.phase).toBe("orders");
    expect(inOrders.status).toBe("queued");

    later = new Date(inOrders.nextAttemptAt.getTime() + 1);
    await runDueEnrolments(db(), later, { ...fast, batchSize: 1, afterBatch: crash });
    const done = await db().enrolmentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: "done", customersSeen: 30, enrolled: 27, excludedSkipped: 3, ordersCounted: 3, attempts: 3 });
    // Exactly one bonus per member, points for each counted order once: 300 + 500 + 300 at 1 point per euro.
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id, kind: "signup_bonus" } })).toBe(27);
    expect(done.pointsAwarded).toBe(1100);
    expect((await memberOf(shop.id, customers[1]!)).points).toBe(100 + 800);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("a worker that died mid-run leaves its lease to run out; the next sweep resumes the run", async () => {
    const { shop } = await setup({ orderDays: 0 });
    const { run } = await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:test" });
    // Claimed by a worker that then vanished (lease until a minute ago), halfway through.
    await db().enrolmentRun.update({ where: { id: run.id }, data: { status: "running", leaseUntil: new Date(Date.now() - 60_000) } });
    expect(await runDueEnrolments(db(), new Date(), fast)).toBe(1);
    expect(await db().enrolmentRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "done", enrolled: 27, ordersSeen: 0 });
  });

  it("an order's webhook arriving after its order was backfilled earns nothing twice", async () => {
    const { shop, customers, orders } = await setup({ awardPoints: true });
    await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:test" });
    await runDueEnrolments(db(), new Date(), fast);
    const member = await memberOf(shop.id, customers[0]!);
    expect(member.points).toBe(300);
    const entries = await db().ledgerEntry.count({ where: { shopId: shop.id } });

    // orders/updated for order 1 (a note changed in Shopify): the same order, later.
    const o = orders[0]!;
    const orderId = o.id.split("/").pop()!;
    const payload = orderPayload({ id: orderId, customerId: customers[0]!, lines: [{ id: o.lines[0]!.id.split("/").pop()!, price: "300.00" }], updatedAt: new Date().toISOString(), processedAt: o.createdAt.toISOString() });
    await applyOrderSnapshot(db(), shop.domain, toOrderSnapshot(payload), { paidSignal: true });
    expect((await memberOf(shop.id, customers[0]!)).points).toBe(300);
    expect(await db().ledgerEntry.count({ where: { shopId: shop.id } })).toBe(entries);

    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("an order counted for tiers only never earns, even when its webhook arrives later; re-running with points pays it once", async () => {
    const { shop, customers, orders } = await setup();
    await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:test" });
    await runDueEnrolments(db(), new Date(), fast);
    const o = orders[0]!;
    const orderId = o.id.split("/").pop()!;
    const payload = orderPayload({ id: orderId, customerId: customers[0]!, lines: [{ id: o.lines[0]!.id.split("/").pop()!, price: "300.00" }], updatedAt: new Date().toISOString(), processedAt: o.createdAt.toISOString() });
    await applyOrderSnapshot(db(), shop.domain, toOrderSnapshot(payload), { paidSignal: true });
    expect((await memberOf(shop.id, customers[0]!)).points).toBe(0);

    // The merchant changes their mind: points for past orders, run again. Paid once, then never again.
    await db().program.update({ where: { shopId: shop.id }, data: { enrolAwardPoints: true } });
    for (let i = 0; i < 2; i++) {
      await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:test" });
      await runDueEnrolments(db(), new Date(), fast);
    }
    expect((await memberOf(shop.id, customers[0]!)).points).toBe(300);
    expect((await memberOf(shop.id, customers[1]!)).points).toBe(800);
    await applyOrderSnapshot(db(), shop.domain, toOrderSnapshot({ ...payload, updated_at: new Date(Date.now() + 5000).toISOString() }), { paidSignal: true });
    expect((await memberOf(shop.id, customers[0]!)).points).toBe(300);
    expect(await verifyLedger(db(), shop.id)).toEqual([]);
  });

  it("a terminal Shopify failure ends the run failed, with the reason", async () => {
    const { shop } = await setup({ orderDays: 0 });
    const { run } = await requestEnrolment(db(), shop.domain, { trigger: "manual", actor: "staff:test" });
    (await getEmulator()).failNextBulkOperation("ACCESS_DENIED");
    expectLoggedError(/enrolment failed/);
    await runDueEnrolments(db(), new Date(), fast);
    const failed = await db().enrolmentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/ACCESS_DENIED/);
    expect(ENROLMENT_RETRY.maxAttempts).toBeGreaterThan(1);
  });
});

describe("a fresh install", () => {
  it("gets thresholds in its currency, a starter reward so it can launch, and its first enrolment asked for once", async () => {
    const { syncShopDetails } = await import("../../app/shopify/shop.server");
    const { launchProgram } = await import("../../app/loyalty/program/overview.server");
    const domain = `fresh-${process.pid}-${++seq}.myshopify.com`;
    const emulator = await getEmulator();
    emulator.addShop({ name: "Tokyo", myshopifyDomain: domain, currencyCode: "JPY", ianaTimezone: "Asia/Tokyo" });
    emulator.addCustomer(domain, { id: `gid://shopify/Customer/${9_700_000_000 + seq}`, email: "k@example.com", phone: null, numberOfOrders: 0, addresses: [], locale: "ja" });
    const admin = { graphql: emulator.client(domain) };
    const shop = await syncShopDetails(domain, admin);
    await syncShopDetails(domain, admin); // a re-authentication

    const tiers = await db().tier.findMany({ where: { shopId: shop.id }, orderBy: { rank: "asc" } });
    expect(tiers.map((t) => [t.name, Number(t.thresholdMinor)])).toEqual([
      ["Bronze", 0],
      ["Silver", 40_000],
      ["Gold", 120_000],
      ["Platinum", 240_000],
    ]);
    const rewards = await db().reward.findMany({ where: { shopId: shop.id } });
    expect(rewards).toHaveLength(1);
    expect(rewards[0]).toMatchObject({ type: "amount_off", pointsCost: 500, valueMinor: 800n, enabled: true });
    const runs = await db().enrolmentRun.findMany({ where: { shopId: shop.id } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "install", status: "queued" });

    await runDueEnrolments(db(), new Date(), fast);
    expect(await db().member.count({ where: { shopId: shop.id } })).toBe(1);
    // The program speaks its customers' language.
    expect((await db().shop.findUniqueOrThrow({ where: { id: shop.id } })).primaryLocale).toBe("ja");
    await expect(launchProgram(domain, db())).resolves.toMatchObject({ status: "live", launched: true });
  });
});
