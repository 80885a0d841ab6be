import type { Db } from "../../db.server";
import { computeReferralDiscountSpec, type ReferralDiscountSpec } from "./lifecycle";
import { claimRedemptionAttempt } from "../rewards/stalled.server";
import { loadReferralSettings } from "./settings.server";

// The referrer's reward codes: an outbox in Redemption rows (status "issuing"), created in
// Shopify by app/jobs/referral-rewards.server.ts after the referral completes, retried with
// backoff and dead after a limit. docs/decisions/0009-referrals.md

/** Redemption rows whose Shopify call is due: no attempt yet, or the backoff or lease is over. */
const attemptDue = (now: Date) => ({ OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] });

/** Referrer reward codes still to create in Shopify and due for an attempt (the sweep). */
export async function findDueReferrerRewards(db: Db, now: Date, limit = 200): Promise<string[]> {
  const rows = await db.redemption.findMany({
    where: { status: "issuing", requestId: { startsWith: "referral:" }, ...attemptDue(now) },
    orderBy: { createdAt: "asc" },
    select: { id: true },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/** One attempt at a referrer's reward code: what Shopify needs. */
export interface ReferrerRewardAttempt {
  redemptionId: string;
  shopDomain: string;
  shopUninstalled: boolean;
  /** Counting this one. */
  attempts: number;
  code: string;
  spec: ReferralDiscountSpec;
}

/**
 * Claims a referrer's reward code for one attempt until `leaseUntil` (one worker wins) and
 * reads what Shopify needs. Null when not due, taken, or no longer a code: a merchant who
 * switched the referrer reward to points meanwhile makes it `failed`.
 */
export async function claimReferrerReward(db: Db, redemptionId: string, now: Date, leaseUntil: Date): Promise<ReferrerRewardAttempt | null> {
  const attempts = await claimRedemptionAttempt(db, redemptionId, "issuing", now, leaseUntil);
  if (attempts === null) return null;
  const redemption = await db.redemption.findUnique({
    where: { id: redemptionId },
    include: { member: { select: { customerGid: true } }, shop: { select: { domain: true, uninstalledAt: true, currencyCode: true } } },
  });
  if (!redemption?.code) return null;
  const reward = (await loadReferralSettings(db, redemption.shopId)).referrer;
  const type = reward.type;
  if (type === "points") {
    // The merchant switched to points meanwhile: this reward cannot become a discount.
    await db.redemption.updateMany({ where: { id: redemptionId, status: "issuing" }, data: { status: "failed", error: "referrer reward changed to points before the code was created", nextAttemptAt: null } });
    return null;
  }
  const spec = computeReferralDiscountSpec({ ...reward, type }, {
    code: redemption.code,
    title: "Kanta referral reward",
    customerGid: redemption.member.customerGid,
    currencyCode: redemption.shop.currencyCode,
    now: redemption.createdAt,
  });
  return {
    redemptionId,
    shopDomain: redemption.shop.domain,
    shopUninstalled: redemption.shop.uninstalledAt !== null,
    attempts,
    code: redemption.code,
    // Shopify takes no start in the past on a retry days later; never later than now.
    spec: { ...spec, startsAt: new Date(Math.min(now.getTime(), spec.startsAt.getTime())) },
  };
}

/** Shopify has the code: the referrer's reward is issued. */
export async function markReferrerRewardIssued(db: Db, redemptionId: string, discountGid: string): Promise<boolean> {
  const r = await db.redemption.updateMany({ where: { id: redemptionId, status: "issuing" }, data: { status: "issued", discountGid, error: null, nextAttemptAt: null } });
  return r.count === 1;
}
