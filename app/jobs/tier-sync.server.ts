import type { Db } from "../db.server";
import { claimTierChange, findDueTierChanges, finishTierChange, type TierSyncItem } from "../loyalty/tiers/sync-outbox.server";
import { log } from "../log.server";
import { getAdminGraphqlForShop } from "../shopify/admin.server";
import { fireTierChangedFlow, syncCustomerTier } from "../shopify/customers.server";
import type { AdminGraphql } from "../shopify/graphql";
import { retryDelayMs } from "./webhook-job.server";

// The TierChange outbox to Shopify: for each pending row, the customer's tier tag and
// metafield (set to the member's tier now, so rows synced out of order still converge),
// then the "Kanta tier changed" Flow trigger with the row's old and new tier. Failures
// retry with the webhook backoff (1 s, 4 s, 16 s … 1 h) and the row is `failed` after
// TIER_SYNC_MAX_ATTEMPTS, kept with its error. Accrual only ever writes the row.
// The trigger is at least once: a crash between Shopify's answer and marking the row done
// fires it again on the retry.

export const TIER_SYNC_MAX_ATTEMPTS = 8;

export interface TierSyncOptions {
  now?: Date;
  limit?: number;
  /** Tests and local mode: the Admin API client for a shop. */
  graphqlFor?: (shopDomain: string) => Promise<AdminGraphql>;
}

export interface TierSyncStats {
  done: number;
  retrying: number;
  failed: number;
}

async function syncOne(item: TierSyncItem, graphqlFor: (shop: string) => Promise<AdminGraphql>): Promise<"done" | "skipped"> {
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
  const stats: TierSyncStats = { done: 0, retrying: 0, failed: 0 };
  for (const id of await findDueTierChanges(db, now, options.limit ?? 50)) {
    const item = await claimTierChange(db, id, now);
    if (!item) continue;
    const fields = { shop: item.shopDomain, tierChangeId: item.id, attempt: item.attempts };
    if (item.shopUninstalled) {
      await finishTierChange(db, id, { status: "failed", error: "shop uninstalled" });
      stats.failed++;
      continue;
    }
    try {
      await syncOne(item, graphqlFor);
      await finishTierChange(db, id, { status: "done" });
      stats.done++;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (item.attempts >= TIER_SYNC_MAX_ATTEMPTS) {
        log.error("tier sync failed for good", { ...fields, error: message });
        await finishTierChange(db, id, { status: "failed", error: message });
        stats.failed++;
      } else {
        log.warn("tier sync failed, will retry", { ...fields, error: message });
        await finishTierChange(db, id, { status: "retry", error: message, nextSyncAt: new Date(now.getTime() + retryDelayMs(item.attempts)) });
        stats.retrying++;
      }
    }
  }
  return stats;
}
