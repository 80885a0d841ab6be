import type { Db, Tx } from "../../db.server";
import { computeEditRemovedMinor, computeOrderGrossMinor, computeStoredOrderTarget, computeStoredRefundTotals, isPaidStatus, orderMultiplierPermille, refundedQuantities, type OrderSnapshot, type RefundSnapshot } from "./order-points";
import { payMilestones, reverseMilestones } from "./milestones.server";
import { MULTIPLIER_ONE } from "../earn/points";
import { appendNewLedgerEntries } from "../ledger/append.server";
import { countsAsEarning, ledgerKeys, type LedgerEntryInput, type LedgerKind } from "../ledger/entries";
import { enrollMember } from "../members/enrol.server";
import { addDays } from "../program/defaults";
import { requireShopConfig, type ShopConfig } from "../program/shop-config.server";
import { upgradeMemberTier } from "../tiers/moves.server";
import { applyMembershipOrder, endMembershipsForRefund } from "../tiers/paid.server";
import { WriteConflictError, inTransaction } from "../tx.server";
import { recordOrderFact } from "../analytics/facts.server";
import { challengeContext, refreshChallenges } from "../challenges/progress.server";
import { saveOrderLines, saveRefundLines } from "./order-lines.server";
import { describeOrderChange, markRedemptionsUsed, recordOrderOccasions } from "./order-effects.server";
import { fixLineTerms, storedLineTarget } from "./line-earning.server";
import { earnsByLine } from "../earn/product-rules";

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
    let memberTierId: string | null = null;
    if (!memberId && snapshot.customerGid) {
      const member = await enrollMember(tx, shop, { customerGid: snapshot.customerGid }, entries);
      memberId = member.id;
      memberStatus = member.status;
      memberTierId = member.tierId;
    }

    const fresh = snapshot.updatedAt.getTime() >= record.stateUpdatedAt.getTime();
    if (fresh) await saveOrderLines(tx, shop.id, snapshot);
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
          ...(snapshot.totalMinor !== undefined ? { orderTotalMinor: BigInt(snapshot.totalMinor) } : {}),
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
    const settled = await settleOrder(tx, shop, record, merged, now, { memberStatus, memberTierId, refunds: knownRefunds, entries });
    // Win-back (app/loyalty/dates) counts days since the member's newest paid order: set once, when the order becomes paid.
    if (merged.paid && !record.paid && !merged.cancelled && memberId) {
      const at = merged.processedAt ?? now;
      await tx.member.updateMany({ where: { id: memberId, OR: [{ lastOrderAt: null }, { lastOrderAt: { lt: at } }] }, data: { lastOrderAt: at } });
    }
    // Analytics: the order's fact and the day rollup, members' and guests' orders alike.
    await recordOrderFact(tx, shop, snapshot.orderGid, { codes: snapshot.discountCodes, amounts: snapshot.discountCodeAmounts });
    // Upgrades only (refunds wait for the review). Spend and orders change with the order's
    // eligible amount, in the window of its processedAt; points with the points it earned now.
    const memberToCheck = settled.result.memberId;
    // A membership product in the order puts the member in its paid tier, or ends it (0032).
    const membership = { orderGid: snapshot.orderGid, processedAt: merged.processedAt ?? now, paid: merged.paid, cancelled: merged.cancelled, lines: snapshot.lines, refunded: refundedQuantities(snapshot.refunds) };
    if (memberToCheck) await applyMembershipOrder(tx, shop, { ...membership, memberId: memberToCheck }, now);
    if (memberToCheck) {
      if (shop.program.tierBasis === "points") {
        if (settled.pointsIncreased) await upgradeMemberTier(tx, shop, memberToCheck, { now });
      } else if (settled.eligibleIncreased) {
        await upgradeMemberTier(tx, shop, memberToCheck, { now, activityAt: settled.processedAt });
      }
      // Challenges (0035): recomputed from the member's orders, so replays and refunds converge.
      if (shop.hasChallenges) await refreshChallenges(tx, challengeContext(shop, now, settled.processedAt), memberToCheck, "order");
    }
    return settled.result;
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
    // A refund only lowers the number: no tier change (downgrades wait for the review).
    const now = options.now ?? new Date();
    const { result } = await settleOrder(tx, shop, record, record, now);
    // …except a refunded membership line, which ends its paid tier at once (0032).
    await endMembershipsForRefund(tx, shop, { orderGid: refund.orderGid, lineItemIds: refund.lines.filter((l) => l.quantity > 0).map((l) => l.lineItemId) }, now);
    await recordOrderFact(tx, shop, refund.orderGid);
    // A refund lowers an open challenge's progress (a completed one stays, 0035).
    if (shop.hasChallenges && result.memberId) await refreshChallenges(tx, challengeContext(shop, now, null), result.memberId, "order");
    return result;
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
  await saveRefundLines(tx, shopId, refund);
}

/**
 * A refund's earning-relevant totals: refunded line amounts after discounts, their taxes,
 * and the money refunded beyond the lines (0015).
 */
function refundTotals(refund: RefundSnapshot): { subtotalMinor: bigint; taxMinor: bigint; adjustmentMinor: bigint } {
  let subtotalMinor = 0;
  let taxMinor = 0;
  for (const line of refund.lines) {
    if (line.nonEarning) continue;
    subtotalMinor += line.subtotalMinor;
    taxMinor += line.taxMinor;
  }
  return { subtotalMinor: BigInt(subtotalMinor), taxMinor: BigInt(taxMinor), adjustmentMinor: BigInt(refund.adjustmentMinor ?? 0) };
}

/** Eligible amount the order's refunds take back by their lines, and their adjustments added up. */
export async function readOrderRefunds(tx: Tx, shopId: string, orderGid: string, taxesIncluded: boolean) {
  const refunds = await tx.orderRefund.findMany({ where: { shopId, orderGid }, select: { subtotalMinor: true, taxMinor: true, adjustmentMinor: true } });
  return computeStoredRefundTotals(refunds, taxesIncluded);
}

/**
 * Recomputes an order's target points from `merged` (the record with the event's facts
 * applied), appends the difference to the ledger, and saves the record conditionally on
 * the revision read. Two guards make a concurrent settlement of the same order retry from
 * a fresh read: its ledger rows are keyed by the revision it would create (the second
 * insert of a key fails: a unique violation, retryable), and the final save matches only the revision it read.
 */
async function settleOrder(
  tx: Tx,
  shop: ShopConfig,
  read: OrderRecordRow,
  merged: OrderRecordRow,
  now: Date,
  known: {
    memberStatus?: string | null;
    memberTierId?: string | null;
    refunds?: readonly RefundSnapshot[] | null;
    entries?: LedgerEntryInput[];
  } = {},
): Promise<{ result: SettleResult; eligibleIncreased: boolean; pointsIncreased: boolean; processedAt: Date | null }> {
  const entries = known.entries ?? [];
  const refunds = known.refunds
    ? known.refunds.map((r) => refundTotals(r))
    : await tx.orderRefund.findMany({
        where: { shopId: shop.id, orderGid: merged.orderGid },
        select: { subtotalMinor: true, taxMinor: true, adjustmentMinor: true },
      });

  const record = { ...merged };
  let memberStatus = known.memberStatus ?? null;
  let memberTierId = known.memberTierId ?? null;
  if (!known.memberStatus && record.memberId) {
    const member = await tx.member.findUnique({ where: { id: record.memberId }, select: { status: true, tierId: true } });
    memberStatus = member?.status ?? null;
    memberTierId = member?.tierId ?? null;
  }

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
    // The member's tier (as it is before this order moves it) times the best campaign running
    // when the order was placed; fixed here, so refunds reverse at the same rate (0008).
    record.multiplierPermille = orderMultiplierPermille(shop, memberTierId, record.processedAt ?? now);
    // Earning by what is bought (0033): fixed points per order, product and collection rules,
    // campaigns on a collection: each line's terms are fixed now too.
    const terms = shop.purchaseRule.terms;
    if (earnsByLine(terms, shop.campaigns.some((c) => c.collectionGid))) {
      record.earnByLine = true;
      record.earnMode = terms.mode;
      record.earnMinSpendMinor = BigInt(terms.minSpendMinor);
      await fixLineTerms(tx, shop, record.orderGid, memberTierId, record.processedAt ?? now);
    }
    record.availableAt = addDays(record.processedAt ?? now, shop.program.pendingDays);
    if (shop.nthOrderRules.length > 0 && record.memberId) await payMilestones(tx, shop, record.memberId, record.orderGid, now, entries);
  }

  const target = record.earnByLine ? await storedLineTarget(tx, shop.id, record, refunds) : computeStoredOrderTarget(record, refunds);
  // An order that earned a milestone and is then cancelled or fully refunded gives it back:
  // its points by a correcting entry, its gift taken back unless already used (0031).
  if (record.memberId && record.earnPoints !== null && (record.cancelled || target.eligibleMinor <= 0)) {
    await reverseMilestones(tx, shop.id, record.memberId, record.orderGid, record.name, entries);
  }

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

  const pointsIncreased = entries.some((e) => countsAsEarning(e.kind) && e.delta + (e.pendingDelta ?? 0) > 0);
  await appendNewLedgerEntries(tx, entries);
  if (record.memberId && memberStatus === "active") await recordOrderOccasions(tx, shop.id, record, entries, revision);
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
      earnMode: record.earnMode,
      earnMinSpendMinor: record.earnMinSpendMinor,
      earnByLine: record.earnByLine,
      pointsTarget: target.points,
      pointsCredited: record.pointsCredited,
      pointsPending: record.pointsPending,
      availableAt: record.availableAt,
      eligibleMinor: BigInt(target.eligibleMinor),
      orderTotalMinor: record.orderTotalMinor,
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
    pointsIncreased: pointsIncreased && memberStatus === "active",
    processedAt: record.processedAt,
  };
}

export type BackfillOutcome = "counted" | "awarded" | "known" | "not_member" | "unpaid";

/**
 * A past order found by the enrolment of existing customers (app/jobs/enrolment.server.ts),
 * recorded so it counts for its member's tier and, if the merchant chose, earns. Its terms
 * are fixed here, never by the order path: "tier_only" at 0 points (it counts for tiers and
 * can never earn, whatever event arrives later), "points" at the purchase rule's rate with
 * no tier or campaign multiplier and no milestone. An order event that arrives later for
 * the same order meets this record and settles by difference like any other event, so it
 * earns nothing twice (0003, 0020). Orders the order path already recorded are left alone
 * ("known"); a "tier_only" record is raised to "points" once when the merchant re-runs the
 * enrolment with points. In the caller's transaction.
 */
export async function backfillOrder(
  tx: Tx,
  shop: ShopConfig,
  snapshot: OrderSnapshot,
  options: { awardPoints: boolean; now: Date; /** The caller checks tiers once per member after its batch (upgradeMemberTier). */ deferTierCheck?: boolean },
): Promise<{ outcome: BackfillOutcome; points: number; tierCheck?: string }> {
  if (!snapshot.customerGid) return { outcome: "not_member", points: 0 };
  if (snapshot.cancelled || !isPaidStatus(snapshot.financialStatus)) return { outcome: "unpaid", points: 0 };
  const member = await tx.member.findUnique({
    where: { shopId_customerGid: { shopId: shop.id, customerGid: snapshot.customerGid } },
    select: { id: true, status: true, tierId: true },
  });
  if (!member || member.status !== "active") return { outcome: "not_member", points: 0 };
  const existing = await tx.orderRecord.findUnique({ where: { shopId_orderGid: { shopId: shop.id, orderGid: snapshot.orderGid } } });
  const award = options.awardPoints && shop.purchaseRule !== null;
  if (existing && (existing.backfill === null || existing.backfill === "points" || !award)) return { outcome: "known", points: 0 };

  const record = existing ?? (await createRecord(tx, shop, snapshot.orderGid, snapshot.currencyCode));
  const fresh = snapshot.updatedAt.getTime() >= record.stateUpdatedAt.getTime();
  const merged: OrderRecordRow = {
    ...record,
    ...(fresh
      ? {
          name: snapshot.name,
          customerGid: snapshot.customerGid,
          currencyCode: snapshot.currencyCode,
          stateUpdatedAt: snapshot.updatedAt,
          taxesIncluded: snapshot.taxesIncluded,
          processedAt: snapshot.processedAt,
          grossMinor: BigInt(computeOrderGrossMinor(snapshot)),
          editRemovedMinor: BigInt(computeEditRemovedMinor(snapshot, refundedQuantities(snapshot.refunds))),
          ...(snapshot.totalMinor !== undefined ? { orderTotalMinor: BigInt(snapshot.totalMinor) } : {}),
        }
      : {}),
    memberId: member.id,
    paid: true,
    processedAt: record.processedAt ?? snapshot.processedAt,
    earnPoints: award ? shop.purchaseRule!.points : 0,
    earnSpendMinor: award ? shop.purchaseRule!.spendMinor : 1n,
    multiplierPermille: MULTIPLIER_ONE,
    availableAt: record.availableAt ?? addDays(record.processedAt ?? snapshot.processedAt, shop.program.pendingDays),
    backfill: award ? "points" : "tier_only",
  };
  const settled = await settleOrder(tx, shop, record, merged, options.now, { memberStatus: member.status, memberTierId: member.tierId, refunds: existing ? null : [] });
  await tx.orderRecord.update({ where: { id: record.id }, data: { backfill: merged.backfill } });
  const outcome = award ? "awarded" : "counted";
  const points = settled.result.delta + settled.result.pendingDelta;
  if (shop.program.tierBasis === "points" ? settled.pointsIncreased : settled.eligibleIncreased) {
    if (options.deferTierCheck) return { outcome, points, tierCheck: member.id };
    await upgradeMemberTier(tx, shop, member.id, { now: options.now, activityAt: shop.program.tierBasis === "points" ? null : settled.processedAt });
  }
  return { outcome, points };
}
