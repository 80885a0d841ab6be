import type { Tx } from "../../db.server";
import { appendLedgerEntry } from "../ledger/append.server";
import { awardChallengeGift } from "./gift-hook.server";
import { KINDS_BY_TRIGGER, inWindow, isJoinable, memberWindow, nextProgress, profileComplete, type ChallengeKind, type ChallengeRules, type ChallengeTrigger, type TimeWindow, type WindowKind } from "./rules";

// A member's challenge progress, kept in the transaction of the event that moves it: an
// order or refund (orders/orders.server.ts, also in the webhook batch: its inTransaction
// joins the batch's), a completed referral (referrals/completion.server.ts), a birthday set
// (dates/birthday.server.ts). Progress is recomputed from the source rows in the member's
// window, never incremented, so a replayed webhook, a reordered one or the batch path all
// converge on the same number, and a refund lowers it. Completion is a conditional update
// (completedAt still null), then the reward: points through the ledger writer keyed
// challenge:<challenge>:<member>, the badge (unique per member and badge), the gift hook.
// A completed challenge is final (0035). docs/decisions/0035-challenges-and-leaderboard.md

export const challengeKeys = {
  reward: (challengeId: string, memberId: string) => `challenge:${challengeId}:${memberId}`,
};

export interface ChallengeEventContext {
  shopId: string;
  /** Only a live program moves challenges (as it pays points). */
  programLive: boolean;
  now: Date;
  /** When the activity happened (an order's processedAt): a from_join window starts here. */
  eventAt?: Date | null;
}

/** The order path's context: its shop configuration, the time, the order's processedAt. */
export function challengeContext(shop: { id: string; program: { status: string } }, now: Date, eventAt: Date | null): ChallengeEventContext {
  return { shopId: shop.id, programLive: shop.program.status === "live", now, eventAt };
}

type ChallengeRow = ChallengeRules & { id: string; name: string; rewardPoints: number; badgeId: string | null; giftRef: string | null; collectionGid: string | null };

/** Moves the member's open challenges of the kinds this trigger can change; returns the ids completed now. */
export async function refreshChallenges(tx: Tx, context: ChallengeEventContext, memberId: string, trigger: ChallengeTrigger): Promise<string[]> {
  if (!context.programLive) return [];
  const kinds = trigger === "order" ? [...KINDS_BY_TRIGGER.order, ...KINDS_BY_TRIGGER.profile] : KINDS_BY_TRIGGER[trigger];
  const challenges = (await tx.challenge.findMany({
    where: { shopId: context.shopId, status: "active", kind: { in: [...kinds] } },
    select: { id: true, name: true, kind: true, target: true, windowKind: true, startsAt: true, endsAt: true, windowDays: true, status: true, rewardPoints: true, badgeId: true, giftRef: true, collectionGid: true },
  })) as ChallengeRow[];
  if (challenges.length === 0) return [];
  const rows = await tx.challengeProgress.findMany({
    where: { memberId, challengeId: { in: challenges.map((c) => c.id) } },
    select: { id: true, challengeId: true, joinedAt: true, progress: true, completedAt: true },
  });
  const byChallenge = new Map(rows.map((r) => [r.challengeId, r]));
  const member = await tx.member.findUnique({ where: { id: memberId }, select: { status: true, firstName: true, birthMonth: true, birthDay: true } });
  if (!member || member.status !== "active") return [];

  const completed: string[] = [];
  for (const challenge of challenges) {
    let row = byChallenge.get(challenge.id) ?? null;
    if (row?.completedAt) continue;
    if (!row && !isJoinable(challenge, context.now)) continue;
    const eventAt = context.eventAt ?? context.now;
    const joinedAt = row?.joinedAt ?? new Date(Math.max(eventAt.getTime(), challenge.startsAt.getTime()));
    const window = memberWindow(challenge, joinedAt);
    const counted = await countProgress(tx, context, memberId, challenge, window, member);
    // Joined on the first activity that counts (nothing to show before it).
    if (!row && counted === 0) continue;
    const next = nextProgress(row ?? { progress: 0, completedAt: null }, counted, challenge.target, true);
    if (!row) {
      row = await tx.challengeProgress.create({
        data: { shopId: context.shopId, challengeId: challenge.id, memberId, joinedAt, progress: next.progress },
        select: { id: true, challengeId: true, joinedAt: true, progress: true, completedAt: true },
      });
    } else if (row.progress !== next.progress) {
      await tx.challengeProgress.updateMany({ where: { id: row.id, completedAt: null }, data: { progress: next.progress } });
    }
    if (next.completes && (await completeOnce(tx, context, challenge, memberId, row.id))) completed.push(challenge.id);
  }
  return completed;
}

/** What the sources count in the member's window. Amounts in minor units (spend), else counts. */
async function countProgress(
  tx: Tx,
  context: ChallengeEventContext,
  memberId: string,
  challenge: { kind: string; collectionGid: string | null },
  window: TimeWindow,
  member: { firstName: string | null; birthMonth: number | null; birthDay: number | null },
): Promise<number> {
  const range = { gte: window.from, ...(window.to ? { lt: window.to } : {}) };
  // An order counts while it is paid, not cancelled and still has an eligible amount after
  // its refunds (a fully refunded order no longer counts); its time is Shopify's processedAt.
  const orders = { shopId: context.shopId, memberId, paid: true, cancelled: false, eligibleMinor: { gt: 0n }, processedAt: range };
  switch (challenge.kind as ChallengeKind) {
    case "orders_count":
      return tx.orderRecord.count({ where: orders });
    case "spend": {
      const sum = await tx.orderRecord.aggregate({ where: orders, _sum: { eligibleMinor: true } });
      return capped(sum._sum.eligibleMinor ?? 0n);
    }
    case "spend_in_collection": {
      const gids = (await tx.orderRecord.findMany({ where: orders, select: { orderGid: true } })).map((o) => o.orderGid);
      return challenge.collectionGid ? capped(await collectionSpend(tx, context.shopId, gids, challenge.collectionGid)) : 0;
    }
    case "referrals":
      return tx.referral.count({ where: { shopId: context.shopId, referrerId: memberId, status: "completed", rewardedAt: range } });
    case "profile_complete":
      return profileComplete(member) && inWindow(window, context.now) ? 1 : 0;
  }
}

const capped = (minor: bigint) => (minor > 2_000_000_000n ? 2_000_000_000 : Number(minor));

/**
 * What the orders' lines of the collection's products came to (after discounts, tax out as
 * the order path stores them, app/loyalty/orders/order-lines.server.ts), less what refunds
 * took back of those lines. Membership is the catalogue's now (app/loyalty/catalog, 0033).
 * Order edits that remove units are not taken off here (a known limit, 0035).
 */
async function collectionSpend(tx: Tx, shopId: string, orderGids: readonly string[], collectionGid: string): Promise<bigint> {
  if (orderGids.length === 0) return 0n;
  const lines = await tx.orderLine.findMany({
    where: { shopId, orderGid: { in: [...orderGids] }, nonEarning: false, productGid: { not: null } },
    select: { orderGid: true, lineItemId: true, productGid: true, amountMinor: true },
  });
  if (lines.length === 0) return 0n;
  const inCollection = new Set(
    (await tx.catalogMembership.findMany({ where: { shopId, collectionGid, productGid: { in: [...new Set(lines.map((l) => l.productGid!))] } }, select: { productGid: true } })).map((m) => m.productGid),
  );
  const counted = lines.filter((l) => inCollection.has(l.productGid!));
  if (counted.length === 0) return 0n;
  const refunds = await tx.orderRefundLine.findMany({ where: { shopId, orderGid: { in: [...new Set(counted.map((l) => l.orderGid))] }, nonEarning: false }, select: { orderGid: true, lineItemId: true, subtotalMinor: true } });
  const refunded = new Map<string, bigint>();
  for (const r of refunds) refunded.set(`${r.orderGid}/${r.lineItemId}`, (refunded.get(`${r.orderGid}/${r.lineItemId}`) ?? 0n) + r.subtotalMinor);
  let total = 0n;
  for (const l of counted) {
    const net = l.amountMinor - (refunded.get(`${l.orderGid}/${l.lineItemId}`) ?? 0n);
    if (net > 0n) total += net;
  }
  return total;
}

/** Completes once: the conditional update decides; only its winner pays. */
async function completeOnce(tx: Tx, context: ChallengeEventContext, challenge: ChallengeRow, memberId: string, rowId: string): Promise<boolean> {
  const won = await tx.challengeProgress.updateMany({ where: { id: rowId, completedAt: null }, data: { completedAt: context.now, progress: challenge.target } });
  if (won.count !== 1) return false;
  if (challenge.rewardPoints > 0) {
    await appendLedgerEntry(tx, {
      shopId: context.shopId,
      memberId,
      delta: challenge.rewardPoints,
      kind: "action_bonus",
      idempotencyKey: challengeKeys.reward(challenge.id, memberId),
      note: `Challenge completed: ${challenge.name}`,
    });
  }
  if (challenge.badgeId) await awardBadge(tx, context.shopId, memberId, challenge.badgeId, challenge.id, context.now);
  if (challenge.giftRef) await awardChallengeGift(tx, { shopId: context.shopId, memberId, challengeId: challenge.id, giftRef: challenge.giftRef, now: context.now });
  return true;
}

/** A badge once per member (a second challenge with the same badge adds nothing). */
export async function awardBadge(tx: Tx, shopId: string, memberId: string, badgeId: string, challengeId: string | null, now: Date): Promise<boolean> {
  const has = await tx.memberBadge.findUnique({ where: { memberId_badgeId: { memberId, badgeId } }, select: { id: true } });
  if (has) return false;
  await tx.memberBadge.create({ data: { shopId, memberId, badgeId, challengeId, awardedAt: now } });
  return true;
}

export type { WindowKind };
