import type { Db } from "../db.server";
import { claimRedemptionAttempt, findStalledRedemptions, recordRedemptionFailure, recoverStalledRedemption, recoverStalledStoreCredit } from "../loyalty/rewards/stalled.server";
import { CLOCK_SKEW_MS } from "../loyalty/rewards/store-credit";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { findDiscountByCode } from "../shopify/discounts.server";
import { listStoreCredits } from "../shopify/store-credit.server";
import { ShopUninstalledError } from "../shopify/errors";
import type { AdminGraphql } from "../shopify/graphql";
import { RETRY, afterShopifyFailure, leaseUntil } from "./backoff";

export interface StalledRedemptionStats {
  finished: number;
  retrying: number;
  dead: number;
}

/**
 * Redemptions left pending by a process that died while Shopify was creating the code:
 * if Shopify has the code, the redemption is issued; if not, the points go back. Asking
 * Shopify is an outbox: a terminal error (no session, 401/403/404, shop uninstalled) makes
 * the redemption `dead` at once, a retryable one backs off (app/jobs/backoff.ts) until
 * RETRY.stalledRedemption's attempts are used up. A dead redemption keeps its points spent
 * (whether Shopify made the code is unknown) and its error, on the member's page.
 * A store_credit redemption is looked for among the customer's store credits instead
 * (docs/decisions/0028-store-credit.md).
 */
export async function recoverStalledRedemptions(
  db: Db,
  options: { now?: Date; graphqlFor?: (shopDomain: string) => Promise<AdminGraphql> } = {},
): Promise<StalledRedemptionStats> {
  const now = options.now ?? new Date();
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const stats: StalledRedemptionStats = { finished: 0, retrying: 0, dead: 0 };
  for (const stalled of await findStalledRedemptions(db, now)) {
    const attempts = await claimRedemptionAttempt(db, stalled.id, "pending", now, leaseUntil(now));
    if (attempts === null) continue;
    const fields = { shop: stalled.shop.domain, redemptionId: stalled.id, attempt: attempts };
    try {
      if (stalled.shop.uninstalledAt) throw new ShopUninstalledError(stalled.shop.domain);
      const graphql = await graphqlFor(stalled.shop.domain);
      let outcome: "issued" | "refunded";
      if (stalled.creditMinor !== null) {
        const since = new Date(stalled.createdAt.getTime() - CLOCK_SKEW_MS);
        const credits = await listStoreCredits(graphql, stalled.member.customerGid, stalled.shop.currencyCode, since);
        outcome = await recoverStalledStoreCredit(db, stalled, credits);
      } else {
        const existing = stalled.code ? await findDiscountByCode(graphql, stalled.code) : null;
        outcome = await recoverStalledRedemption(db, stalled.id, existing);
      }
      log.info("stalled redemption finished", { ...fields, outcome });
      stats.finished++;
    } catch (error) {
      const verdict = afterShopifyFailure({ error, attempts, now, policy: RETRY.stalledRedemption });
      if (verdict.status === "dead") log.error("stalled redemption dead", { ...fields, kind: verdict.kind, error: verdict.error });
      else log.warn("stalled redemption not finished yet, will retry", { ...fields, kind: verdict.kind, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
      await recordRedemptionFailure(db, stalled.id, "pending", verdict);
      if (verdict.status === "dead") stats.dead++;
      else stats.retrying++;
    }
  }
  return stats;
}
