import { createHash } from "node:crypto";
import type { Db, Tx } from "../../db.server";
import { addDays } from "../program/defaults";
import { attemptDue, claimRedemptionAttempt } from "./outbox.server";
import { computeGiftDiscountSpec, giftCodeFromDigest, giftRequestId, GIFT_REQUEST_PREFIX } from "./gifts";
import { toRewardDef } from "./reward-def";
import type { DiscountSpec } from "./rewards";

// Gifts (docs/decisions/0031-gifts.md): a free product granted by a sign-up, an order
// milestone, a tier's entry or a birthday. A gift is a Redemption row with pointsSpent 0,
// requestId "gift:<source key>" (unique per shop: one gift per source and member) and the
// variant and image fixed at grant time. It is written in the transaction of what earned
// it, in `issuing`; app/jobs/gifts.server.ts then creates its code in Shopify (an outbox:
// attempts, backoff and `dead` on the row, like the referrer's codes), so a Shopify failure
// retries and a crash loses nothing. A gift taken back (its milestone order cancelled or
// fully refunded) becomes `revoked` at once while no code exists, or `revoking` until the
// job has deactivated its code; a gift already used stays used.

export type GiftOutboxStatus = "issuing" | "revoking";

export function giftCode(shopId: string, requestId: string): string {
  return giftCodeFromDigest(createHash("sha256").update(`gift:${shopId}:${requestId}`).digest());
}

/**
 * Grants one gift in the caller's transaction: the free_product reward's product, for the
 * member, keyed by the source. Returns the gift's id, or null when the reward cannot be a
 * gift (gone, another type, no product or price) or this source already gave one.
 */
export async function grantGift(
  tx: Tx,
  /** sourceGid: what earned it (a milestone's order), so taking it back finds it. */
  input: { shopId: string; memberId: string; rewardId: string; sourceKey: string; sourceGid?: string | null; now: Date },
): Promise<string | null> {
  const requestId = giftRequestId(input.sourceKey);
  const existing = await tx.redemption.findUnique({ where: { shopId_requestId: { shopId: input.shopId, requestId } }, select: { id: true } });
  if (existing) return null;
  const row = await tx.reward.findFirst({ where: { id: input.rewardId, shopId: input.shopId, type: "free_product" } });
  // A disabled reward still gives gifts: "enabled" is about the points catalogue (0031).
  const reward = row ? toRewardDef({ ...row, enabled: true }) : null;
  if (!reward?.productVariantGid) return null;
  const created = await tx.redemption.create({
    data: {
      shopId: input.shopId,
      memberId: input.memberId,
      rewardId: reward.id,
      requestId,
      rewardName: reward.productTitle ?? reward.name,
      pointsSpent: 0,
      status: "issuing",
      code: giftCode(input.shopId, requestId),
      expiresAt: reward.expiryDays ? addDays(input.now, reward.expiryDays) : null,
      giftVariantGid: reward.productVariantGid,
      giftImageUrl: reward.imageUrl ?? null,
      giftSourceGid: input.sourceGid ?? null,
      // Granted when its source paid (a sweep catching up days passes that day): the code starts then.
      createdAt: input.now,
    },
    select: { id: true },
  });
  return created.id;
}

/**
 * Takes back the gifts of these sources (a milestone whose order was cancelled or fully
 * refunded): one with no code yet is `revoked`; one with a code is `revoking` until the
 * job deactivates it; one used (or already taken back) stays as it is. Returns how many.
 */
export async function revokeGifts(tx: Tx, shopId: string, sourceKeys: readonly string[], reason: string): Promise<number> {
  if (sourceKeys.length === 0) return 0;
  const requestIds = sourceKeys.map(giftRequestId);
  const noCode = await tx.redemption.updateMany({
    where: { shopId, requestId: { in: requestIds }, status: { in: ["issuing", "dead"] } },
    data: { status: "revoked", error: reason, nextAttemptAt: null },
  });
  const withCode = await tx.redemption.updateMany({
    where: { shopId, requestId: { in: requestIds }, status: "issued" },
    data: { status: "revoking", error: reason, attempts: 0, nextAttemptAt: null },
  });
  return noCode.count + withCode.count;
}

/** Gifts whose Shopify call is due (a code to create or to deactivate), oldest first. */
export async function findDueGifts(db: Db, now: Date, limit = 200): Promise<string[]> {
  const rows = await db.redemption.findMany({
    where: { status: { in: ["issuing", "revoking"] }, requestId: { startsWith: GIFT_REQUEST_PREFIX }, ...attemptDue(now) },
    orderBy: { createdAt: "asc" },
    select: { id: true },
    take: limit,
  });
  return rows.map((r) => r.id);
}

export type GiftAttempt =
  | { action: "issue"; redemptionId: string; shopDomain: string; shopUninstalled: boolean; attempts: number; code: string; spec: DiscountSpec }
  | { action: "revoke"; redemptionId: string; shopDomain: string; shopUninstalled: boolean; attempts: number; code: string; discountGid: string | null };

/**
 * Claims a due gift for one attempt until `leaseUntil` (one worker wins) and reads what
 * Shopify needs. Null when not due or taken; a gift whose reward can no longer make a code
 * (deleted, no price) ends `failed` with the reason, for staff to see.
 */
export async function claimGift(db: Db, redemptionId: string, now: Date, leaseUntil: Date): Promise<GiftAttempt | null> {
  const row = await db.redemption.findUnique({ where: { id: redemptionId }, select: { status: true } });
  if (row?.status !== "issuing" && row?.status !== "revoking") return null;
  const attempts = await claimRedemptionAttempt(db, redemptionId, row.status, now, leaseUntil);
  if (attempts === null) return null;
  const gift = await db.redemption.findUnique({
    where: { id: redemptionId },
    include: { member: { select: { customerGid: true } }, shop: { select: { domain: true, uninstalledAt: true, currencyCode: true } }, reward: true },
  });
  if (!gift?.code) return null;
  const base = { redemptionId, shopDomain: gift.shop.domain, shopUninstalled: gift.shop.uninstalledAt !== null, attempts, code: gift.code };
  if (gift.status === "revoking") return { action: "revoke", ...base, discountGid: gift.discountGid };
  if (gift.expiresAt && gift.expiresAt.getTime() <= now.getTime()) {
    // Shopify was away until the gift's own end date: a code that would never work is not made.
    await db.redemption.updateMany({ where: { id: redemptionId, status: "issuing" }, data: { status: "failed", error: "the gift expired before its code could be made", nextAttemptAt: null } });
    return null;
  }
  const reward = gift.reward ? toRewardDef({ ...gift.reward, enabled: true }) : null;
  if (!reward || reward.type !== "free_product" || !reward.priceMinor || !gift.giftVariantGid) {
    await db.redemption.updateMany({ where: { id: redemptionId, status: "issuing" }, data: { status: "failed", error: "the gift's reward was deleted or lost its product before the code was made", nextAttemptAt: null } });
    return null;
  }
  const spec = computeGiftDiscountSpec(
    { ...reward, productVariantGid: gift.giftVariantGid },
    { code: gift.code, customerGid: gift.member.customerGid, currencyCode: gift.shop.currencyCode, grantedAt: gift.createdAt, expiresAt: gift.expiresAt, now },
  );
  return { action: "issue", ...base, spec };
}

/** Shopify has the gift's code: issued. False when it was taken back meanwhile (the caller deactivates the code). */
export async function markGiftIssued(db: Db, redemptionId: string, discountGid: string): Promise<boolean> {
  const r = await db.redemption.updateMany({ where: { id: redemptionId, status: "issuing" }, data: { status: "issued", discountGid, error: null, nextAttemptAt: null } });
  return r.count === 1;
}

/** The gift's code no longer works in Shopify: revoked. */
export async function markGiftRevoked(db: Db, redemptionId: string): Promise<void> {
  await db.redemption.updateMany({ where: { id: redemptionId, status: "revoking" }, data: { status: "revoked", nextAttemptAt: null } });
}

/** What the widget shows of a member's gifts: those with a code to use, newest first. */
export interface GiftView {
  id: string;
  title: string;
  code: string;
  variantGid: string;
  /** The variant's numeric id, for the storefront's /cart/add.js. */
  variantId: string;
  imageUrl: string | null;
  expiresAt: string | null;
}

/** What the widget's gift list is made of: read by the storefront's member read (storefront/member-side.server.ts). */
export interface GiftRow {
  id: string;
  rewardName: string;
  code: string | null;
  giftVariantGid: string | null;
  giftImageUrl: string | null;
  expiresAt: Date | null;
}

/** A member's gifts shown at most: issued, not expired, newest first. */
export const SHOWN_GIFTS = 20;

export function toGiftViews(rows: readonly GiftRow[]): GiftView[] {
  return rows.flatMap((r) => {
    const variantId = /\/(\d+)$/.exec(r.giftVariantGid ?? "")?.[1];
    if (!r.code || !variantId) return [];
    return [{ id: r.id, title: r.rewardName, code: r.code, variantGid: r.giftVariantGid!, variantId, imageUrl: r.giftImageUrl, expiresAt: r.expiresAt?.toISOString() ?? null }];
  });
}
