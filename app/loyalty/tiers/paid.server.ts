import type { Tx } from "../../db.server";
import type { ShopConfig } from "../program/shop-config.server";
import { memberTierMetric } from "./metric.server";
import { moveMemberTier, type LadderTier } from "./moves.server";
import { addMonths, membershipHolds, membershipTierForLine, type MembershipLineInput } from "./paid";
import { currentTierWindow, manualState, previousTierWindow, qualifyingTier, toTierBasis, toTierPeriod } from "./rules";

// Paid tiers (docs/decisions/0032): the orders path tells this module about membership
// lines (bought, refunded, cancelled); each bought line is a TierMembership row holding the
// member in its tier until its period ends. Everything here runs in the caller's
// transaction and converges: a replayed order finds its rows and changes nothing.

export interface MembershipOrder {
  orderGid: string;
  memberId: string;
  processedAt: Date;
  /** Paid and not cancelled: the lines hold their tier. */
  paid: boolean;
  cancelled: boolean;
  lines: readonly (MembershipLineInput & { quantity: number; currentQuantity: number })[];
  /** Refunded quantities by line item id (all refunds the order has). */
  refunded: ReadonlyMap<string, number>;
}

/**
 * Records the membership lines of one order: a paid line starts (or, for a renewal, extends)
 * the member's paid tier; a cancelled order or a refunded line ends it. Then puts the member
 * in the tier their memberships and their number give. Returns whether any line was a membership.
 */
export async function applyMembershipOrder(tx: Tx, shop: ShopConfig, order: MembershipOrder, now: Date): Promise<boolean> {
  const bought = order.lines.flatMap((line) => {
    const tier = membershipTierForLine(shop.tiers, line);
    return tier?.perks.membership ? [{ line, tier, months: tier.perks.membership.months }] : [];
  });
  if (bought.length === 0) return false;
  let ended = false;
  for (const { line, tier, months } of bought) {
    // Any refunded unit ends the line's membership, as refunds/create does (one line, one membership).
    const refundedOrRemoved = (order.refunded.get(line.lineItemId) ?? 0) > 0 || line.currentQuantity <= 0;
    const key = { shopId_orderGid_lineItemId: { shopId: shop.id, orderGid: order.orderGid, lineItemId: line.lineItemId } };
    const existing = await tx.tierMembership.findUnique({ where: key });
    if (order.cancelled || refundedOrRemoved) {
      if (existing && existing.endedAt === null) {
        await tx.tierMembership.update({ where: { id: existing.id }, data: { endedAt: now, endReason: order.cancelled ? "cancel" : "refund" } });
        ended = true;
      }
      continue;
    }
    if (existing || !order.paid) continue;
    // A renewal (the same product again, e.g. a subscription's next order) starts where the
    // member's running membership of this tier ends, so paying early loses nothing.
    const running = await tx.tierMembership.findFirst({
      where: { shopId: shop.id, memberId: order.memberId, tierId: tier.id, endedAt: null, endsAt: { gt: order.processedAt } },
      orderBy: { endsAt: "desc" },
    });
    const startsAt = running ? running.endsAt : order.processedAt;
    await tx.tierMembership.create({
      data: {
        shopId: shop.id,
        memberId: order.memberId,
        tierId: tier.id,
        orderGid: order.orderGid,
        lineItemId: line.lineItemId,
        startsAt,
        endsAt: addMonths(startsAt, months * Math.max(1, line.quantity)),
      },
    });
  }
  await placePaidMember(tx, shop, order.memberId, now, { ended });
  return true;
}

/** A refund's lines: memberships bought on those lines end now. */
export async function endMembershipsForRefund(tx: Tx, shop: ShopConfig, refund: { orderGid: string; lineItemIds: readonly string[] }, now: Date): Promise<void> {
  if (refund.lineItemIds.length === 0) return;
  const ending = await tx.tierMembership.findMany({
    where: { shopId: shop.id, orderGid: refund.orderGid, lineItemId: { in: [...refund.lineItemIds] }, endedAt: null },
    select: { id: true, memberId: true },
  });
  if (ending.length === 0) return;
  await tx.tierMembership.updateMany({ where: { id: { in: ending.map((m) => m.id) }, endedAt: null }, data: { endedAt: now, endReason: "refund" } });
  for (const memberId of new Set(ending.map((m) => m.memberId))) await placePaidMember(tx, shop, memberId, now, { ended: true });
}

/** The highest tier rank a member's running paid memberships hold at `now`, or null. */
export async function activePaidRank(tx: Tx, shop: ShopConfig, memberId: string, now: Date): Promise<number | null> {
  const rows = await tx.tierMembership.findMany({ where: { shopId: shop.id, memberId, endedAt: null }, select: { tierId: true, startsAt: true, endsAt: true, endedAt: true } });
  let rank: number | null = null;
  for (const m of rows) {
    const tier = shop.tiers.find((t) => t.id === m.tierId);
    if (tier && membershipHolds(m, now) && (rank === null || tier.rank > rank)) rank = tier.rank;
  }
  return rank;
}

/**
 * Puts a member where their paid memberships and their number say, at once: up into a paid
 * tier; down when the membership holding them ended (a refund, a cancellation, or its
 * period ran out), to the tier they qualify for (with the closed year's tier when the
 * program keeps it). A manual tier is left alone; a tier earned above the paid one is kept.
 */
export async function placePaidMember(tx: Tx, shop: ShopConfig, memberId: string, now: Date, options: { ended: boolean }): Promise<void> {
  const member = await tx.member.findUnique({
    where: { id: memberId },
    select: { id: true, customerGid: true, status: true, tierId: true, tierManual: true, tierManualUntil: true },
  });
  if (!member || member.status !== "active") return;
  const current: LadderTier | null = shop.tiers.find((t) => t.id === member.tierId) ?? null;
  const paidRank = await activePaidRank(tx, shop, memberId, now);
  const byRank = (rank: number | null) => (rank === null ? null : (shop.tiers.find((t) => t.rank === rank) ?? null));
  if (paidRank !== null && (current === null || paidRank > current.rank)) {
    await moveMemberTier(tx, shop, { member, from: current, to: byRank(paidRank), reason: "paid", manual: "keep", note: "Paid membership" }, now);
    return;
  }
  if (current === null || (paidRank !== null && paidRank >= current.rank)) return;
  // Down only when a membership ended and the member's tier is one they paid for.
  if (!options.ended || manualState(member.tierManual, member.tierManualUntil, now) === "active") return;
  if ((await tx.tierMembership.count({ where: { shopId: shop.id, memberId, tierId: current.id } })) === 0) return;
  const period = toTierPeriod(shop.program.tierPeriod);
  const basis = toTierBasis(shop.program.tierBasis);
  let floor = qualifyingTier(shop.tiers, await memberTierMetric(tx, shop.id, memberId, basis, currentTierWindow(period, now, shop.ianaTimezone)))?.rank ?? 0;
  const previous = previousTierWindow(period, now, shop.ianaTimezone);
  if (shop.program.tierKeepNextPeriod && period === "calendar_year" && previous) {
    floor = Math.max(floor, qualifyingTier(shop.tiers, await memberTierMetric(tx, shop.id, memberId, basis, previous))?.rank ?? 0);
  }
  if (paidRank !== null) floor = Math.max(floor, paidRank);
  // Only a tier the number does not hold comes down: one earned on merit stays until the review.
  if (floor >= current.rank) return;
  const to = byRank(floor) ?? shop.tiers[0] ?? null;
  await moveMemberTier(tx, shop, { member, from: current, to, reason: "paid", manual: "keep", note: "Paid membership ended" }, now);
}
