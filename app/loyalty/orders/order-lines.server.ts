import type { Db, Tx } from "../../db.server";
import { computeLineNetMinor, type OrderSnapshot, type RefundSnapshot } from "./order-points";

// What an order bought, kept per line (OrderLine) as the order's newest state has it, and
// what each refund took back per line (OrderRefundLine). Member selection reads them ("who
// bought from Candles"), and the earning rules by product and collection settle and
// reverse by them (0033). Written on the order path, in the order's transaction.

export interface StoredOrderLine {
  lineItemId: string;
  productGid: string | null;
  variantGid: string | null;
  quantity: number;
  currentQuantity: number;
  /** Eligible amount for all units: after discounts, tax out when prices include it; 0 for gift cards and tips. */
  amountMinor: bigint;
  taxMinor: bigint;
  nonEarning: boolean;
  earnPermille: number | null;
  earnExtraPoints: number | null;
  earnMultiplierPermille: number | null;
}

export interface StoredRefundLine {
  refundGid: string;
  lineItemId: string;
  quantity: number;
  subtotalMinor: bigint;
  taxMinor: bigint;
  nonEarning: boolean;
}

/** What an OrderLine row keeps of a payload's line (also the set path's, plain-orders.server.ts). */
export function storedLineData(line: OrderSnapshot["lines"][number], taxesIncluded: boolean) {
  return {
    productGid: line.productGid ?? null,
    variantGid: line.variantGid ?? null,
    quantity: line.quantity,
    currentQuantity: line.currentQuantity,
    amountMinor: BigInt(computeLineNetMinor(line, taxesIncluded)),
    taxMinor: BigInt(line.taxMinor),
    nonEarning: line.nonEarning,
  };
}

/**
 * Saves the snapshot's lines (the caller saves only a snapshot at least as new as the
 * record's state). Lines keep their earning terms: Shopify never removes a line item, an
 * edit only lowers its current quantity.
 */
export async function saveOrderLines(tx: Tx, shopId: string, snapshot: Pick<OrderSnapshot, "orderGid" | "lines" | "taxesIncluded">): Promise<void> {
  if (snapshot.lines.length === 0) return;
  const existing = new Map(
    (await tx.orderLine.findMany({ where: { shopId, orderGid: snapshot.orderGid } })).map((l) => [l.lineItemId, l]),
  );
  const create = [];
  for (const line of snapshot.lines) {
    const data = storedLineData(line, snapshot.taxesIncluded);
    const had = existing.get(line.lineItemId);
    if (!had) {
      create.push({ shopId, orderGid: snapshot.orderGid, lineItemId: line.lineItemId, ...data });
      continue;
    }
    const same =
      had.productGid === data.productGid &&
      had.variantGid === data.variantGid &&
      had.quantity === data.quantity &&
      had.currentQuantity === data.currentQuantity &&
      had.amountMinor === data.amountMinor &&
      had.taxMinor === data.taxMinor &&
      had.nonEarning === data.nonEarning;
    if (!same) await tx.orderLine.update({ where: { id: had.id }, data });
  }
  if (create.length) await tx.orderLine.createMany({ data: create });
}

/** A refund's lines, written once with its OrderRefund row. */
export async function saveRefundLines(tx: Tx, shopId: string, refund: RefundSnapshot): Promise<void> {
  if (refund.lines.length === 0) return;
  // One row per line item (Shopify lists a line once per refund; sum defensively).
  const byLine = new Map<string, { quantity: number; subtotalMinor: number; taxMinor: number; nonEarning: boolean }>();
  for (const l of refund.lines) {
    const had = byLine.get(l.lineItemId);
    byLine.set(l.lineItemId, {
      quantity: (had?.quantity ?? 0) + l.quantity,
      subtotalMinor: (had?.subtotalMinor ?? 0) + l.subtotalMinor,
      taxMinor: (had?.taxMinor ?? 0) + l.taxMinor,
      nonEarning: l.nonEarning,
    });
  }
  await tx.orderRefundLine.createMany({
    data: [...byLine].map(([lineItemId, l]) => ({
      shopId,
      orderGid: refund.orderGid,
      refundGid: refund.refundGid,
      lineItemId,
      quantity: l.quantity,
      subtotalMinor: BigInt(l.subtotalMinor),
      taxMinor: BigInt(l.taxMinor),
      nonEarning: l.nonEarning,
    })),
  });
}

export async function readOrderLines(db: Tx | Db, shopId: string, orderGid: string): Promise<StoredOrderLine[]> {
  return db.orderLine.findMany({
    where: { shopId, orderGid },
    orderBy: { lineItemId: "asc" },
    select: { lineItemId: true, productGid: true, variantGid: true, quantity: true, currentQuantity: true, amountMinor: true, taxMinor: true, nonEarning: true, earnPermille: true, earnExtraPoints: true, earnMultiplierPermille: true },
  });
}

export async function readRefundLines(db: Tx | Db, shopId: string, orderGid: string): Promise<StoredRefundLine[]> {
  return db.orderRefundLine.findMany({
    where: { shopId, orderGid },
    orderBy: [{ refundGid: "asc" }, { lineItemId: "asc" }],
    select: { refundGid: true, lineItemId: true, quantity: true, subtotalMinor: true, taxMinor: true, nonEarning: true },
  });
}

/**
 * Orders whose lines bought any of these products (member selection: "bought from
 * Candles" is productsInCollection then this). Paid, not cancelled, with a member.
 */
export async function ordersWithProducts(db: Tx | Db, shopId: string, productGids: readonly string[], options: { since?: Date } = {}): Promise<{ orderGid: string; memberId: string }[]> {
  if (productGids.length === 0) return [];
  const lines = await db.orderLine.findMany({ where: { shopId, productGid: { in: [...productGids] }, currentQuantity: { gt: 0 } }, select: { orderGid: true }, distinct: ["orderGid"] });
  if (lines.length === 0) return [];
  const orders = await db.orderRecord.findMany({
    where: { shopId, orderGid: { in: lines.map((l) => l.orderGid) }, paid: true, cancelled: false, memberId: { not: null }, ...(options.since ? { processedAt: { gte: options.since } } : {}) },
    select: { orderGid: true, memberId: true },
  });
  return orders.map((o) => ({ orderGid: o.orderGid, memberId: o.memberId! }));
}

/** The lines and refund lines of orders earning by line (reconcile), 500 orders a query. */
export async function readLineTerms(db: Tx | Db, shopId: string, orderGids: readonly string[]) {
  const result = new Map<string, { lines: Awaited<ReturnType<typeof readOrderLines>>; refundLines: Awaited<ReturnType<typeof readRefundLines>> }>();
  for (let i = 0; i < orderGids.length; i += 500) {
    const chunk = orderGids.slice(i, i + 500);
    const [lines, refundLines] = await Promise.all([
      db.orderLine.findMany({ where: { shopId, orderGid: { in: chunk } }, orderBy: { lineItemId: "asc" } }),
      db.orderRefundLine.findMany({ where: { shopId, orderGid: { in: chunk } } }),
    ]);
    for (const gid of chunk) result.set(gid, { lines: [], refundLines: [] });
    for (const l of lines) result.get(l.orderGid)!.lines.push(l);
    for (const r of refundLines) result.get(r.orderGid)!.refundLines.push(r);
  }
  return result;
}
