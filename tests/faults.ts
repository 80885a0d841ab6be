import { randomUUID } from "node:crypto";
import type { Db } from "../app/db.server";
import { createTestShop } from "./db";
import { applyPaidOrder } from "./factories";
import { orderPayload } from "./fixtures/payloads";
import { sendWebhook } from "./http";

// Shared by the fault tests (tests/integration/faults-*.test.ts): a burst of paid orders,
// the oracle (the same orders applied straight to a fresh shop, with no fault anywhere),
// and the balances to compare. docs/decisions/0014-faults.md

export interface BurstOrder {
  customerId: string;
  orderId: string;
  price: string;
  eventId: string;
  at: string;
}

/**
 * A shop for a fault test. An order earns at its member's tier multiplier when it first
 * earns, which depends on which orders arrived first; the oracle is about nothing lost or
 * doubled, so every tier is 1× here (as in tests/integration/replay-storm.test.ts).
 */
export async function createFaultShop(db: Db) {
  const shop = await createTestShop(db);
  await db.tier.updateMany({ where: { shopId: shop.id }, data: { multiplierPermille: 1000 } });
  return shop;
}

let burstSeq = 0;
/** `count` paid orders spread over `customers` customers (ids beyond 2^53, like Shopify's). */
export function burstOrders(count: number, customers: number): BurstOrder[] {
  const run = ++burstSeq;
  const base = 930000000000000000n + BigInt(process.pid % 1000) * 1_000_000n + BigInt(run) * 10_000n;
  return Array.from({ length: count }, (_, i) => ({
    customerId: String(base + BigInt(i % customers)),
    orderId: String(base + 5_000n + BigInt(i)),
    price: `${10 + ((i * 7) % 90)}.${String((i * 13) % 100).padStart(2, "0")}`,
    eventId: randomUUID(),
    at: new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(),
  }));
}

export function burstPayload(order: BurstOrder) {
  return orderPayload({ id: order.orderId, customerId: order.customerId, lines: [{ price: order.price }], updatedAt: order.at, processedAt: order.at });
}

/** Sends one order's orders/paid webhook (its event id fixed, so a resend is Shopify's retry); resolves with the status, 0 when the connection failed. */
export async function sendOrder(base: string, shopDomain: string, order: BurstOrder): Promise<number> {
  try {
    const response = await sendWebhook(base, "orders/paid", shopDomain, burstPayload(order), { eventId: order.eventId });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Sends until acknowledged, as Shopify retries a webhook that did not get a 2xx. */
export async function sendUntilAcknowledged(base: string, shopDomain: string, order: BurstOrder, pauseMs = 100): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 600; attempt++) {
    const status = await sendOrder(base, shopDomain, order);
    statuses.push(status);
    if (status >= 200 && status < 300) return statuses;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error(`order ${order.orderId} never acknowledged: ${statuses.join(",")}`);
}

/** Each customer's balance when the same orders are applied once, in order, with no fault: the oracle. */
export async function oracleBalances(db: Db, orders: BurstOrder[]): Promise<Record<string, number>> {
  const shop = await createFaultShop(db);
  for (const order of orders) {
    await applyPaidOrder(db, shop.domain, { id: order.orderId, customerId: order.customerId, price: order.price, at: order.at });
  }
  return balances(db, shop.id);
}

/** Each member's cached balance, by Shopify customer id. */
export async function balances(db: Db, shopId: string): Promise<Record<string, number>> {
  const members = await db.member.findMany({ where: { shopId }, select: { customerGid: true, points: true } });
  return Object.fromEntries(members.map((m) => [m.customerGid.replace("gid://shopify/Customer/", ""), m.points]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

/** Each member's ledger sum: equal to the cached balance when nothing was doubled or lost. */
export async function ledgerSums(db: Db, shopId: string): Promise<Record<string, number>> {
  const members = await db.member.findMany({ where: { shopId }, select: { id: true, customerGid: true } });
  const out: [string, number][] = [];
  for (const m of members) {
    const sum = await db.ledgerEntry.aggregate({ where: { memberId: m.id }, _sum: { delta: true } });
    out.push([m.customerGid.replace("gid://shopify/Customer/", ""), sum._sum.delta ?? 0]);
  }
  return Object.fromEntries(out.sort(([a], [b]) => a.localeCompare(b)));
}

/** Webhook events of a shop by status, e.g. { done: 40 }. */
export async function eventStatuses(db: Db, shopDomain: string): Promise<Record<string, number>> {
  const rows = await db.webhookEvent.groupBy({ by: ["status"], where: { shopDomain }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}

/** Polls until `check` is true (the fault tests wait on the system, not on a clock). */
export async function waitUntil(what: string | (() => string | Promise<string>), check: () => Promise<boolean>, limitMs = 90_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // the database may still be coming back
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${typeof what === "string" ? what : await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
