import type { Db, Tx } from "../db.server";
import {
  MULTIPLIER_ONE,
  computeEditRemovedMinor,
  computeOrderGrossMinor,
  computeOrderTarget,
  isPaidStatus,
  refundedQuantities,
  type OrderSnapshot,
  type RefundSnapshot,
} from "./earning";
import { appendNewLedgerEntries } from "./ledger.server";
import { ledgerKeys, type LedgerEntryInput, type LedgerKind } from "./ledger";
import { enrollMember } from "./members.server";
import { formatMinorPlain } from "./money";
import { addDays } from "./program";
import { markRedemptionsUsed } from "./redemptions.server";
import { requireShopConfig, type ShopConfig } from "./shop-config.server";
import { calendarYearBounds, qualifyingTier } from "./tiers";
import { WriteConflictError, inTransaction } from "./tx.server";

// Order events converge: each event updates what Kanta knows of the order (newest state by
// Shopify's updated_at, every refund by id), then the order's target points are recomputed
// and the ledger receives only the difference from what the order already earned. A
// duplicate, a replay or a stale event therefore changes nothing.
// docs/decisions/0003-order-points-converge.md

type OrderRecordRow = Awaited<ReturnType<Tx["orderRecord"]["findUniqueOrThrow"]>>;

export interface SettleResult {
  orderGid: string;
  memberId: string | null;
  pointsTarget: number;
  delta: number;
  pendingDelta: number;
}

const EPOCH = new Date(0);

export async function applyOrderSnapshot(
  db: Db,
  shopDomain: string,
  snapshot: OrderSnapshot,
  options: { paidSignal: boolean; now?: Date },
): Promise<SettleResult> {
  return inTransaction(db, async (tx) => {
    const shop = await requireShopConfig(tx, shopDomain);
    const now = options.now ?? new Date();
    for (const refund of snapshot.refunds) await recordRefund(tx, shop.id, refund);

    let record = await tx.orderRecord.findUnique({
      where: { shopId_orderGid: { shopId: shop.id, orderGid: snapshot.orderGid } },
    });
    // A record created now has no refunds but those in this payload (just recorded).
    const knownRefunds = record ? null : snapshot.refunds;
    if (!record) record = await createRecord(tx, shop, snapshot.orderGid, snapshot.currencyCode);

    const entries: LedgerEntryInput[] = [];
    let memberId = record.memberId;
    let memberStatus: string | null = null;
    if (!memberId && snapshot.customerGid) {
      const member = await enrollMember(tx, shop, { customerGid: snapshot.customerGid }, entries);
      memberId = member.id;
      memberStatus = member.status;
    }

    const fresh = snapshot.updatedAt.getTime() >= record.stateUpdatedAt.getTime();
    const stateChanges = fresh
      ? {
          name: snapshot.name,
          customerGid: snapshot.customerGid ?? record.customerGid,
          currencyCode: snapshot.currencyCode,
          stateUpdatedAt: snapshot.updatedAt,
          taxesIncluded: snapshot.taxesIncluded,
          processedAt: snapshot.processedAt,
          grossMinor: BigInt(computeOrderGrossMinor(snapshot)),
          editRemovedMinor: BigInt(computeEditRemovedMinor(snapshot, refundedQuantities(snapshot.refunds))),
          refundedIds: snapshot.refunds.map((r) => r.refundGid).join(","),
        }
      : {};
    // Payment and cancellation are permanent facts: even a stale event may carry them.
    const merged: OrderRecordRow = {
      ...record,
      ...stateChanges,
      memberId,
      processedAt: record.processedAt ?? snapshot.processedAt,
      paid: record.paid || options.paidSignal || isPaidStatus(snapshot.financialStatus),
      cancelled: record.cancelled || snapshot.cancelled,
    };
    if (!snapshot.cancelled) await markRedemptionsUsed(tx, shop.id, snapshot.discountCodes, snapshot.orderGid);
    const settled = await settleOrder(tx, shop, record, merged, now, { memberStatus, refunds: knownRefunds, entries });
    if (settled.eligibleIncreased && settled.result.memberId) {
      await upgradeTier(tx, shop, settled.result.memberId, settled.processedAt, now);
    }
    return settled.result;
  });
}

/**
 * Moves the member up to the highest tier their spend this shop-local calendar year
 * qualifies for. Never down: a refund leaves the tier until the period-end review. Called
 * only when an order's eligible amount grew, so the cost is one aggregate on the
 * (shopId, memberId, processedAt) index and at most one conditional update.
 */
async function upgradeTier(tx: Tx, shop: ShopConfig, memberId: string, processedAt: Date | null, now: Date): Promise<void> {
  // Other bases (points, orders) and periods (rolling, lifetime) are not built yet.
  if (shop.program.tierBasis !== "spend" || shop.program.tierPeriod !== "calendar_year") return;
  if (shop.tiers.length < 2 || !processedAt) return;
  const period = calendarYearBounds(now, shop.ianaTimezone);
  // An order outside this year changes nothing about this year's spend.
  if (processedAt < period.start || processedAt >= period.end) return;
  const spend = await tx.orderRecord.aggregate({
    where: { shopId: shop.id, memberId, processedAt: { gte: period.start, lt: period.end } },
    _sum: { eligibleMinor: true },
  });
  const tier = qualifyingTier(shop.tiers, Number(spend._sum.eligibleMinor ?? 0n));
  // Members start in the entry tier (enrolMember), so only a higher tier needs a write.
  if (!tier || tier.rank <= shop.tiers[0]!.rank) return;
  const lowerIds = shop.tiers.filter((t) => t.rank < tier.rank).map((t) => t.id);
  // Conditional, so it needs no read of the member and cannot move anyone down
  // (shouldUpgrade in ./tiers says the same for callers that hold the member).
  await tx.member.updateMany({
    where: { id: memberId, status: "active", OR: [{ tierId: null }, { tierId: { in: lowerIds } }] },
    data: { tierId: tier.id },
  });
}

export async function applyRefund(
  db: Db,
  shopDomain: string,
  refund: RefundSnapshot,
  options: { now?: Date } = {},
): Promise<SettleResult> {
  return inTransaction(db, async (tx) => {
    const shop = await requireShopConfig(tx, shopDomain);
    await recordRefund(tx, shop.id, refund);
    let record = await tx.orderRecord.findUnique({
      where: { shopId_orderGid: { shopId: shop.id, orderGid: refund.orderGid } },
    });
    // A refund can arrive before the order's own events: remember it; the order settles
    // when its state arrives.
    if (!record) record = await createRecord(tx, shop, refund.orderGid, shop.currencyCode);
    // A refund only lowers spend: no tier change (downgrades wait for the period-end review).
    return (await settleOrder(tx, shop, record, record, options.now ?? new Date())).result;
  });
}

/** Makes due pending order points spendable (for one member, or everywhere). */
export async function releaseDuePendingPoints(
  db: Db,
  options: { now?: Date; memberId?: string; limit?: number } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const due = await db.orderRecord.findMany({
    where: {
      pointsPending: { not: 0 },
      availableAt: { lte: now },
      ...(options.memberId ? { memberId: options.memberId } : {}),
    },
    select: { id: true },
    take: options.limit ?? 500,
  });
  let released = 0;
  for (const { id } of due) {
    await inTransaction(db, async (tx) => {
      const record = await tx.orderRecord.findUniqueOrThrow({ where: { id } });
      const { domain } = await tx.shop.findUniqueOrThrow({ where: { id: record.shopId }, select: { domain: true } });
      const { result } = await settleOrder(tx, await requireShopConfig(tx, domain), record, record, now);
      if (result.delta !== 0) released++;
    });
  }
  return released;
}

async function createRecord(tx: Tx, shop: ShopConfig, orderGid: string, currencyCode: string) {
  return tx.orderRecord.create({
    data: { shopId: shop.id, orderGid, currencyCode, stateUpdatedAt: EPOCH },
  });
}

async function recordRefund(tx: Tx, shopId: string, refund: RefundSnapshot): Promise<void> {
  const exists = await tx.orderRefund.findUnique({
    where: { shopId_refundGid: { shopId, refundGid: refund.refundGid } },
    select: { id: true },
  });
  if (exists) return;
  await tx.orderRefund.create({
    data: { shopId, orderGid: refund.orderGid, refundGid: refund.refundGid, ...refundTotals(refund) },
  });
}

/** A refund's earning-relevant totals: refunded line amounts after discounts, and their taxes. */
function refundTotals(refund: RefundSnapshot): { subtotalMinor: bigint; taxMinor: bigint } {
  let subtotalMinor = 0;
  let taxMinor = 0;
  for (const line of refund.lines) {
    if (line.nonEarning) continue;
    subtotalMinor += line.subtotalMinor;
    taxMinor += line.taxMinor;
  }
  return { subtotalMinor: BigInt(subtotalMinor), taxMinor: BigInt(taxMinor) };
}

/**
 * Recomputes an order's target points from `merged` (the record with the event's facts
 * applied), appends the difference to the ledger, and saves the record conditionally on
 * the revision read. Two guards make a concurrent settlement of the same order retry from
 * a fresh read: its ledger rows are keyed by the revision it would create (the second
 * insert of a key fails, P2002), and the final save matches only the revision it read.
 */
async function settleOrder(
  tx: Tx,
  shop: ShopConfig,
  read: OrderRecordRow,
  merged: OrderRecordRow,
  now: Date,
  known: { memberStatus?: string | null; refunds?: readonly RefundSnapshot[] | null; entries?: LedgerEntryInput[] } = {},
): Promise<{ result: SettleResult; eligibleIncreased: boolean; processedAt: Date | null }> {
  const entries = known.entries ?? [];
  const refunds = known.refunds
    ? known.refunds.map((r) => refundTotals(r))
    : await tx.orderRefund.findMany({
        where: { shopId: shop.id, orderGid: merged.orderGid },
        select: { subtotalMinor: true, taxMinor: true },
      });
  const refundedMinor = refunds.reduce(
    (sum, r) => sum + Math.max(0, Number(r.subtotalMinor) - (merged.taxesIncluded ? Number(r.taxMinor) : 0)),
    0,
  );

  const record = { ...merged };
  const memberStatus =
    known.memberStatus ??
    (record.memberId
      ? ((await tx.member.findUnique({ where: { id: record.memberId }, select: { status: true } }))?.status ?? null)
      : null);

  // Earning terms are fixed the first time the order can earn.
  // Only a live program awards points (draft: not launched yet; paused: stopped by the merchant).
  if (
    record.earnPoints === null &&
    record.paid &&
    !record.cancelled &&
    memberStatus === "active" &&
    shop.program.status === "live" &&
    shop.purchaseRule
  ) {
    record.earnPoints = shop.purchaseRule.points;
    record.earnSpendMinor = shop.purchaseRule.spendMinor;
    record.multiplierPermille = MULTIPLIER_ONE; // tiers and campaigns plug in here
    record.availableAt = addDays(record.processedAt ?? now, shop.program.pendingDays);
  }

  const target =
    record.earnPoints !== null && record.earnSpendMinor !== null && record.memberId
      ? computeOrderTarget({
          paid: record.paid,
          cancelled: record.cancelled,
          grossMinor: Number(record.grossMinor),
          editRemovedMinor: Number(record.editRemovedMinor),
          refundedMinor,
          rate: { points: record.earnPoints, spendMinor: Number(record.earnSpendMinor) },
          multiplierPermille: record.multiplierPermille ?? MULTIPLIER_ONE,
        })
      : { eligibleMinor: 0, points: 0 };

  const revision = read.revision + 1;
  let totalDelta = 0;
  let totalPendingDelta = 0;
  if (record.memberId) {
    const stillPending = record.availableAt !== null && record.availableAt.getTime() > now.getTime();
    if (!stillPending && record.pointsPending !== 0) {
      entries.push({
        shopId: shop.id,
        memberId: record.memberId,
        delta: record.pointsPending,
        pendingDelta: -record.pointsPending,
        kind: "pending_released",
        idempotencyKey: ledgerKeys.orderRelease(record.orderGid, revision),
        sourceGid: record.orderGid,
        note: record.name ? `Order ${record.name}` : null,
      });
      totalDelta += record.pointsPending;
      totalPendingDelta -= record.pointsPending;
      record.pointsPending = 0;
    }
    const diff = target.points - record.pointsCredited;
    if (diff !== 0) {
      const kind: LedgerKind = diff > 0 ? "order_earned" : "order_reversed";
      const delta = stillPending ? 0 : diff;
      const pendingDelta = stillPending ? diff : 0;
      entries.push({
        shopId: shop.id,
        memberId: record.memberId,
        delta,
        pendingDelta,
        kind,
        idempotencyKey: ledgerKeys.order(record.orderGid, revision),
        sourceGid: record.orderGid,
        note: describeOrderChange(record, target.eligibleMinor, kind),
        availableAt: record.availableAt,
      });
      totalDelta += delta;
      totalPendingDelta += pendingDelta;
      record.pointsCredited = target.points;
      record.pointsPending += pendingDelta;
    }
  }

  await appendNewLedgerEntries(tx, entries);
  const saved = await tx.orderRecord.updateMany({
    where: { id: read.id, revision: read.revision },
    data: {
      memberId: record.memberId,
      customerGid: record.customerGid,
      name: record.name,
      currencyCode: record.currencyCode,
      stateUpdatedAt: record.stateUpdatedAt,
      paid: record.paid,
      cancelled: record.cancelled,
      taxesIncluded: record.taxesIncluded,
      processedAt: record.processedAt,
      grossMinor: record.grossMinor,
      editRemovedMinor: record.editRemovedMinor,
      refundedIds: record.refundedIds,
      earnPoints: record.earnPoints,
      earnSpendMinor: record.earnSpendMinor,
      multiplierPermille: record.multiplierPermille,
      pointsTarget: target.points,
      pointsCredited: record.pointsCredited,
      pointsPending: record.pointsPending,
      availableAt: record.availableAt,
      eligibleMinor: BigInt(target.eligibleMinor),
      revision,
    },
  });
  if (saved.count !== 1) throw new WriteConflictError(`order ${record.orderGid} changed concurrently`);
  return {
    result: {
      orderGid: record.orderGid,
      memberId: record.memberId,
      pointsTarget: target.points,
      delta: totalDelta,
      pendingDelta: totalPendingDelta,
    },
    eligibleIncreased: target.eligibleMinor > Number(read.eligibleMinor) && memberStatus === "active",
    processedAt: record.processedAt,
  };
}

function describeOrderChange(record: OrderRecordRow, eligibleMinor: number, kind: LedgerKind): string {
  const order = record.name ? `Order ${record.name}` : "Order";
  const amount = `${formatMinorPlain(eligibleMinor, record.currencyCode)} ${record.currencyCode}`;
  if (kind === "order_earned") return `${order}: ${amount} eligible`;
  if (record.cancelled) return `${order} cancelled`;
  return `${order} refunded or edited: ${amount} still eligible`;
}
