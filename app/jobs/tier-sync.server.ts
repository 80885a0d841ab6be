import type { Db } from "../db.server";
import { claimTierChange, findDueTierChanges, finishTierChange, type TierSyncItem } from "../loyalty/tiers/sync-outbox.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { fireTierChangedFlow, syncCustomerTier } from "../shopify/customers.server";
import { ShopUninstalledError } from "../shopify/errors";
import type { AdminGraphql } from "../shopify/graphql";
import { RETRY, afterShopifyFailure, leaseUntil } from "./backoff";

// The TierChange outbox to Shopify: for each pending row, the customer's tier tag and
// metafield (set to the member's tier now, so rows synced out of order still converge),
// then the "Kanta tier changed" Flow trigger with the row's old and new tier. Shopify's
// errors are classified once (app/shopify/errors.ts): a terminal one (userErrors, 401/403/
// 404, no session, shop uninstalled) makes the row `dead` at once; a retryable one backs off
// (app/jobs/backoff.ts: 1 s, 4 s, 16 s … 1 h) and the row is `dead` after
// TIER_SYNC_MAX_ATTEMPTS, kept with its error. Accrual only ever writes the row.
// The trigger is at least once: a crash between Shopify's answer and marking the row done
// fires it again on the retry.

export const TIER_SYNC_MAX_ATTEMPTS = RETRY.tierSync.maxAttempts;

export interface TierSyncOptions {
  now?: Date;
  limit?: number;
  /** Tests and local mode: the Admin API client for a shop. */
  graphqlFor?: (shopDomain: string) => Promise<AdminGraphql>;
}

export interface TierSyncStats {
  done: number;
  retrying: number;
  dead: number;
}

async function syncOne(item: TierSyncItem, graphqlFor: (shop: string) => Promise<AdminGraphql>): Promise<"done" | "skipped"> {
  if (item.shopUninstalled) throw new ShopUninstalledError(item.shopDomain);
  // Nothing to tell Shopify about a customer whose data was erased.
  if (item.memberStatus === null || item.memberStatus === "redacted") return "skipped";
  const graphql = await graphqlFor(item.shopDomain);
  await syncCustomerTier(graphql, { customerGid: item.customerGid, tierName: item.currentTierName, otherTierNames: item.otherTierNames });
  await fireTierChangedFlow(graphql, item);
  return "done";
}

export async function syncDueTierChanges(db: Db, options: TierSyncOptions = {}): Promise<TierSyncStats> {
  const now = options.now ?? new Date();
  const graphqlFor = options.graphqlFor ?? getAdminGraphqlForShop;
  const stats: TierSyncStats = { done: 0, retrying: 0, dead: 0 };
  for (const id of await findDueTierChanges(db, now, options.limit ?? 50)) {
    const item = await claimTierChange(db, id, now, leaseUntil(now));
    if (!item) continue;
    const fields = { shop: item.shopDomain, tierChangeId: item.id, memberCustomerGid: item.customerGid, attempt: item.attempts };
    try {
      await syncOne(item, graphqlFor);
      await finishTierChange(db, id, { status: "done" });
      stats.done++;
    } catch (error) {
      const verdict = afterShopifyFailure({ error, attempts: item.attempts, now, policy: RETRY.tierSync });
      if (verdict.status === "dead") {
        log.error("tier sync dead", { ...fields, kind: verdict.kind, error: verdict.error });
        await finishTierChange(db, id, { status: "dead", error: verdict.error });
        stats.dead++;
      } else {
        log.warn("tier sync failed, will retry", { ...fields, kind: verdict.kind, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt.toISOString() });
        await finishTierChange(db, id, { status: "retry", error: verdict.error, nextSyncAt: verdict.nextAttemptAt });
        stats.retrying++;
      }
    }
  }
  return stats;
}
