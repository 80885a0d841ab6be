import type { Db } from "../../db.server";
import { markIssued, refundRedemption } from "./redemptions.server";
import { findReservedCredit, type ShopifyStoreCredit } from "./store-credit";
import { attemptDue, claimRedemptionAttempt, type RedemptionOutboxStatus } from "./outbox.server";

export { claimRedemptionAttempt, type RedemptionOutboxStatus };

// The way back for redemptions whose Shopify call did not finish (./redemptions.server.ts
// step 2): the outbox of stalled point redemptions and referrer codes (claim, failure,
// backoff on the row, app/jobs/redemptions-job.server.ts), and finishing one either way:
// issued if Shopify made the code or the credit, else its points back.

/** A redemption left pending (the process died while Shopify was asked) is finished here. */
export const STALLED_AFTER_MS = 2 * 60_000;


export async function findStalledRedemptions(db: Db, now = new Date()) {
  return db.redemption.findMany({
    where: { status: "pending", createdAt: { lt: new Date(now.getTime() - STALLED_AFTER_MS) }, ...attemptDue(now) },
    select: {
      id: true,
      shopId: true,
      code: true,
      creditMinor: true,
      createdAt: true,
      expiresAt: true,
      member: { select: { customerGid: true } },
      shop: { select: { domain: true, uninstalledAt: true, currencyCode: true } },
    },
    take: 100,
  });
}
export type StalledRedemption = Awaited<ReturnType<typeof findStalledRedemptions>>[number];


export type RedemptionAttemptFailure = { status: "retry"; error: string; nextAttemptAt: Date } | { status: "dead"; error: string };

/** A failed attempt: the error kept, and the next attempt's time, or `dead` (app/jobs/backoff.ts decides). */
export async function recordRedemptionFailure(db: Db, id: string, from: RedemptionOutboxStatus, failure: RedemptionAttemptFailure): Promise<void> {
  await db.redemption.updateMany({
    where: { id, status: from },
    data:
      failure.status === "dead"
        ? { status: "dead", error: failure.error.slice(0, 500), nextAttemptAt: null }
        : { error: failure.error.slice(0, 500), nextAttemptAt: failure.nextAttemptAt },
  });
}

export async function recoverStalledRedemption(db: Db, redemptionId: string, existingDiscountGid: string | null): Promise<"issued" | "refunded"> {
  if (existingDiscountGid) {
    await markIssued(db, redemptionId, { discountGid: existingDiscountGid });
    return "issued";
  }
  await refundRedemption(db, redemptionId, "not created in Shopify before the process stopped");
  return "refunded";
}

/**
 * A stalled store_credit redemption, given the customer's store credits in the shop
 * currency since shortly before it was reserved (null: the customer is gone from Shopify):
 * the credit that matches it and is no other redemption's confirms it; none, and its points
 * come back. Never both, never twice (both are conditional on `pending`).
 */
export async function recoverStalledStoreCredit(db: Db, stalled: StalledRedemption, credits: readonly ShopifyStoreCredit[] | null): Promise<"issued" | "refunded"> {
  if (stalled.creditMinor === null) throw new Error(`redemption ${stalled.id} is not a store credit`);
  const candidates = credits ?? [];
  const claimed = candidates.length
    ? await db.redemption.findMany({ where: { shopId: stalled.shopId, discountGid: { in: candidates.map((c) => c.id) }, id: { not: stalled.id } }, select: { discountGid: true } })
    : [];
  const match = findReservedCredit(
    { amountMinor: Number(stalled.creditMinor), currencyCode: stalled.shop.currencyCode, reservedAt: stalled.createdAt, expiresAt: stalled.expiresAt },
    candidates,
    new Set(claimed.map((c) => c.discountGid!)),
  );
  return recoverStalledRedemption(db, stalled.id, match?.id ?? null);
}
