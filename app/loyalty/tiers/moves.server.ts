import type { Tx } from "../../db.server";
import { occasionKey } from "../notify/occasions";
import { recordOccasion, type RecordOccasionInput } from "../notify/occasions.server";
import type { LedgerEntryInput } from "../ledger/entries";
import { appendLedgerEntriesOnce } from "../ledger/append.server";
import { grantGift } from "../rewards/gifts.server";
import type { ShopConfig } from "../program/shop-config.server";
import { WriteConflictError } from "../tx.server";
import { memberTierMetric } from "./metric.server";
import { currentTierWindow, inWindow, qualifyingTier, tierEntryKey, toTierBasis, toTierPeriod } from "./rules";

// Moving one member between tiers: the conditional change, its TierChange row (history and
// the Shopify sync outbox) and, moving up, the tier's entry points, in the caller's
// transaction. Orders, claimed actions and staff adjustments move members up at once.
// docs/decisions/0008-multipliers-and-tier-review.md

export type TierChangeReason = "qualified" | "review" | "manual" | "settings" | "paid";
export type LadderTier = ShopConfig["tiers"][number];

export interface EntryBonus {
  shopId: string;
  memberId: string;
  tierId: string;
  tierName: string;
  points: number;
}


/**
 * Entry points for members who reached a tier: one ledger row per member, tier and period
 * (tierEntryKey), through the ledger's batch path, which skips keys already paid: a member
 * moving down and back up within the period, a replayed event or a repeated review pays
 * nothing more. Never an idempotency conflict: a changed entry amount does not make an old
 * key an error here.
 */
export async function payEntryBonuses(tx: Tx, shop: ShopConfig, bonuses: readonly EntryBonus[], now: Date): Promise<number> {
  if (shop.program.status !== "live") return 0;
  const period = toTierPeriod(shop.program.tierPeriod);
  // The tier's entry gift (0031), keyed like its points: once per member, tier and period.
  for (const b of bonuses) {
    const gift = shop.tiers.find((t) => t.id === b.tierId)?.perks.entryGiftRewardId;
    if (gift) await grantGift(tx, { shopId: b.shopId, memberId: b.memberId, rewardId: gift, sourceKey: tierEntryKey(b.memberId, b.tierId, period, now, shop.ianaTimezone), now });
  }
  const due = bonuses.filter((b) => b.points > 0);
  if (due.length === 0) return 0;
  return appendLedgerEntriesOnce(
    tx,
    due.map((b) => entryBonusEntry(shop, b, now)),
    now,
  );
}

/** The ledger row of a tier's entry points: keyed once per member, tier and period (tierEntryKey). */
export function entryBonusEntry(shop: Pick<ShopConfig, "ianaTimezone" | "program">, b: EntryBonus, now: Date): LedgerEntryInput {
  return {
    shopId: b.shopId,
    memberId: b.memberId,
    delta: b.points,
    kind: "action_bonus",
    idempotencyKey: tierEntryKey(b.memberId, b.tierId, toTierPeriod(shop.program.tierPeriod), now, shop.ianaTimezone),
    note: `${b.tierName} tier welcome bonus`,
  };
}

/** A move up's tier_reached occasion (0023): once per member, tier and moment of the move. */
export function tierReachedOccasion(shopId: string, memberId: string, from: LadderTier | null, to: LadderTier, now: Date): RecordOccasionInput<"tier_reached"> {
  return { shopId, memberId, kind: "tier_reached", key: occasionKey("tier_reached", memberId, to.id, now.toISOString()), data: { tierName: to.name, fromTierName: from?.name ?? null } };
}

/** A move's TierChange row: the tier history and the Shopify sync outbox. */
export function tierChangeData(shopId: string, member: { id: string; customerGid: string }, move: Pick<TierMove, "from" | "to" | "reason" | "actor" | "note">, now: Date) {
  return {
    shopId,
    memberId: member.id,
    customerGid: member.customerGid,
    fromTier: move.from?.name ?? null,
    toTier: move.to?.name ?? null,
    reason: move.reason,
    actor: move.actor ?? "system",
    note: move.note ?? null,
    createdAt: now,
    nextSyncAt: now,
  };
}

export interface TierMove {
  member: { id: string; customerGid: string; tierId: string | null };
  from: LadderTier | null;
  to: LadderTier | null;
  reason: TierChangeReason;
  /** Manual assignment: set it (with its end, null = open-ended), clear it, or leave it. */
  manual: { until: Date | null } | "clear" | "keep";
  /** Who made a manual change ("staff:<email>") and why; kept in the tier history. */
  actor?: string;
  note?: string;
}

/**
 * Moves one member: a conditional update (only if the member is still in `from`, else
 * WriteConflictError and the caller's transaction re-runs from fresh reads), the
 * TierChange row (history and Shopify sync outbox) and, moving up, the tier's entry points.
 */
export async function moveMemberTier(tx: Tx, shop: ShopConfig, move: TierMove, now: Date): Promise<void> {
  const manualData =
    move.manual === "keep"
      ? {}
      : move.manual === "clear"
        ? { tierManual: false, tierManualUntil: null }
        : { tierManual: true, tierManualUntil: move.manual.until };
  const changed = move.from?.id !== move.to?.id;
  const updated = await tx.member.updateMany({
    where: { id: move.member.id, tierId: move.member.tierId },
    data: { ...(changed ? { tierId: move.to?.id ?? null, tierChangedAt: now } : {}), ...manualData },
  });
  if (updated.count !== 1) throw new WriteConflictError(`member ${move.member.id} changed tier concurrently`);
  if (!changed) return;
  await tx.tierChange.create({ data: tierChangeData(shop.id, move.member, move, now) });
  // tier_reached / tier_lowered (0023), with the TierChange row: a move happens once (conditional on the tier read).
  const up = move.to !== null && (move.from === null || move.to.rank > move.from.rank);
  if (up) {
    await recordOccasion(tx, tierReachedOccasion(shop.id, move.member.id, move.from, move.to!, now));
  } else if (move.from) {
    await recordOccasion(tx, { shopId: shop.id, memberId: move.member.id, kind: "tier_lowered", key: occasionKey("tier_lowered", move.member.id, move.to?.id ?? "none", now.toISOString()), data: { fromTierName: move.from.name, tierName: move.to?.name ?? null } });
  }
  if (move.to && (move.from === null || move.to.rank > move.from.rank)) {
    await payEntryBonuses(tx, shop, [{ shopId: shop.id, memberId: move.member.id, tierId: move.to.id, tierName: move.to.name, points: move.to.perks.entryPoints }], now);
  }
}

/**
 * Moves a member up to the highest tier their number in the current window reaches, in
 * the caller's transaction (an order, a claimed action, a staff adjustment). Never down: a
 * refund lowers the number, not the tier, until the review. `activityAt` is when the
 * change that may qualify happened (an order's processedAt): outside the current window
 * it cannot change this window's number.
 */
export async function upgradeMemberTier(
  tx: Tx,
  shop: ShopConfig,
  memberId: string,
  options: { now: Date; activityAt?: Date | null },
): Promise<boolean> {
  if (shop.tiers.length < 2) return false;
  const period = toTierPeriod(shop.program.tierPeriod);
  const window = currentTierWindow(period, options.now, shop.ianaTimezone);
  if (options.activityAt && !inWindow(options.activityAt, window)) return false;
  const member = await tx.member.findUnique({
    where: { id: memberId },
    select: { id: true, status: true, tierId: true, tierManual: true, customerGid: true },
  });
  if (!member || member.status !== "active") return false;
  const current = shop.tiers.find((t) => t.id === member.tierId) ?? null;
  const top = shop.tiers[shop.tiers.length - 1]!;
  if (current && current.rank >= top.rank) return false;
  const value = await memberTierMetric(tx, shop.id, memberId, toTierBasis(shop.program.tierBasis), window);
  const tier = qualifyingTier(shop.tiers, value);
  if (!tier || (current && tier.rank <= current.rank)) return false;
  // Earning a tier above a manual one ends the assignment: the member holds it on merit now.
  await moveMemberTier(tx, shop, { member, from: current, to: tier, reason: "qualified", manual: member.tierManual ? "clear" : "keep" }, options.now);
  return true;
}
