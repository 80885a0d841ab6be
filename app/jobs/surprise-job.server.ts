import { getDb, type Db } from "../db.server";
import type { GatewayFor } from "../loyalty/referrals/settings.server";
import { recordRedemptionFailure } from "../loyalty/rewards/stalled.server";
import { claimSurpriseCode, findDueSurpriseCodes, markSurpriseCodeIssued } from "../loyalty/surprise/codes.server";
import { surpriseGiftPrize } from "../loyalty/surprise/gift-prize.server";
import { runSurprise, type SurpriseHooks } from "../loyalty/surprise/run.server";
import { claimDueSurprise } from "../loyalty/surprise/surprises.server";
import { log } from "../log.server";
import { ShopUninstalledError } from "../shopify/errors";
import { referralGatewayForShop } from "../shopify/referral-contacts.server";
import { RETRY, afterFailure, afterShopifyFailure, errorText, leaseUntil } from "./backoff";

// Surprises (0037), run by the sweep's "surprises" task: a started surprise is claimed with a
// lease, drawn once and awarded in batches (app/loyalty/surprise/run.server.ts); a worker that
// dies mid-way leaves the lease to run out and the next sweep resumes where the winners'
// `awardedAt` says. Then the reward codes owed are created in Shopify (findDiscount first: a
// crash after Shopify made one does not make a second), retried with backoff, `dead` after
// RETRY.surpriseCode's attempts.

export interface SurpriseJobOptions {
  db?: Db;
  now?: Date;
  gatewayFor?: GatewayFor;
  hooks?: SurpriseHooks;
  batch?: number;
}

export async function runDueSurprises(options: SurpriseJobOptions = {}): Promise<{ surprises: number; codes: { issued: number; retrying: number; dead: number } }> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  let surprises = 0;
  for (let claimed = await claimDueSurprise(db, now, leaseUntil(now)); claimed; claimed = await claimDueSurprise(db, now, leaseUntil(now))) {
    surprises++;
    try {
      // Product gift prizes go through the gifts room (0031); a test may give its own hook.
      const hooks: SurpriseHooks = { ...options.hooks, gift: options.hooks?.gift ?? surpriseGiftPrize };
      await runSurprise(db, claimed.id, now, { batch: options.batch, hooks });
    } catch (error) {
      const verdict = afterFailure({ attempts: claimed.attempts, now, error, policy: RETRY.surprise });
      const fields = { shopId: claimed.shopId, surpriseId: claimed.id, attempt: claimed.attempts, error: verdict.error };
      if (verdict.status === "dead") log.error("surprise run failed for good", fields);
      else log.warn("surprise run failed, will resume", { ...fields, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
      await db.surprise.updateMany({
        where: { id: claimed.id },
        data: verdict.status === "dead" ? { status: "failed", lastError: verdict.error.slice(0, 500), leaseUntil: null } : { lastError: verdict.error.slice(0, 500), nextAttemptAt: verdict.nextAttemptAt, leaseUntil: null },
      });
    }
  }
  const codes = await issueSurpriseCodes(await findDueSurpriseCodes(db, now), { db, now, gatewayFor: options.gatewayFor });
  return { surprises, codes };
}

/** Creates these surprise reward codes in Shopify now (those due). Never throws: what fails stays for the sweep. */
export async function issueSurpriseCodes(redemptionIds: readonly string[], options: { db?: Db; now?: Date; gatewayFor?: GatewayFor } = {}) {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const gatewayFor = options.gatewayFor ?? referralGatewayForShop;
  const stats = { issued: 0, retrying: 0, dead: 0 };
  for (const id of redemptionIds) {
    try {
      const attempt = await claimSurpriseCode(db, id, now, leaseUntil(now));
      if (!attempt) continue;
      try {
        if (attempt.shopUninstalled) throw new ShopUninstalledError(attempt.shopDomain);
        const gateway = await gatewayFor(attempt.shopDomain);
        const discountGid = (await gateway.findDiscount(attempt.code)) ?? (await gateway.issueDiscount(attempt.spec)).discountGid;
        await markSurpriseCodeIssued(db, id, discountGid);
        stats.issued++;
      } catch (error) {
        const verdict = afterShopifyFailure({ error, attempts: attempt.attempts, now, policy: RETRY.surpriseCode });
        log.warn("surprise reward code failed", { shop: attempt.shopDomain, redemptionId: id, attempt: attempt.attempts, kind: verdict.kind, error: verdict.error });
        await recordRedemptionFailure(db, id, "issuing", verdict);
        stats[verdict.status === "dead" ? "dead" : "retrying"]++;
      }
    } catch (error) {
      // The database failed us: the row stays `issuing` and is due again when its lease runs out.
      log.error("surprise reward code crashed", { redemptionId: id, error: errorText(error) });
    }
  }
  return stats;
}
