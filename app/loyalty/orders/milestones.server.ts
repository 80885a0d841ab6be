import type { Tx } from "../../db.server";
import { NTH_KEY_PREFIX, nthOrderBonus, nthReversalKey } from "../earn/milestones";
import type { LedgerEntryInput } from "../ledger/entries";
import type { ShopConfig } from "../program/shop-config.server";
import { giftRequestId } from "../rewards/gifts";
import { grantGift, revokeGifts } from "../rewards/gifts.server";

// Order milestones ("every 4th order", "the 10th order") on the order path: the bonus and
// gift an order earns when its earning terms are fixed, and both taken back when the order
// is cancelled or fully refunded (docs/decisions/0031-gifts.md). In the order's transaction.

/**
 * Milestones ("every 5th order"): this order's number among the member's earning orders,
 * counted once, when the order's earning terms are fixed. The bonus key is per rule, member
 * and number, so a concurrent order that counted the same number fails the insert and is
 * re-run. Points go to `entries` (written with the order's); gifts are granted here.
 */
export async function payMilestones(tx: Tx, shop: ShopConfig, memberId: string, orderGid: string, now: Date, entries: LedgerEntryInput[]): Promise<void> {
  const earlier = await tx.orderRecord.count({
    // Cancelled and fully refunded orders do not count (their milestones are taken back).
    where: { shopId: shop.id, memberId, earnPoints: { not: null }, cancelled: false, eligibleMinor: { gt: 0 }, NOT: { orderGid } },
  });
  for (const award of nthOrderBonus(shop.nthOrderRules, earlier + 1, memberId)) {
    // A number can come round again: the order that earned it was cancelled after it
    // (cancelled orders do not count). Its milestone was taken back with that order, so
    // this order earns it again, under a key of its own.
    const key = await milestoneKey(tx, shop.id, award.idempotencyKey, orderGid);
    if (!key) continue;
    if (award.points > 0) {
      entries.push({ shopId: shop.id, memberId, delta: award.points, kind: "action_bonus", idempotencyKey: key, sourceGid: orderGid, note: award.note });
    }
    if (award.giftRewardId) await grantGift(tx, { shopId: shop.id, memberId, rewardId: award.giftRewardId, sourceKey: key, sourceGid: orderGid, now });
  }
}

/**
 * The key this order's milestone is paid under: the award's own key while no order holds
 * it; when the order holding it was cancelled or refunded (its milestone taken back), a key
 * of this order's own (`<key>@<order>`). Null when another order holds the number.
 */
async function milestoneKey(tx: Tx, shopId: string, awardKey: string, orderGid: string): Promise<string | null> {
  const paid = await tx.ledgerEntry.findUnique({ where: { shopId_idempotencyKey: { shopId, idempotencyKey: awardKey } }, select: { sourceGid: true } });
  const gift = await tx.redemption.findUnique({ where: { shopId_requestId: { shopId, requestId: giftRequestId(awardKey) } }, select: { status: true, giftSourceGid: true } });
  if (!paid && !gift) return awardKey;
  if ((paid?.sourceGid ?? gift?.giftSourceGid) === orderGid) return awardKey;
  const reversed = paid
    ? (await tx.ledgerEntry.findUnique({ where: { shopId_idempotencyKey: { shopId, idempotencyKey: nthReversalKey(awardKey) } }, select: { id: true } })) !== null
    : gift!.status === "revoked" || gift!.status === "revoking";
  return reversed ? `${awardKey}@${orderGid}` : null;
}

/** Milestone bonuses this order paid, reversed once each (key `<bonus key>:reversed`), and its milestone gifts taken back. */
export async function reverseMilestones(tx: Tx, shopId: string, memberId: string, orderGid: string, orderName: string | null, entries: LedgerEntryInput[]): Promise<void> {
  const paid = await tx.ledgerEntry.findMany({
    where: { shopId, memberId, sourceGid: orderGid, kind: "action_bonus", idempotencyKey: { startsWith: NTH_KEY_PREFIX } },
    select: { idempotencyKey: true, delta: true },
  });
  const done = new Set(paid.map((p) => p.idempotencyKey));
  for (const bonus of paid) {
    if (bonus.idempotencyKey.endsWith(":reversed")) continue;
    const key = nthReversalKey(bonus.idempotencyKey);
    if (done.has(key) || entries.some((e) => e.idempotencyKey === key)) continue;
    entries.push({
      shopId,
      memberId,
      delta: -bonus.delta,
      kind: "action_bonus",
      idempotencyKey: key,
      sourceGid: orderGid,
      note: `Milestone taken back: order ${orderName ?? orderGid} cancelled or refunded`,
    });
  }
  const gifts = await tx.redemption.findMany({
    where: { shopId, memberId, giftSourceGid: orderGid, requestId: { startsWith: giftRequestId(NTH_KEY_PREFIX) }, status: { in: ["issuing", "issued", "dead"] } },
    select: { requestId: true },
  });
  await revokeGifts(tx, shopId, gifts.map((g) => g.requestId.slice(giftRequestId("").length)), `order ${orderName ?? orderGid} cancelled or refunded`);
}

