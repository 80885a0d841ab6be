import type { Db, Tx } from "../../db.server";
import { parseTierPerks } from "./rules";

// The TierDiscount outbox: a tier's free-shipping perk as an automatic discount in Shopify
// (docs/decisions/0029-checkout-discounts.md). markTierDiscounts runs in the transaction of
// every change that can alter what Shopify should have (tier settings saved, program paused,
// resumed or launched) and marks the rows whose wish changed; the job
// (app/jobs/tier-discounts.server.ts) claims them, talks to Shopify and records the outcome.
// Never in the request.

export interface TierDiscountItem {
  id: string;
  shopDomain: string;
  shopUninstalled: boolean;
  tierId: string;
  tierName: string;
  wantActive: boolean;
  segmentGid: string | null;
  discountGid: string | null;
  version: number;
  /** Including this one. */
  attempts: number;
}

export type TierDiscountOutcome = { status: "done" } | { status: "retry"; error: string; nextSyncAt: Date } | { status: "dead"; error: string };

/**
 * Brings the shop's TierDiscount rows in line with its tiers and program: a tier with the
 * free-shipping perk on wants an active discount while the program is live; a tier with it
 * off, a deleted tier or a paused program wants it inactive. A row whose wish or tier name
 * changed (or that died: saving again retries it) becomes pending with a new version. A tier
 * that never had the perk gets no row. Returns how many rows were marked.
 */
export async function markTierDiscounts(tx: Tx | Db, shopId: string, now: Date): Promise<number> {
  const [program, tiers, rows] = await Promise.all([
    tx.program.findUnique({ where: { shopId }, select: { status: true } }),
    tx.tier.findMany({ where: { shopId }, select: { id: true, name: true, perks: true } }),
    tx.tierDiscount.findMany({ where: { shopId } }),
  ]);
  const live = program?.status === "live";
  const wanted = new Map<string, { name: string; active: boolean }>();
  for (const t of tiers) wanted.set(t.id, { name: t.name, active: live && parseTierPerks(t.perks).freeShipping });
  const byTier = new Map(rows.map((r) => [r.tierId, r]));
  let marked = 0;
  for (const [tierId, want] of wanted) {
    const row = byTier.get(tierId);
    if (!row) {
      if (!parseTierPerks(tiers.find((t) => t.id === tierId)?.perks).freeShipping) continue;
      await tx.tierDiscount.create({ data: { shopId, tierId, tierName: want.name, wantActive: want.active, status: "pending", nextSyncAt: now } });
      marked++;
      continue;
    }
    if (row.wantActive === want.active && row.tierName === want.name && row.status !== "dead") continue;
    await tx.tierDiscount.update({
      where: { id: row.id },
      data: { tierName: want.name, wantActive: want.active, status: "pending", version: { increment: 1 }, attempts: 0, nextSyncAt: now, lastError: null },
    });
    marked++;
  }
  // Deleted tiers: their discount ends.
  for (const row of rows) {
    if (wanted.has(row.tierId) || (!row.wantActive && row.status !== "dead")) continue;
    await tx.tierDiscount.update({
      where: { id: row.id },
      data: { wantActive: false, status: "pending", version: { increment: 1 }, attempts: 0, nextSyncAt: now, lastError: null },
    });
    marked++;
  }
  return marked;
}

/**
 * Claims up to `limit` due rows until `leaseUntil` (one worker wins each row; a crashed
 * worker's rows come back after the lease) and reads what their sync needs.
 */
export async function claimDueTierDiscounts(db: Db, now: Date, leaseUntil: Date, limit = 50): Promise<TierDiscountItem[]> {
  const due = await db.tierDiscount.findMany({
    where: { status: "pending", nextSyncAt: { lte: now }, OR: [{ leasedUntil: null }, { leasedUntil: { lte: now } }] },
    orderBy: { nextSyncAt: "asc" },
    select: { id: true },
    take: limit,
  });
  const items: TierDiscountItem[] = [];
  for (const { id } of due) {
    const claimed = await db.tierDiscount.updateMany({
      where: { id, status: "pending", nextSyncAt: { lte: now }, OR: [{ leasedUntil: null }, { leasedUntil: { lte: now } }] },
      data: { leasedUntil: leaseUntil, attempts: { increment: 1 } },
    });
    if (claimed.count !== 1) continue;
    const row = await db.tierDiscount.findUniqueOrThrow({ where: { id }, include: { shop: { select: { domain: true, uninstalledAt: true } } } });
    items.push({
      id: row.id,
      shopDomain: row.shop.domain,
      shopUninstalled: row.shop.uninstalledAt !== null,
      tierId: row.tierId,
      tierName: row.tierName,
      wantActive: row.wantActive,
      segmentGid: row.segmentGid,
      discountGid: row.discountGid,
      version: row.version,
      attempts: row.attempts,
    });
  }
  return items;
}

/** Keeps an id Shopify just gave (before the next call): a retry updates it instead of creating another. */
export async function recordTierDiscountIds(db: Db, id: string, ids: { segmentGid?: string; discountGid?: string }): Promise<void> {
  await db.tierDiscount.update({ where: { id }, data: ids });
}

/**
 * Records an attempt's outcome. `done` only if no newer change was asked for meanwhile (the
 * version the job read): otherwise the row stays pending, due now, for the newer wish.
 */
export async function finishTierDiscount(db: Db, item: TierDiscountItem, outcome: TierDiscountOutcome, now: Date): Promise<void> {
  const data =
    outcome.status === "done"
      ? { status: "done", lastError: null, syncedAt: now, leasedUntil: null }
      : outcome.status === "dead"
        ? { status: "dead", lastError: outcome.error.slice(0, 1000), leasedUntil: null }
        : { lastError: outcome.error.slice(0, 1000), nextSyncAt: outcome.nextSyncAt, leasedUntil: null };
  const updated = await db.tierDiscount.updateMany({ where: { id: item.id, status: "pending", version: item.version }, data });
  // A newer wish arrived meanwhile (markTierDiscounts made it due now): release the claim for it.
  if (updated.count === 0) await db.tierDiscount.updateMany({ where: { id: item.id }, data: { leasedUntil: null } });
}

/** The rows of a shop's current tiers, by tier id (the Tiers page). */
export async function tierDiscountRows(db: Db, shopId: string) {
  const rows = await db.tierDiscount.findMany({ where: { shopId }, select: { tierId: true, wantActive: true, status: true, lastError: true, discountGid: true } });
  return new Map(rows.map((r) => [r.tierId, r]));
}
