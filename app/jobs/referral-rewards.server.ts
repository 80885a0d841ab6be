import { getDb, type Db } from "../db.server";
import { claimReferrerReward, findDueReferrerRewards, markReferrerRewardIssued } from "../loyalty/referrals/reward-codes.server";
import { releaseDueReferrals } from "../loyalty/referrals/completion.server";
import type { GatewayFor } from "../loyalty/referrals/settings.server";
import { recordRedemptionFailure } from "../loyalty/rewards/stalled.server";
import { log } from "../log.server";
import { ShopUninstalledError } from "../shopify/errors";
import { referralGatewayForShop } from "../shopify/referral-contacts.server";
import { RETRY, afterShopifyFailure, errorText, leaseUntil } from "./backoff";

// The referrer's reward codes (Redemption rows in `issuing`, written when a referral
// completes: app/loyalty/referrals/completion.server.ts) created in Shopify. Right after
// the referral completes (the webhook, the admin's approval), then by the sweep's
// "referral-rewards-due" task. Shopify's errors are classified once (app/shopify/errors.ts):
// a terminal one makes the code `dead` at once, a retryable one backs off
// (app/jobs/backoff.ts) until RETRY.referrerReward's attempts are used up. The code is
// derived from the referral, so a retry after a crash asks Shopify for that exact code
// before creating it.

export interface ReferrerRewardStats {
  issued: number;
  retrying: number;
  dead: number;
}

export interface ReferrerRewardOptions {
  db?: Db;
  now?: Date;
  gatewayFor?: GatewayFor;
}

/** Creates these referrer reward codes now (those due). Never throws: what fails stays for the sweep. */
export async function issueReferrerRewardCodes(redemptionIds: readonly string[], options: ReferrerRewardOptions = {}): Promise<ReferrerRewardStats> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const gatewayFor = options.gatewayFor ?? referralGatewayForShop;
  const stats: ReferrerRewardStats = { issued: 0, retrying: 0, dead: 0 };
  for (const id of redemptionIds) {
    try {
      const outcome = await issueOne(db, id, now, gatewayFor);
      if (outcome) stats[outcome]++;
    } catch (error) {
      // The database failed us: the row stays `issuing` and is due again when its lease runs out.
      log.error("referrer reward code crashed", { redemptionId: id, error: errorText(error) });
    }
  }
  return stats;
}

async function issueOne(db: Db, id: string, now: Date, gatewayFor: GatewayFor): Promise<keyof ReferrerRewardStats | null> {
  const attempt = await claimReferrerReward(db, id, now, leaseUntil(now));
  if (!attempt) return null;
  const fields = { shop: attempt.shopDomain, redemptionId: id, attempt: attempt.attempts };
  try {
    if (attempt.shopUninstalled) throw new ShopUninstalledError(attempt.shopDomain);
    const gateway = await gatewayFor(attempt.shopDomain);
    const discountGid = (await gateway.findDiscount(attempt.code)) ?? (await gateway.issueDiscount(attempt.spec)).discountGid;
    await markReferrerRewardIssued(db, id, discountGid);
    return "issued";
  } catch (error) {
    const verdict = afterShopifyFailure({ error, attempts: attempt.attempts, now, policy: RETRY.referrerReward });
    if (verdict.status === "dead") log.error("referrer reward code dead", { ...fields, kind: verdict.kind, error: verdict.error });
    else log.warn("referrer reward code failed, will retry", { ...fields, kind: verdict.kind, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
    await recordRedemptionFailure(db, id, "issuing", verdict);
    return verdict.status === "dead" ? "dead" : "retrying";
  }
}

/** The sweep's task: referrals whose waiting period is over, then every referrer code due. */
export async function runDueReferralRewards(db: Db, options: { now?: Date; gatewayFor?: GatewayFor } = {}): Promise<ReferrerRewardStats & { released: number }> {
  const now = options.now ?? new Date();
  const released = await releaseDueReferrals(db, { now });
  const stats = await issueReferrerRewardCodes(await findDueReferrerRewards(db, now), { db, now, gatewayFor: options.gatewayFor });
  return { released, ...stats };
}
