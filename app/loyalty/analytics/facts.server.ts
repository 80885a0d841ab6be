// Order facts and the daily order rollup, written by the order path in its transaction.
// A fact's contribution to AnalyticsDay is computed from the fact alone (contribution()),
// so a change to an order (refund, cancellation, edit) moves the rollup by the difference
// between its old and new contribution: the rollup always equals the sum over facts
// (tests/integration/analytics.test.ts checks it against raw orders).
import type { Db, Tx } from "../../db.server";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { deferInBatch } from "../batch-scope.server";
import { isPostgres, rowId, Sql } from "../sql.server";
import { localDay } from "./days";
import { addToSketch, sketchFromText, sketchToText } from "./sketch";

type FactRow = Awaited<ReturnType<Tx["orderFact"]["findUniqueOrThrow"]>>;
type FactData = Omit<FactRow, "id" | "updatedAt">;

export const SEGMENTS = { member: "member", customer: "customer", guest: "guest" } as const;
export const tierSegment = (tierId: string) => `tier:${tierId}`;

/** Segments an order counts in: members (and their tier), non-members with an account, guests. */
export function factSegments(fact: Pick<FactData, "member" | "tierId" | "customerGid">): string[] {
  if (fact.member) return fact.tierId ? [SEGMENTS.member, tierSegment(fact.tierId)] : [SEGMENTS.member];
  return [fact.customerGid ? SEGMENTS.customer : SEGMENTS.guest];
}

export interface Contribution {
  orders: number;
  revenueMinor: bigint;
  rewardOrders: number;
  rewardRevenueMinor: bigint;
  rewardDiscountMinor: bigint;
  referredOrders: number;
  referredRevenueMinor: bigint;
}

const ZERO: Contribution = {
  orders: 0,
  revenueMinor: 0n,
  rewardOrders: 0,
  rewardRevenueMinor: 0n,
  rewardDiscountMinor: 0n,
  referredOrders: 0,
  referredRevenueMinor: 0n,
};

/** What one fact adds to its day's rollup: nothing unless paid and not cancelled. */
export function contribution(fact: FactData | null): Contribution {
  if (!fact || !fact.counted) return ZERO;
  const reward = fact.kantaCodes !== "";
  return {
    orders: 1,
    revenueMinor: fact.netMinor,
    rewardOrders: reward ? 1 : 0,
    rewardRevenueMinor: reward ? fact.netMinor : 0n,
    rewardDiscountMinor: reward ? fact.kantaDiscountMinor : 0n,
    referredOrders: fact.referred ? 1 : 0,
    referredRevenueMinor: fact.referred ? fact.netMinor : 0n,
  };
}

function difference(a: Contribution, b: Contribution): Contribution | null {
  const d: Contribution = {
    orders: a.orders - b.orders,
    revenueMinor: a.revenueMinor - b.revenueMinor,
    rewardOrders: a.rewardOrders - b.rewardOrders,
    rewardRevenueMinor: a.rewardRevenueMinor - b.rewardRevenueMinor,
    rewardDiscountMinor: a.rewardDiscountMinor - b.rewardDiscountMinor,
    referredOrders: a.referredOrders - b.referredOrders,
    referredRevenueMinor: a.referredRevenueMinor - b.referredRevenueMinor,
  };
  return Object.values(d).some((v) => v !== 0 && v !== 0n) ? d : null;
}

export interface OrderCodes {
  /** Discount codes on the order as Shopify sent them (any case). */
  codes: readonly string[];
  /** Shop-money discount amount per code, when the payload carried it. */
  amounts?: Readonly<Record<string, number>>;
}

/**
 * Brings the order's fact in line with its OrderRecord (call after settling it, in the same
 * transaction) and moves the day rollup by the difference. Orders never paid have no fact.
 */
export async function recordOrderFact(tx: Tx, shop: ShopConfig, orderGid: string, codes: OrderCodes = { codes: [] }): Promise<void> {
  const record = await tx.orderRecord.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid } } });
  if (!record || !record.paid || !record.processedAt) return;
  const old = await tx.orderFact.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid } } });

  const refunds = await tx.orderRefund.findMany({ where: { shopId: shop.id, orderGid }, select: { subtotalMinor: true, taxMinor: true } });
  const refunded = refunds.reduce((sum, r) => sum + maxBig(0n, r.subtotalMinor - (record.taxesIncluded ? r.taxMinor : 0n)), 0n);
  const counted = !record.cancelled;
  const netMinor = counted ? maxBig(0n, record.grossMinor - record.editRemovedMinor - refunded) : 0n;

  // Kanta codes: the redemptions this order used (the order path marked them just before).
  const used = await tx.redemption.findMany({ where: { shopId: shop.id, usedOrderGid: orderGid }, select: { code: true } });
  const kantaCodes = used.map((u) => u.code).filter((c): c is string => Boolean(c)).sort();
  let kantaDiscountMinor = old?.kantaDiscountMinor ?? 0n;
  if (codes.amounts && kantaCodes.length > 0) {
    const upper = Object.fromEntries(Object.entries(codes.amounts).map(([c, v]) => [c.toUpperCase(), v]));
    const sum = kantaCodes.reduce((s, c) => s + (upper[c] ?? 0), 0);
    if (sum > 0) kantaDiscountMinor = BigInt(sum);
  }

  const customerGid = record.customerGid ?? null;
  let member = old?.member ?? false;
  let tierId = old?.tierId ?? null;
  let repeat = old?.repeat ?? false;
  if (!old) {
    if (record.memberId) {
      const m = await tx.member.findUnique({ where: { id: record.memberId }, select: { status: true, tierId: true } });
      member = m?.status === "active";
      tierId = member ? (m?.tierId ?? null) : null;
    }
    if (customerGid) {
      repeat =
        (await tx.orderFact.count({ where: { shopId: shop.id, customerGid, counted: true, processedAt: { lt: record.processedAt } } })) > 0;
    }
  }
  const referred =
    (await tx.referral.count({
      where: { shopId: shop.id, OR: [{ orderGid }, ...(customerGid ? [{ friendCustomerGid: customerGid }] : [])] },
    })) > 0;

  const next: FactData = {
    shopId: shop.id,
    orderGid,
    customerGid,
    member,
    tierId,
    day: old?.day ?? localDay(record.processedAt, shop.ianaTimezone),
    processedAt: old?.processedAt ?? record.processedAt,
    counted,
    grossMinor: record.grossMinor,
    netMinor,
    kantaCodes: kantaCodes.length > 0 ? kantaCodes.join(",") : (old?.kantaCodes ?? ""),
    kantaDiscountMinor,
    referred,
    repeat,
  };
  if (old && sameFact(old, next)) return;
  if (old) await tx.orderFact.update({ where: { id: old.id }, data: next });
  else await tx.orderFact.create({ data: next });

  const diff = difference(contribution(next), contribution(old));
  const newlyCounted = next.counted && !old?.counted;
  if (!diff && !newlyCounted) return;
  for (const segment of factSegments(next)) {
    await applyToDay(tx, shop.id, next.day, segment, diff, newlyCounted && customerGid ? { customerGid, repeat: next.repeat } : null);
  }
}

function sameFact(a: FactRow, b: FactData): boolean {
  return (Object.keys(b) as (keyof FactData)[]).every((k) => {
    const x = a[k];
    const y = b[k];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * Adds a difference to one rollup row (atomic increments) and, for an order counted for
 * the first time, its customer to the day's and the month's sketches. Inside a webhook
 * batch (app/loyalty/batch-scope.server.ts) the differences and customers are summed in
 * memory and written once per row at the batch's end: the same rows, the same totals
 * (increments add up; a sketch is a union), a few statements instead of ~20 per order.
 */
export async function applyToDay(
  tx: Tx,
  shopId: string,
  day: string,
  segment: string,
  diff: Contribution | null,
  customer: { customerGid: string; repeat: boolean } | null,
): Promise<void> {
  const pending = deferInBatch(tx, "analytics-days", () => new Map<string, PendingDay>(), writePendingDays);
  if (pending) {
    const key = `${shopId}\u0000${day}\u0000${segment}`;
    let row = pending.get(key);
    if (!row) {
      row = { shopId, day, segment, diff: { ...ZERO }, customers: new Set(), repeatCustomers: new Set() };
      pending.set(key, row);
    }
    if (diff) row.diff = sum(row.diff, diff);
    if (customer) {
      row.customers.add(customer.customerGid);
      if (customer.repeat) row.repeatCustomers.add(customer.customerGid);
    }
    return;
  }
  await addToDayRow(tx, { shopId, day, segment }, diff ?? ZERO);
  if (!customer) return;
  for (const [kind, period] of [["day", day], ["month", day.slice(0, 7)]] as const) {
    await addToStoredSketch(tx, { shopId, kind, period, segment }, [customer.customerGid], customer.repeat ? [customer.customerGid] : []);
  }
}

interface PendingDay {
  shopId: string;
  day: string;
  segment: string;
  diff: Contribution;
  customers: Set<string>;
  repeatCustomers: Set<string>;
}

function sum(a: Contribution, b: Contribution): Contribution {
  return {
    orders: a.orders + b.orders,
    revenueMinor: a.revenueMinor + b.revenueMinor,
    rewardOrders: a.rewardOrders + b.rewardOrders,
    rewardRevenueMinor: a.rewardRevenueMinor + b.rewardRevenueMinor,
    rewardDiscountMinor: a.rewardDiscountMinor + b.rewardDiscountMinor,
    referredOrders: a.referredOrders + b.referredOrders,
    referredRevenueMinor: a.referredRevenueMinor + b.referredRevenueMinor,
  };
}

/** A batch's rollup: each day row once, then each day's and month's sketch once, in key order (concurrent workers lock rows in the same order). */
async function writePendingDays(tx: Tx, pending: Map<string, PendingDay>): Promise<void> {
  const rows = [...pending.values()].sort((a, b) => compareKeys([a.shopId, a.day, a.segment], [b.shopId, b.day, b.segment]));
  for (const row of rows) await addToDayRow(tx, row, row.diff);
  const sketches = new Map<string, { key: SketchKey; values: Set<string>; repeat: Set<string> }>();
  for (const row of rows) {
    if (row.customers.size === 0) continue;
    for (const [kind, period] of [["day", row.day], ["month", row.day.slice(0, 7)]] as const) {
      const id = `${row.shopId}\u0000${kind}\u0000${period}\u0000${row.segment}`;
      let sketch = sketches.get(id);
      if (!sketch) {
        sketch = { key: { shopId: row.shopId, kind, period, segment: row.segment }, values: new Set(), repeat: new Set() };
        sketches.set(id, sketch);
      }
      for (const value of row.customers) sketch.values.add(value);
      for (const value of row.repeatCustomers) sketch.repeat.add(value);
    }
  }
  for (const id of [...sketches.keys()].sort()) {
    const { key, values, repeat } = sketches.get(id)!;
    await addToStoredSketch(tx, key, [...values], [...repeat]);
  }
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

async function addToDayRow(tx: Tx, key: { shopId: string; day: string; segment: string }, d: Contribution): Promise<void> {
  const { shopId, day, segment } = key;
  await tx.analyticsDay.upsert({
    where: { shopId_day_segment: { shopId, day, segment } },
    create: { shopId, day, segment, ...d },
    update: {
      orders: { increment: d.orders },
      revenueMinor: { increment: d.revenueMinor },
      rewardOrders: { increment: d.rewardOrders },
      rewardRevenueMinor: { increment: d.rewardRevenueMinor },
      rewardDiscountMinor: { increment: d.rewardDiscountMinor },
      referredOrders: { increment: d.referredOrders },
      referredRevenueMinor: { increment: d.referredRevenueMinor },
    },
    select: { id: true },
  });
}

type SketchKey = { shopId: string; kind: "day" | "month"; period: string; segment: string };

/**
 * Adds values to a stored sketch (and `repeat` to its repeat sketch), read and written
 * under the row's lock on PostgreSQL (SQLite has one writer), so concurrent writers lose
 * nothing.
 */
export async function addToStoredSketch(tx: Tx, key: SketchKey, values: readonly string[], repeat: readonly string[] = []): Promise<void> {
  // One statement creates the row or locks it (an upsert's DO UPDATE takes the row lock on
  // PostgreSQL; SQLite has one writer) and reads it: four round trips through Prisma before.
  const sql = new Sql(isPostgres(tx), true);
  const [row] = await tx.$queryRawUnsafe<{ id: string; customers: string | null; repeatCustomers: string | null }[]>(
    `INSERT INTO "AnalyticsSketch" ("id", "shopId", "kind", "period", "segment") VALUES (${sql.list([rowId(), key.shopId, key.kind, key.period, key.segment])})
     ON CONFLICT ("shopId", "kind", "period", "segment") DO UPDATE SET "kind" = excluded."kind"
     RETURNING "id", "customers", "repeatCustomers"`,
    ...sql.params,
  );
  if (!row) throw new Error("the sketch upsert returned no row");
  const customers = sketchFromText(row.customers);
  const repeatCustomers = sketchFromText(row.repeatCustomers);
  let changed = false;
  for (const value of values) changed = addToSketch(customers, value) || changed;
  let repeatChanged = false;
  for (const value of repeat) repeatChanged = addToSketch(repeatCustomers, value) || repeatChanged;
  if (!changed && !repeatChanged) return;
  await tx.analyticsSketch.update({
    where: { id: row.id },
    data: {
      ...(changed ? { customers: sketchToText(customers) } : {}),
      ...(repeatChanged ? { repeatCustomers: sketchToText(repeatCustomers) } : {}),
    },
  });
}

/** Re-reads an order's fact after something beside the order changed (a referral it completed). */
export async function refreshOrderFact(db: Db, shopDomain: string, orderGid: string): Promise<void> {
  await inTransaction(db, async (tx) => recordOrderFact(tx, await requireShopConfig(tx, shopDomain), orderGid));
}
