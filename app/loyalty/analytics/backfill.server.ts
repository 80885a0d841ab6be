// Backfill: facts for orders Kanta stored before analytics existed (or before a fact could
// be written), oldest first so "repeat" is right, each through recordOrderFact, so the
// rollups move by difference exactly as on the order path and a concurrent order webhook
// cannot be counted twice. Points come from the ledger by the catch-up (from the start
// when a shop has no AnalyticsState yet).
import type { Db } from "../../db.server";
import { requireShopConfig } from "../program/shop-config.server";
import { inTransaction } from "../tx.server";
import { recordOrderFact } from "./facts.server";
import { catchUpPoints } from "./points.server";

const BATCH = 200;

/** Writes the missing facts of a shop's paid orders; returns how many orders it looked at. */
export async function backfillOrderFacts(db: Db, shopDomain: string): Promise<number> {
  const shop = await requireShopConfig(db, shopDomain);
  let seen = 0;
  let after: { processedAt: Date; id: string } | null = null;
  for (;;) {
    const rows: { id: string; orderGid: string; processedAt: Date | null }[] = await db.orderRecord.findMany({
      where: {
        shopId: shop.id,
        paid: true,
        processedAt: { not: null },
        ...(after ? { OR: [{ processedAt: { gt: after.processedAt } }, { processedAt: after.processedAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ processedAt: "asc" }, { id: "asc" }],
      select: { id: true, orderGid: true, processedAt: true },
      take: BATCH,
    });
    if (rows.length === 0) return seen;
    const have = new Set(
      (await db.orderFact.findMany({ where: { shopId: shop.id, orderGid: { in: rows.map((r) => r.orderGid) } }, select: { orderGid: true } })).map((f) => f.orderGid),
    );
    for (const row of rows) {
      if (!have.has(row.orderGid)) await inTransaction(db, (tx) => recordOrderFact(tx, shop, row.orderGid));
    }
    seen += rows.length;
    const last = rows[rows.length - 1]!;
    after = { processedAt: last.processedAt!, id: last.id };
  }
}

/** Once per shop (the first visit to the page): facts for stored orders, and points from the ledger. */
export async function ensureAnalyticsBackfilled(db: Db, shopDomain: string, now = new Date()): Promise<boolean> {
  const shop = await requireShopConfig(db, shopDomain);
  const state = await db.analyticsState.findUnique({ where: { shopId: shop.id }, select: { backfilledAt: true } });
  if (state?.backfilledAt) return false;
  await backfillOrderFacts(db, shopDomain);
  await catchUpPoints(db, shop, now);
  await db.analyticsState.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id, backfilledAt: now }, update: { backfilledAt: now } });
  return true;
}
