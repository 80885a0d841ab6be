import type { Db } from "../../db.server";
import { computeDiscountSpec, type DiscountSpec } from "../rewards/rewards";
import { toRewardDef } from "../rewards/redemptions.server";
import { claimRedemptionAttempt } from "../rewards/stalled.server";

// A surprise's reward codes: Redemption rows in `issuing` (pointsSpent 0, requestId
// surprise:<surprise>:<member>), written with the winner's prize (./run.server.ts) and
// created in Shopify by app/jobs/surprise-job.server.ts with the redemption outbox's claim,
// backoff and `dead` (../rewards/stalled.server.ts). The code is stored before Shopify is
// asked, so a retry after a crash asks Shopify for that exact code before creating it.

const attemptDue = (now: Date) => ({ OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] });

export async function findDueSurpriseCodes(db: Db, now: Date, limit = 200): Promise<string[]> {
  const rows = await db.redemption.findMany({
    where: { status: "issuing", requestId: { startsWith: "surprise:" }, ...attemptDue(now) },
    orderBy: { createdAt: "asc" },
    select: { id: true },
    take: limit,
  });
  return rows.map((r) => r.id);
}

export interface SurpriseCodeAttempt {
  redemptionId: string;
  shopDomain: string;
  shopUninstalled: boolean;
  attempts: number;
  code: string;
  spec: DiscountSpec;
}

/** Claims one surprise code for an attempt until `leaseUntil`; null when not due, taken, or its reward is gone (then `failed`). */
export async function claimSurpriseCode(db: Db, redemptionId: string, now: Date, leaseUntil: Date): Promise<SurpriseCodeAttempt | null> {
  const attempts = await claimRedemptionAttempt(db, redemptionId, "issuing", now, leaseUntil);
  if (attempts === null) return null;
  const r = await db.redemption.findUnique({
    where: { id: redemptionId },
    include: { reward: true, member: { select: { customerGid: true } }, shop: { select: { domain: true, uninstalledAt: true, currencyCode: true } } },
  });
  if (!r?.code) return null;
  const reward = r.reward ? toRewardDef(r.reward) : null;
  if (!reward) {
    await db.redemption.updateMany({ where: { id: redemptionId, status: "issuing" }, data: { status: "failed", error: "the surprise's reward was deleted before its code was created", nextAttemptAt: null } });
    return null;
  }
  const spec = computeDiscountSpec(reward, { code: r.code, customerGid: r.member.customerGid, currencyCode: r.shop.currencyCode, now: r.createdAt });
  return {
    redemptionId,
    shopDomain: r.shop.domain,
    shopUninstalled: r.shop.uninstalledAt !== null,
    attempts,
    code: r.code,
    // Shopify takes no start in the past on a retry days later; never later than now.
    spec: { ...spec, startsAt: new Date(Math.min(now.getTime(), spec.startsAt.getTime())) },
  };
}

export async function markSurpriseCodeIssued(db: Db, redemptionId: string, discountGid: string): Promise<boolean> {
  const r = await db.redemption.updateMany({ where: { id: redemptionId, status: "issuing" }, data: { status: "issued", discountGid, error: null, nextAttemptAt: null } });
  return r.count === 1;
}
